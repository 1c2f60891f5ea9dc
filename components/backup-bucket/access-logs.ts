/**
 * S3 server access logging of the backup bucket (AWS FSBP S3.9): who read, listed, wrote or
 * deleted which backup object, and from where. The bucket holds a full copy of production
 * data, so every read of it is worth a record.
 *
 * Why server access logs rather than CloudTrail data events: they cost nothing but the
 * storage of the log objects (a few MB a month for a nightly job), need no trail, and cover
 * every request including those AWS denies. CloudTrail data events ($0.10 per 100,000) add the
 * caller's session and guaranteed delivery (server access logs are best effort); an account
 * with an organization trail can add the bucket there.
 */
import { denyInsecureTransport, policyDocument } from "../shared/iam";

/** Key prefix of the backup bucket's access logs in the log bucket. */
export const accessLogsPrefix = "s3-access/";

/** Days the access logs are kept: a year, long enough to answer "who read the backups" after a breach is found. */
export const accessLogsRetentionDays = 365;

/**
 * The log bucket's policy: only S3's logging service may write, only under the prefix, and only
 * for the backup bucket of this account (the confused-deputy conditions AWS documents for
 * `logging.s3.amazonaws.com`); nothing over plain HTTP. With BucketOwnerEnforced there are no
 * ACLs, so this policy is the only grant.
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html)
 */
export function accessLogsBucketPolicy(a: { logBucketArn: string; sourceBucketArn: string; accountId: string }): string {
    return policyDocument([
        {
            Sid: "S3ServerAccessLogDelivery",
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: `${a.logBucketArn}/${accessLogsPrefix}*`,
            Condition: { ArnLike: { "aws:SourceArn": a.sourceBucketArn }, StringEquals: { "aws:SourceAccount": a.accountId } },
        },
        denyInsecureTransport(a.logBucketArn),
    ]);
}
