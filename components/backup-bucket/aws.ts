import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SlipwayComponent } from "../shared/component";
import { nameLimits, physicalName } from "../shared/naming";
import { type BackupBucketArgs, type NormalizedBackupBucketArgs, normalizeBackupBucketArgs } from "./index";
import { backupBucketPolicy, backupKeyPolicy } from "./policy";

export interface AwsBackupBucketArgs extends BackupBucketArgs {
    /**
     * IAM roles that write and restore backups: they may upload, read and list (never delete),
     * and use the bucket's key through S3.
     * @default []
     * @example
     * ```ts
     * { writerRoleArns: [backupTaskRole.arn] }
     * ```
     */
    writerRoleArns?: pulumi.Input<string>[];
}

/**
 * The storage class backups move to after `transitionToColdAfterDays`. Glacier Instant
 * Retrieval rather than Standard-IA: restores still take milliseconds, storage costs about a
 * third of Standard-IA's, and backups are read rarely (retrieval costs more per GB, paid only
 * on a restore). Its 90-day minimum charge is still cheaper than Standard-IA for the default
 * 60 days in the cold, and unlike Standard-IA it has no 30-day wait before the move.
 */
export const coldStorageClass = "GLACIER_IR";

/** Days after which an unfinished multipart upload (an interrupted backup) is cleaned up. */
export const abortMultipartAfterDays = 7;

/** The lifecycle rules, one purpose each (their ids are stable: S3 reports by rule id). */
export function lifecycleRules(n: NormalizedBackupBucketArgs): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
    // An empty filter applies a rule to every object, and says so explicitly.
    const all = {};
    return [
        {
            id: "retention",
            status: "Enabled",
            filter: all,
            expiration: { days: n.retentionDays },
            transitions: n.transitionToColdAfterDays === false ? undefined : [{ days: n.transitionToColdAfterDays, storageClass: coldStorageClass }],
        },
        {
            id: "noncurrent-versions",
            status: "Enabled",
            filter: all,
            noncurrentVersionExpiration: { noncurrentDays: n.noncurrentVersionDays },
        },
        {
            // S3 rejects expiredObjectDeleteMarker beside days in one expiration, hence its own rule.
            id: "expired-delete-markers",
            status: "Enabled",
            filter: all,
            expiration: { expiredObjectDeleteMarker: true },
        },
        {
            id: "abort-incomplete-multipart",
            status: "Enabled",
            filter: all,
            abortIncompleteMultipartUpload: { daysAfterInitiation: abortMultipartAfterDays },
        },
    ];
}

/**
 * The backup store of the AWS target: a private, versioned S3 bucket encrypted with its own
 * KMS key, reachable over TLS only, with lifecycle rules that enforce the retention.
 *
 * ## Cost
 * - Storage: S3 Standard (~$0.023/GB-month) until `transitionToColdAfterDays`, then Glacier
 *   Instant Retrieval (~$0.004/GB-month, 90-day minimum, $0.03/GB read on restore). Previous
 *   versions are billed like current ones for `noncurrentVersionDays`.
 * - The KMS key: $1/month; the S3 bucket key keeps KMS request charges negligible.
 */
export class AwsBackupBucket extends SlipwayComponent {
    /** Name of the bucket. */
    public readonly bucketName: pulumi.Output<string>;
    /** ARN of the bucket. */
    public readonly bucketArn: pulumi.Output<string>;
    /** ARN of the bucket's KMS key (writers elsewhere may need it in their IAM policies). */
    public readonly kmsKeyArn: pulumi.Output<string>;

    constructor(name: string, args: AwsBackupBucketArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("BackupBucket", name, opts);
        const n = normalizeBackupBucketArgs(args);
        const writers = pulumi.all(args.writerRoleArns ?? []);
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this });
        const region = aws.getRegionOutput({}, { parent: this }).region;

        const key = new aws.kms.Key(
            this.childName("key"),
            {
                description: `Encrypts the backups of ${name}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: pulumi
                    .all([partition, identity.accountId, region, writers])
                    .apply(([p, accountId, r, writerRoleArns]) =>
                        backupKeyPolicy({ partition: p.partition, dnsSuffix: p.dnsSuffix, accountId, region: r, writerRoleArns }),
                    ),
            },
            this.childOpts({ protect: n.protect }),
        );
        const bucket = new aws.s3.Bucket(
            this.childName("bucket"),
            {
                // Bucket names are global across all AWS accounts: the account id keeps two
                // installations with the same stack names apart. Changing it replaces the bucket.
                bucket: identity.accountId.apply((id) => physicalName(`${name}-${id}`, nameLimits.s3Bucket)),
                forceDestroy: n.forceDestroy,
            },
            this.childOpts({ protect: n.protect }),
        );
        new aws.s3.BucketOwnershipControls(
            this.childName("ownership"),
            { bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
            this.childOpts(),
        );
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            this.childName("public-access-block"),
            { bucket: bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            this.childOpts(),
        );
        const versioning = new aws.s3.BucketVersioning(
            this.childName("versioning"),
            { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } },
            this.childOpts(),
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            this.childName("encryption"),
            {
                bucket: bucket.bucket,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
            },
            this.childOpts(),
        );
        new aws.s3.BucketPolicy(
            this.childName("policy"),
            {
                bucket: bucket.bucket,
                policy: pulumi
                    .all([bucket.arn, key.arn, writers])
                    .apply(([bucketArn, kmsKeyArn, writerRoleArns]) => backupBucketPolicy({ bucketArn, kmsKeyArn, writerRoleArns })),
            },
            // S3 refuses concurrent changes to one bucket's access settings (OperationAborted),
            // and the policy must land after public access is blocked, never before.
            this.childOpts({ dependsOn: [publicAccessBlock] }),
        );
        new aws.s3.BucketLifecycleConfiguration(
            this.childName("lifecycle"),
            { bucket: bucket.bucket, rules: lifecycleRules(n) },
            // Noncurrent-version rules only mean something once versioning is on.
            this.childOpts({ dependsOn: [versioning] }),
        );

        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.kmsKeyArn = key.arn;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, kmsKeyArn: this.kmsKeyArn });
    }
}
