/**
 * Policies of the alarm topic and its encryption key, as JSON. Pure so they can be read and
 * tested without a cloud account.
 */
import { type AccountContext, type Statement, accountAdministersKey, logGroupArn, logsMayUseKey, policyDocument } from "../shared/iam";

/**
 * Services that publish to the alarm topic: CloudWatch alarms, EventBridge rules and RDS event
 * subscriptions (RDS publishes as `events.rds.amazonaws.com`, with the database as source ARN;
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.GrantingPermissions.html).
 */
export const alarmPublishers = ["cloudwatch.amazonaws.com", "events.amazonaws.com", "events.rds.amazonaws.com"] as const;

/**
 * The RDS event categories of a DB instance the alarm topic carries: "low storage" holds the
 * storage-full events and RDS-EVENT-0225 (storage approaching the autoscaling ceiling, which no
 * CloudWatch metric shows), "failure" and "failover" what a Multi-AZ 99.9% SLO needs to hear.
 * Backups, maintenance and configuration changes stay out: they are routine and would train
 * people to ignore the topic.
 */
export const rdsEventCategories = ["low storage", "failure", "failover"] as const;

/** The topic's policies need only the account and its partition. */
type TopicAccount = Pick<AccountContext, "partition" | "accountId">;

/**
 * The key policy of the topic's key. The account statement keeps the key administrable through
 * IAM (without it a key can become unmanageable) and lets IAM policies grant its use (the alarm
 * forwarder decrypts its webhook secret that way). Publishers need Decrypt and GenerateDataKey*
 * on the key or SNS drops their messages silently: an alarm on an encrypted topic with the
 * AWS-managed `alias/aws/sns` key never arrives, which is why the topic has its own key. With a
 * forwarder, CloudWatch Logs may also encrypt its log group (and only that group) with the key.
 */
export function topicKeyPolicy(ctx: TopicAccount, forwarder?: { ctx: AccountContext; logGroupName: string }): string {
    const statements: Statement[] = [
        accountAdministersKey(ctx, "AccountAdministers"),
        {
            Sid: "AlarmPublishersUseKey",
            Effect: "Allow",
            Principal: { Service: [...alarmPublishers] },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            // No aws:SourceAccount/SourceArn here on purpose: EventBridge does not send them on
            // these KMS calls (AWS documents the key statement without conditions), and a
            // condition that never matches drops every notification without an error. The
            // confused-deputy guard sits on the topic policy, which gates all publishing.
            Resource: "*",
        },
    ];
    if (forwarder) statements.push(logsMayUseKey(forwarder.ctx, "CloudWatchLogsEncryptsForwarderLogs", forwarder.logGroupName));
    return policyDocument(statements);
}

/** Trust policy of the forwarder's role: the Lambda service, as AWS documents it (no source keys). */
export function forwarderTrustPolicy(): string {
    // AWS documents the execution role's trust without aws:SourceAccount/SourceArn; a condition
    // on a key Lambda does not send would stop the function from ever running (as defect 10 was
    // for ECS). Another account cannot use the role: creating a function with it takes
    // iam:PassRole, which never passes a role across accounts.
    return policyDocument([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]);
}

/**
 * What the forwarder may do: write its own log group, read its one secret, and decrypt it
 * through Secrets Manager only (`kms:ViaService`), with the secret named in the encryption
 * context Secrets Manager always sends.
 */
export function forwarderRolePolicy(ctx: AccountContext, a: { logGroupName: string; secretArn: string; keyArn: string }): string {
    const group = logGroupArn(ctx, a.logGroupName);
    return policyDocument([
        { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${group}:log-stream:*` },
        { Sid: "ReadWebhookSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: a.secretArn },
        {
            Sid: "DecryptWebhookSecret",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: a.keyArn,
            Condition: {
                StringEquals: { "kms:ViaService": `secretsmanager.${ctx.region}.${ctx.dnsSuffix}`, "kms:EncryptionContext:SecretARN": a.secretArn },
            },
        },
    ]);
}

/** The topic policy: only this account's CloudWatch alarms, EventBridge rules and RDS events may publish. */
export function topicPolicy(ctx: TopicAccount & { topicArn: string }): string {
    return policyDocument([
        {
            Sid: "AlarmPublishersPublish",
            Effect: "Allow",
            Principal: { Service: [...alarmPublishers] },
            Action: "sns:Publish",
            Resource: ctx.topicArn,
            Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } },
        },
    ]);
}
