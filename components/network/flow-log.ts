/**
 * Pure pieces of the VPC flow log: the IAM and KMS policy documents, built as JSON so they
 * need no provider lookup.
 */
import { type AccountContext, accountAdministersKey, logsMayUseKey, policyDocument, serviceTrustPolicy } from "../shared/iam";

/**
 * Trust policy of the role the flow-log service assumes. The source conditions stop another
 * account's flow log from using this role (the confused-deputy case).
 */
export function flowLogTrustPolicy(ctx: AccountContext): string {
    return serviceTrustPolicy("vpc-flow-logs.amazonaws.com", ctx.accountId, `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.accountId}:vpc-flow-log/*`);
}

/**
 * What the flow-log service needs to write into one log group: create its streams and put
 * events there, and nothing in any other group. DescribeLogGroups cannot be narrowed to one
 * group, so it is limited to the account's groups in the region.
 */
export function flowLogWritePolicy(logGroupArn: string): string {
    const groups = logGroupArn.replace(/:log-group:.*$/, ":log-group:*");
    return policyDocument([
        {
            Sid: "WriteFlowLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: [logGroupArn, `${logGroupArn}:*`],
        },
        { Sid: "FindLogGroup", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: groups },
    ]);
}

/**
 * Key policy for the flow-log key: the account administers it through IAM, and CloudWatch Logs
 * in this region may use it only for this one log group (the encryption-context condition).
 */
export function flowLogKeyPolicy(ctx: AccountContext, logGroupName: string): string {
    return policyDocument([
        accountAdministersKey(ctx, "AccountAdministersKeyThroughIam"),
        logsMayUseKey(ctx, "CloudWatchLogsUsesKeyForFlowLogGroup", logGroupName),
    ]);
}
