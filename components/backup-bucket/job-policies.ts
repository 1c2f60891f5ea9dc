/**
 * The IAM documents of the aws backup job: who may start its task (the scheduler's role) and
 * what starting it needs (the execution role). Built as JSON from plain values, tested alone.
 * What the task itself may do is granted on the resources, not here: the bucket policy and the
 * bucket key's policy name the task role (components/backup-bucket/policy.ts).
 */
import { type AccountContext, logGroupArn, policyDocument, serviceTrustPolicy } from "../shared/iam";

/** The service that assumes the scheduler role. */
export const schedulerService = "scheduler.amazonaws.com";

/**
 * Trust policy of the scheduler role: EventBridge Scheduler, for this account, and only for
 * schedules of the given group (closing the confused-deputy path). Scheduler names the schedule
 * group, not the schedule, as the source of an AssumeRole (`aws:SourceArn`), so the group is as
 * narrow as the condition goes; the role's own policy then allows one task family only.
 */
export function schedulerTrustPolicy(ctx: AccountContext, scheduleGroup = "default"): string {
    return serviceTrustPolicy(schedulerService, ctx.accountId, `arn:${ctx.partition}:scheduler:${ctx.region}:${ctx.accountId}:schedule-group/${scheduleGroup}`);
}

export interface RunTaskPolicyInput {
    /** The task definition family the schedule starts (any revision of it). */
    family: string;
    clusterName: string;
    /** The task's execution and task roles: the only roles the scheduler may hand to ECS. */
    passRoleArns: string[];
}

/** The ARN of an ECS cluster from its name. */
export const ecsClusterArn = (ctx: AccountContext, clusterName: string): string =>
    `arn:${ctx.partition}:ecs:${ctx.region}:${ctx.accountId}:cluster/${clusterName}`;

/**
 * What the scheduler role may do: run this family's tasks on this cluster, tag the tasks it
 * starts (ECS authorises the tags of RunTask separately), and pass the task's two roles to ECS
 * tasks and nothing else.
 */
export function schedulerRunTaskPolicy(ctx: AccountContext, p: RunTaskPolicyInput): string {
    if (p.passRoleArns.length === 0) throw new Error("Internal: schedulerRunTaskPolicy needs the task's roles to pass"); // the job always has both roles
    const ecs = `arn:${ctx.partition}:ecs:${ctx.region}:${ctx.accountId}`;
    return policyDocument([
        {
            Sid: "RunTheBackupTaskOnItsCluster",
            Effect: "Allow",
            Action: "ecs:RunTask",
            Resource: `${ecs}:task-definition/${p.family}:*`,
            Condition: { ArnEquals: { "ecs:cluster": ecsClusterArn(ctx, p.clusterName) } },
        },
        {
            Sid: "TagTheTasksItStarts",
            Effect: "Allow",
            Action: "ecs:TagResource",
            Resource: `${ecs}:task/${p.clusterName}/*`,
            Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } },
        },
        {
            Sid: "PassTheTaskRolesToEcsOnly",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: [...p.passRoleArns].sort(),
            Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
        },
    ]);
}

export interface ExecutionPolicyInput {
    /** The job's ECR repository, the only one it pulls from. */
    repositoryArn: string;
    logGroupName: string;
    /** The secrets the task's `secrets` reference. */
    secretArns: string[];
    /** The key(s) they are encrypted with (the job's, and the database's for its role secret). */
    keyArn: string | string[];
}

/**
 * What the execution role needs to start the task: pull the image from the job's repository,
 * write to the job's log group, read exactly the job's secrets, and decrypt them with the job's
 * key only when Secrets Manager asks. (ECR's GetAuthorizationToken has no resource to scope to.)
 */
export function backupExecutionPolicy(ctx: AccountContext, p: ExecutionPolicyInput): string {
    if (p.secretArns.length === 0) throw new Error("Internal: backupExecutionPolicy needs the job's secret ARNs"); // the job always has its secrets
    return policyDocument([
        { Sid: "SignInToEcr", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        {
            Sid: "PullTheJobsImage",
            Effect: "Allow",
            Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
            Resource: p.repositoryArn,
        },
        {
            Sid: "WriteTheJobsLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${logGroupArn(ctx, p.logGroupName)}:log-stream:*`,
        },
        {
            Sid: "ReadTheJobsSecrets",
            Effect: "Allow",
            Action: "secretsmanager:GetSecretValue",
            Resource: [...p.secretArns].sort(),
        },
        {
            Sid: "DecryptTheJobsSecrets",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: typeof p.keyArn === "string" ? p.keyArn : [...new Set(p.keyArn)].sort(),
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${ctx.region}.${ctx.dnsSuffix}` } },
        },
    ]);
}
