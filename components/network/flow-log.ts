/**
 * Pure pieces of the VPC flow log: the retention values CloudWatch Logs accepts, and the IAM and
 * KMS policy documents, built as JSON so they need no provider lookup.
 */

/** The retention periods (days) CloudWatch Logs accepts (PutRetentionPolicy), "never expire" left out. */
export const cloudWatchRetentionDays = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export function isCloudWatchRetention(days: number): boolean {
    return (cloudWatchRetentionDays as readonly number[]).includes(days);
}

/** Where the policies are evaluated. */
export interface AccountContext {
    accountId: string;
    partition: string;
    region: string;
    /** The partition's DNS suffix (`amazonaws.com`, `amazonaws.com.cn`), for service principals. */
    dnsSuffix: string;
}

/**
 * Trust policy of the role the flow-log service assumes. The source conditions stop another
 * account's flow log from using this role (the confused-deputy case).
 */
export function flowLogTrustPolicy(ctx: AccountContext): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": ctx.accountId },
                    ArnLike: { "aws:SourceArn": `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.accountId}:vpc-flow-log/*` },
                },
            },
        ],
    });
}

/**
 * What the flow-log service needs to write into one log group: create its streams and put
 * events there, and nothing in any other group. DescribeLogGroups cannot be narrowed to one
 * group, so it is limited to the account's groups in the region.
 */
export function flowLogWritePolicy(logGroupArn: string): string {
    const groups = logGroupArn.replace(/:log-group:.*$/, ":log-group:*");
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "WriteFlowLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: [logGroupArn, `${logGroupArn}:*`],
            },
            { Sid: "FindLogGroup", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: groups },
        ],
    });
}

/** The ARN of a log group, as CloudWatch Logs puts it in the KMS encryption context. */
export function logGroupArn(ctx: AccountContext, logGroupName: string): string {
    return `arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:${logGroupName}`;
}

/**
 * Key policy for the flow-log key: the account administers it through IAM, and CloudWatch Logs
 * in this region may use it only for this one log group (the encryption-context condition).
 */
export function flowLogKeyPolicy(ctx: AccountContext, logGroupName: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministersKeyThroughIam",
                Effect: "Allow",
                Principal: { AWS: `arn:${ctx.partition}:iam::${ctx.accountId}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "CloudWatchLogsUsesKeyForFlowLogGroup",
                Effect: "Allow",
                Principal: { Service: `logs.${ctx.region}.${ctx.dnsSuffix}` },
                Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                Resource: "*",
                Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn(ctx, logGroupName) } },
            },
        ],
    });
}
