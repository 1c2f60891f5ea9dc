/**
 * The web tier's policy documents (KMS key, IAM trust and permissions, access-log bucket),
 * built as JSON from plain values so they need no provider lookup and are tested alone.
 */
import {
    type AccountContext,
    accountAdministersKey,
    denyInsecureTransport,
    logsMayUseKey,
    policyDocument,
    serviceTrustPolicy,
} from "../shared/iam";
import { elbLogDeliveryService, elbLogPrincipal } from "../shared/aws-regions";

/**
 * Policy of the tier's KMS key. The account statement lets IAM policies grant use of the key
 * (that is how the execution role gets `kms:Decrypt`); CloudWatch Logs may use it only for this
 * tier's log groups (the app's and, when given, the WAF's), each pinned through the encryption
 * context CloudWatch Logs always sends.
 */
export function webTierKeyPolicy(ctx: AccountContext, appLogGroupName: string, wafLogGroupName?: string): string {
    return policyDocument([
        accountAdministersKey(ctx, "AccountAdministersAndDelegatesToIam"),
        logsMayUseKey(ctx, "CloudWatchLogsEncryptsThisTiersLogGroup", appLogGroupName),
        ...(wafLogGroupName === undefined ? [] : [logsMayUseKey(ctx, "CloudWatchLogsEncryptsThisTiersWafLogs", wafLogGroupName)]),
    ]);
}

/**
 * Trust policy for the task and execution roles: only ECS tasks of this account and region may
 * assume them (the source conditions close the confused-deputy path).
 */
export function ecsTasksTrustPolicy(ctx: AccountContext): string {
    return serviceTrustPolicy("ecs-tasks.amazonaws.com", ctx.accountId, `arn:${ctx.partition}:ecs:${ctx.region}:${ctx.accountId}:*`);
}

/**
 * What the execution role needs beyond the managed ECS policy: read exactly this tier's
 * secrets, and decrypt with exactly this tier's key, only when Secrets Manager asks.
 */
export function executionSecretsPolicy(ctx: AccountContext, secretArns: string[], keyArn: string | string[]): string {
    if (secretArns.length === 0) throw new Error("Internal: executionSecretsPolicy needs at least one secret ARN"); // callers skip the policy when there are no secrets
    const keys = [...new Set(typeof keyArn === "string" ? [keyArn] : keyArn)].sort();
    return policyDocument([
        {
            Sid: "ReadThisTiersSecrets",
            Effect: "Allow",
            Action: "secretsmanager:GetSecretValue",
            Resource: [...new Set(secretArns)].sort(),
        },
        {
            Sid: "DecryptThisTiersSecrets",
            Effect: "Allow",
            Action: "kms:Decrypt",
            // The tier's key, and the keys of secrets it reads from elsewhere (`secretsFrom`).
            Resource: keys.length === 1 ? keys[0] : keys,
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${ctx.region}.${ctx.dnsSuffix}` } },
        },
    ]);
}

export { elbLogDeliveryService };

/**
 * Policy of the access-log bucket: TLS only, and ELB log delivery may write under the prefix
 * for this account and nothing else. The writer is the one the region uses (its ELB account
 * before August 2022, the log-delivery service after: see ../shared/aws-regions), so no
 * principal is granted that the region never writes as.
 */
export function accessLogsBucketPolicy(ctx: AccountContext, p: { bucketArn: string; prefix: string }): string {
    const logObjects = `${p.bucketArn}/${p.prefix}/AWSLogs/${ctx.accountId}/*`;
    const principal = elbLogPrincipal(ctx.region, ctx.partition);
    return policyDocument([
        denyInsecureTransport(p.bucketArn),
        {
            Sid: "AWS" in principal ? "ElbAccountWritesAccessLogs" : "ElbLogDeliveryWritesAccessLogs",
            Effect: "Allow",
            Principal: principal,
            Action: "s3:PutObject",
            Resource: logObjects,
        },
    ]);
}
