/**
 * Key policy for a component's customer-managed KMS key that also encrypts its CloudWatch log
 * groups. The account statement keeps the default behaviour (IAM policies decide who may use
 * the key, which is how RDS and ElastiCache get their grants); CloudWatch Logs gets the key
 * only for the named log groups, because the logs service is not an IAM principal of ours.
 */
export interface KeyPolicyContext {
    partition: string;
    accountId: string;
    region: string;
    /** The partition's DNS suffix (`amazonaws.com`, `amazonaws.com.cn`…). */
    dnsSuffix: string;
    /** Log group names (a trailing `*` allowed) whose data the logs service may encrypt. */
    logGroupNames: string[];
}

export function logsEncryptionKeyPolicy(c: KeyPolicyContext): string {
    const logGroupArns = c.logGroupNames.map((n) => `arn:${c.partition}:logs:${c.region}:${c.accountId}:log-group:${n}`);
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministersThroughIam",
                Effect: "Allow",
                Principal: { AWS: `arn:${c.partition}:iam::${c.accountId}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "CloudWatchLogsEncryptsOwnLogGroups",
                Effect: "Allow",
                Principal: { Service: `logs.${c.region}.${c.dnsSuffix}` },
                Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                Resource: "*",
                Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": logGroupArns } },
            },
        ],
    });
}
