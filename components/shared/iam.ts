/**
 * Pieces of IAM and KMS key policies that several components need in the same form, built as
 * JSON from plain values so they need no provider lookup. Each component keeps its own Sids
 * (they are part of the deployed documents), so the statement builders take one.
 */

/** Where the policies are evaluated. */
export interface AccountContext {
    accountId: string;
    partition: string;
    region: string;
    /** The partition's DNS suffix (`amazonaws.com`, `amazonaws.com.cn`), for service principals. */
    dnsSuffix: string;
}

/** One policy statement, as it goes into the JSON document. */
export type Statement = Record<string, unknown>;

/** A policy document with these statements, as the JSON string IAM, KMS and S3 take. */
export function policyDocument(statements: Statement[]): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** The ARN of a log group in the account and region (what CloudWatch Logs puts in the KMS encryption context). */
export function logGroupArn(ctx: AccountContext, logGroupName: string): string {
    return `arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:${logGroupName}`;
}

/**
 * The account administers the key, and IAM policies decide who else may use it. Without this
 * statement a key can become unmanageable; with it, grants go through IAM as for any resource.
 */
export function accountAdministersKey(ctx: Pick<AccountContext, "partition" | "accountId">, sid: string): Statement {
    return {
        Sid: sid,
        Effect: "Allow",
        Principal: { AWS: `arn:${ctx.partition}:iam::${ctx.accountId}:root` },
        Action: "kms:*",
        Resource: "*",
    };
}

/**
 * CloudWatch Logs in this region may encrypt with the key, but only for the given log groups
 * (the logs service is not an IAM principal of ours, so the key policy names it, pinned by the
 * encryption context it always sends). One name matches that group exactly (`ArnEquals`); a
 * list of names, which may end in `*`, matches as patterns (`ArnLike`).
 */
export function logsMayUseKey(ctx: AccountContext, sid: string, logGroups: string | readonly string[]): Statement {
    const condition =
        typeof logGroups === "string"
            ? { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn(ctx, logGroups) } }
            : { ArnLike: { "kms:EncryptionContext:aws:logs:arn": logGroups.map((n) => logGroupArn(ctx, n)) } };
    return {
        Sid: sid,
        Effect: "Allow",
        Principal: { Service: `logs.${ctx.region}.${ctx.dnsSuffix}` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: condition,
    };
}

/**
 * Key policy for a component's own key that also encrypts its CloudWatch log groups: the
 * account administers it through IAM (which is how RDS and ElastiCache get their grants), and
 * CloudWatch Logs may use it for the named groups only.
 */
export function logsEncryptionKeyPolicy(c: AccountContext & { logGroupNames: string[] }): string {
    return policyDocument([
        accountAdministersKey(c, "AccountAdministersThroughIam"),
        logsMayUseKey(c, "CloudWatchLogsEncryptsOwnLogGroups", c.logGroupNames),
    ]);
}

/**
 * Trust policy of a role a service assumes on our behalf: only that service, only for this
 * account (`aws:SourceAccount`), and, when given, only from matching resources
 * (`aws:SourceArn`). The source conditions close the confused-deputy path.
 */
export function serviceTrustPolicy(service: string, accountId: string, sourceArnLike?: string): string {
    return policyDocument([
        {
            Effect: "Allow",
            Principal: { Service: service },
            Action: "sts:AssumeRole",
            Condition: {
                StringEquals: { "aws:SourceAccount": accountId },
                ...(sourceArnLike === undefined ? {} : { ArnLike: { "aws:SourceArn": sourceArnLike } }),
            },
        },
    ]);
}

/**
 * Trust policy of an ECS task *execution* role: the ECS tasks service, and no source conditions.
 * AWS documents `aws:SourceAccount`/`aws:SourceArn` for task roles ("Amazon ECS task IAM role":
 * `arn:aws:ecs:<region>:<account>:*`), but the execution role's trust policy without any
 * ("Amazon ECS task execution IAM role"); the agent that assumes it before the task exists is
 * not documented to send them, and a condition on a key that is not sent fails every task start
 * ("ECS was unable to assume the role"). Other accounts still cannot use the role: starting a task
 * with it takes `iam:PassRole`, which never passes a role across accounts.
 */
export function ecsTaskExecutionTrustPolicy(): string {
    return policyDocument([{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }]);
}

/** Denies any access to the bucket and its objects over plain HTTP. */
export function denyInsecureTransport(bucketArn: string): Statement {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}
