/**
 * The real API requests each workload of an aws stack makes, derived from its graph: which role
 * a task runs with, which image it pulls, which log group and secrets its task definition names,
 * which bucket its restic repository is in, which key the bucket encrypts with by default. Each
 * request carries the context AWS puts on it where a policy could look at it (TLS, SSE headers
 * present or absent, source account and ARN, KMS via-service and encryption context).
 *
 * Then the requests that must be refused: another principal or account, plain HTTP, an anonymous
 * reader, another key, another encryption, a wrong source.
 */
import { offlineLookup } from "../../offline/lookups";
import type { RecordedResource } from "../../offline/recorder";
import { bootstrapDenied, bootstrapRequests, invokedFunctions } from "./bootstrap-requests";
import type { ApiRequest } from "./evaluate";
import type { IamModel } from "./model";

const TLS = { "aws:SecureTransport": "true" };
const OTHER_ACCOUNT = "999988887777";
/** A task id, a flow-log id, a log file: shaped like AWS's, fixed so the table is stable. */
const TASK_ID = "0123456789abcdef0123456789abcdef";
const FLOW_LOG_ID = "fl-0a1b2c3d4e5f67890";

interface ContainerDefinition {
    name: string;
    image: string;
    environment?: { name: string; value: string }[];
    secrets?: { name: string; valueFrom: string }[];
    logConfiguration?: { logDriver: string; options?: Record<string, string> };
}

interface ScheduleTarget {
    arn: string;
    roleArn: string;
    ecsParameters: { taskDefinitionArn: string; enableEcsManagedTags?: boolean; propagateTags?: string };
}

const roleName = (arn: string): string => arn.split("/").pop() as string;

function bucketDefaultKey(m: IamModel, bucketName: string): string | undefined {
    const sse = m.graph.ofType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").find((r) => r.inputs.bucket === bucketName);
    const rule = (sse?.inputs.rules as { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string; kmsMasterKeyId?: string } }[] | undefined)?.[0];
    return rule?.applyServerSideEncryptionByDefault?.sseAlgorithm === "aws:kms" ? rule.applyServerSideEncryptionByDefault.kmsMasterKeyId : undefined;
}

const bucketKeyEnabled = (m: IamModel, bucketName: string): boolean =>
    m.graph
        .ofType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
        .some((r) => r.inputs.bucket === bucketName && (r.inputs.rules as { bucketKeyEnabled?: boolean }[])[0]?.bucketKeyEnabled === true);

function secretResource(m: IamModel, arn: string): RecordedResource {
    const s = m.graph.ofType("aws:secretsmanager/secret:Secret").find((r) => m.stateOf(r).arn === arn);
    if (!s) throw new Error(`no secret with ARN ${arn} in the graph`);
    return s;
}

/** The requests one ECS task makes: its agent with the execution role, its code with the task role. */
function taskRequests(m: IamModel, td: RecordedResource, clusterName: string, workload: string): ApiRequest[] {
    const { region, accountId: acct } = m;
    const out: ApiRequest[] = [];
    const execRole = roleName(String(td.inputs.executionRoleArn));
    const taskArn = `arn:aws:ecs:${region}:${acct}:task/${clusterName}/${TASK_ID}`;
    // AWS documents source keys for task roles only; for the execution role it documents a trust
    // policy without conditions, so the agent's AssumeRole is evaluated with no source keys.
    out.push({
        workload: `${workload} (ECS agent)`,
        what: "assume the execution role",
        principal: "ecs-tasks.amazonaws.com",
        action: "sts:AssumeRole",
        resource: String(td.inputs.executionRoleArn),
        context: {},
        expect: "Allowed",
    });
    if (td.inputs.taskRoleArn) {
        out.push({
            workload: `${workload} (task)`,
            what: "assume the task role",
            principal: "ecs-tasks.amazonaws.com",
            action: "sts:AssumeRole",
            resource: String(td.inputs.taskRoleArn),
            context: { "aws:SourceAccount": acct, "aws:SourceArn": taskArn },
            expect: "Allowed",
        });
    }
    const agent = (what: string, action: string, resource: string, context: Record<string, string | string[]> = {}): ApiRequest => ({
        workload: `${workload} (ECS agent)`,
        what,
        principal: `role:${execRole}`,
        action,
        resource,
        context: { ...TLS, ...context },
        expect: "Allowed",
    });
    for (const c of JSON.parse(String(td.inputs.containerDefinitions)) as ContainerDefinition[]) {
        const ecr = new RegExp(`^(\\d{12})\\.dkr\\.ecr\\.${region}\\.amazonaws\\.com/([^@:]+)`).exec(c.image);
        if (ecr) {
            const repo = `arn:aws:ecr:${region}:${ecr[1]}:repository/${ecr[2]}`;
            out.push(agent("sign in to ECR", "ecr:GetAuthorizationToken", "*"));
            for (const a of ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]) out.push(agent(`pull ${c.name}'s image`, a, repo));
        }
        const log = c.logConfiguration;
        if (log?.logDriver === "awslogs" && log.options) {
            const group = log.options["awslogs-group"];
            const stream = `arn:aws:logs:${region}:${acct}:log-group:${group}:log-stream:${log.options["awslogs-stream-prefix"]}/${c.name}/${TASK_ID}`;
            out.push(agent(`create ${c.name}'s log stream`, "logs:CreateLogStream", stream), agent(`write ${c.name}'s logs`, "logs:PutLogEvents", stream));
        }
        for (const s of c.secrets ?? []) {
            // valueFrom is `<secret ARN>:<json-key>:<version-stage>:<version-id>`; the ARN has 7 parts.
            const secretArn = s.valueFrom.split(":").slice(0, 7).join(":");
            if (!secretArn.startsWith(`arn:aws:secretsmanager:`)) throw new Error(`${c.name} takes ${s.name} from ${s.valueFrom}: only Secrets Manager is modelled`);
            out.push(agent(`read ${s.name}`, "secretsmanager:GetSecretValue", secretArn));
            const keyArn = String(secretResource(m, secretArn).inputs.kmsKeyId);
            out.push(
                agent(`decrypt ${s.name} (through Secrets Manager)`, "kms:Decrypt", keyArn, {
                    "kms:ViaService": `secretsmanager.${region}.amazonaws.com`,
                    "kms:CallerAccount": acct,
                    "kms:EncryptionContext:SecretARN": secretArn,
                }),
            );
        }
        const repository = c.environment?.find((e) => e.name === "RESTIC_REPOSITORY")?.value;
        if (repository && td.inputs.taskRoleArn) out.push(...resticRequests(m, repository, `role:${roleName(String(td.inputs.taskRoleArn))}`, `${workload} (task)`));
    }
    return out;
}

/**
 * restic against `s3:<endpoint>/<bucket>/<prefix>`: it lists, reads, writes and deletes its lock
 * files, and sends no SSE header (the bucket's default encryption applies, so S3 asks KMS for a
 * data key with the caller's credentials and the bucket ARN as context when the bucket key is on).
 */
function resticRequests(m: IamModel, repository: string, principal: string, workload: string): ApiRequest[] {
    const match = /^s3:[^/]+\/([^/]+)\/(.+)$/.exec(repository);
    if (!match) throw new Error(`RESTIC_REPOSITORY ${repository} is not an S3 repository`);
    const [, bucket, prefix] = match;
    const bucketArn = `arn:aws:s3:::${bucket}`;
    const s3 = (what: string, action: string, resource: string, context: Record<string, string> = {}): ApiRequest => ({
        workload,
        what,
        principal,
        action,
        resource,
        context: { ...TLS, ...context },
        expect: "Allowed",
    });
    const out = [
        s3("list the repository", "s3:ListBucket", bucketArn, { "s3:prefix": `${prefix}/` }),
        s3("upload a pack, no SSE header", "s3:PutObject", `${bucketArn}/${prefix}/data/3f/3f9c0ffee`),
        s3("read the config", "s3:GetObject", `${bucketArn}/${prefix}/config`),
        s3("remove its lock", "s3:DeleteObject", `${bucketArn}/${prefix}/locks/5e1ec7ed`),
    ];
    const key = bucketDefaultKey(m, bucket);
    if (key) {
        const context = {
            "kms:ViaService": `s3.${m.region}.amazonaws.com`,
            "kms:CallerAccount": m.accountId,
            "kms:EncryptionContext:aws:s3:arn": bucketKeyEnabled(m, bucket) ? bucketArn : `${bucketArn}/${prefix}/data/3f/3f9c0ffee`,
        };
        out.push(
            { ...s3("S3 gets a data key for the upload (bucket default key)", "kms:GenerateDataKey", key), context: { ...TLS, ...context } },
            { ...s3("S3 decrypts for the read", "kms:Decrypt", key), context: { ...TLS, ...context } },
        );
    }
    return out;
}

function clusterNameOf(clusterRef: unknown): string {
    return String(clusterRef).split("/").pop() as string;
}

/** Every request the stack's workloads make, all expected to be allowed. */
export function allowedRequests(m: IamModel): ApiRequest[] {
    const { region, accountId: acct } = m;
    const out: ApiRequest[] = [];
    const services = m.graph.ofType("aws:ecs/service:Service");
    const schedules = m.graph.ofType("aws:scheduler/schedule:Schedule");
    for (const td of m.graph.ofType("aws:ecs/taskDefinition:TaskDefinition")) {
        const family = String(td.inputs.family);
        const service = services.find((s) => String(s.inputs.taskDefinition).includes(`task-definition/${family}:`));
        const schedule = schedules.find((s) => (s.inputs.target as ScheduleTarget).ecsParameters.taskDefinitionArn.includes(`task-definition/${family}:`));
        const cluster = service?.inputs.cluster ?? (schedule?.inputs.target as ScheduleTarget | undefined)?.arn;
        if (!cluster) throw new Error(`task definition ${family} is run by no service or schedule`);
        out.push(...taskRequests(m, td, clusterNameOf(cluster), service ? `service ${service.name}` : `schedule ${schedule!.name}`));
    }

    for (const s of schedules) {
        const target = s.inputs.target as ScheduleTarget;
        const role = `role:${roleName(target.roleArn)}`;
        const workload = `EventBridge Scheduler (${s.name})`;
        const td = m.graph.ofType("aws:ecs/taskDefinition:TaskDefinition").find((t) => target.ecsParameters.taskDefinitionArn.includes(`task-definition/${t.inputs.family}:`))!;
        const group = `arn:aws:scheduler:${region}:${acct}:schedule-group/${s.inputs.groupName ?? "default"}`;
        const as = (what: string, action: string, resource: string, context: Record<string, string>): ApiRequest => ({ workload, what, principal: role, action, resource, context: { ...TLS, ...context }, expect: "Allowed" });
        // EventBridge Scheduler sends its schedule group as the source (Scheduler user guide, "Cross-service confused deputy prevention").
        out.push({ workload, what: "assume its role", principal: "scheduler.amazonaws.com", action: "sts:AssumeRole", resource: target.roleArn, context: { "aws:SourceAccount": acct, "aws:SourceArn": group }, expect: "Allowed" });
        out.push(as("run the task on its cluster", "ecs:RunTask", target.ecsParameters.taskDefinitionArn, { "ecs:cluster": target.arn }));
        for (const passed of [td.inputs.executionRoleArn, td.inputs.taskRoleArn].filter(Boolean) as string[]) {
            out.push(as(`pass ${roleName(passed)} to ECS`, "iam:PassRole", passed, { "iam:PassedToService": "ecs-tasks.amazonaws.com" }));
        }
        if (target.ecsParameters.enableEcsManagedTags || target.ecsParameters.propagateTags) {
            out.push(as("tag the task it starts", "ecs:TagResource", `arn:aws:ecs:${region}:${acct}:task/${clusterNameOf(target.arn)}/${TASK_ID}`, { "ecs:CreateAction": "RunTask" }));
        }
    }

    for (const fl of m.graph.ofType("aws:ec2/flowLog:FlowLog")) {
        if (fl.inputs.logDestinationType !== "cloud-watch-logs") continue;
        const role = String(fl.inputs.iamRoleArn);
        const group = String(fl.inputs.logDestination);
        const workload = `VPC flow logs (${fl.name})`;
        const as = (what: string, action: string, resource: string): ApiRequest => ({ workload, what, principal: `role:${roleName(role)}`, action, resource, context: TLS, expect: "Allowed" });
        out.push({
            workload,
            what: "assume its role",
            principal: "vpc-flow-logs.amazonaws.com",
            action: "sts:AssumeRole",
            resource: role,
            context: { "aws:SourceAccount": acct, "aws:SourceArn": `arn:aws:ec2:${region}:${acct}:vpc-flow-log/${FLOW_LOG_ID}` },
            expect: "Allowed",
        });
        out.push(
            as("create an ENI's stream", "logs:CreateLogStream", `${group}:log-stream:eni-0123456789abcdef0-all`),
            as("write records", "logs:PutLogEvents", `${group}:log-stream:eni-0123456789abcdef0-all`),
            as("find its streams", "logs:DescribeLogStreams", group),
        );
    }

    for (const db of m.graph.ofType("aws:rds/instance:Instance")) {
        if (!db.inputs.monitoringRoleArn) continue;
        const role = String(db.inputs.monitoringRoleArn);
        const workload = `RDS enhanced monitoring (${db.name})`;
        const dbArn = `arn:aws:rds:${region}:${acct}:db:${db.inputs.identifier}`;
        const group = `arn:aws:logs:${region}:${acct}:log-group:RDSOSMetrics`;
        const as = (what: string, action: string, resource: string): ApiRequest => ({ workload, what, principal: `role:${roleName(role)}`, action, resource, context: TLS, expect: "Allowed" });
        out.push({ workload, what: "assume its role", principal: "monitoring.rds.amazonaws.com", action: "sts:AssumeRole", resource: role, context: { "aws:SourceAccount": acct, "aws:SourceArn": dbArn }, expect: "Allowed" });
        out.push(
            as("create RDSOSMetrics", "logs:CreateLogGroup", group),
            as("set its retention", "logs:PutRetentionPolicy", group),
            as("create the instance's stream", "logs:CreateLogStream", `${group}:log-stream:${m.stateOf(db).resourceId}`),
            as("write OS metrics", "logs:PutLogEvents", `${group}:log-stream:${m.stateOf(db).resourceId}`),
        );
    }

    // CloudWatch Logs encrypts each KMS-encrypted log group with its key, naming the group in the context.
    for (const lg of m.graph.ofType("aws:cloudwatch/logGroup:LogGroup")) {
        if (!lg.inputs.kmsKeyId) continue;
        const groupArn = `arn:aws:logs:${region}:${acct}:log-group:${lg.inputs.name}`;
        for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
            out.push({
                workload: `CloudWatch Logs (${lg.inputs.name})`,
                what: action === "kms:Decrypt" ? "read the group's events" : "encrypt the group's events",
                principal: `logs.${region}.amazonaws.com`,
                action,
                resource: String(lg.inputs.kmsKeyId),
                context: { "kms:EncryptionContext:aws:logs:arn": groupArn },
                expect: "Allowed",
            });
        }
    }

    for (const topic of m.graph.ofType("aws:sns/topic:Topic")) {
        const topicArn = String(m.stateOf(topic).arn);
        const alarm = m.graph.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").find((a) => (a.inputs.alarmActions as string[] | undefined)?.includes(topicArn));
        const publishers: { service: string; source: string; workload: string }[] = [];
        if (alarm) publishers.push({ service: "cloudwatch.amazonaws.com", source: String(m.stateOf(alarm).arn), workload: `CloudWatch alarm (${alarm.inputs.name})` });
        // The topic policy admits this account's EventBridge rules too; the graph has none today.
        publishers.push({ service: "events.amazonaws.com", source: `arn:aws:events:${region}:${acct}:rule/slipway-example`, workload: "EventBridge rule (admitted by the topic policy)" });
        // RDS publishes its events for the database it watches, as events.rds.amazonaws.com.
        for (const sub of m.graph.ofType("aws:rds/eventSubscription:EventSubscription").filter((s) => s.inputs.snsTopic === topicArn)) {
            for (const id of sub.inputs.sourceIds as string[]) {
                publishers.push({ service: "events.rds.amazonaws.com", source: `arn:aws:rds:${region}:${acct}:db:${id}`, workload: `RDS events (${sub.inputs.name})` });
            }
        }
        for (const p of publishers) {
            out.push({ workload: p.workload, what: "publish to the alarm topic", principal: p.service, action: "sns:Publish", resource: topicArn, context: { ...TLS, "aws:SourceAccount": acct, "aws:SourceArn": p.source }, expect: "Allowed" });
            if (topic.inputs.kmsMasterKeyId) {
                for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
                    out.push({ workload: p.workload, what: "SNS encrypts the message with the topic key", principal: p.service, action, resource: String(topic.inputs.kmsMasterKeyId), context: { "aws:SourceAccount": acct }, expect: "Allowed" });
                }
            }
        }
    }

    // The alarm forwarder: SNS invokes it for its topic, Lambda assumes its role, and it reads the
    // webhook secret (decrypted through Secrets Manager) and writes its own log group.
    // Functions invoked at deploy (the database bootstrap) have requests of their own.
    const invoked = invokedFunctions(m);
    for (const { fn, input } of invoked) out.push(...bootstrapRequests(m, fn, input));
    for (const fn of m.graph.ofType("aws:lambda/function:Function").filter((f) => !invoked.some((i) => i.fn === f))) {
        const fnArn = String(m.stateOf(fn).arn);
        const workload = `Lambda ${fn.inputs.name}`;
        const role = String(fn.inputs.role);
        const principal = `role:${roleName(role)}`;
        out.push({ workload, what: "Lambda assumes the function's role", principal: "lambda.amazonaws.com", action: "sts:AssumeRole", resource: role, context: {}, expect: "Allowed" });
        const subs = m.graph.ofType("aws:sns/topicSubscription:TopicSubscription").filter((s) => s.inputs.protocol === "lambda" && s.inputs.endpoint === fnArn);
        if (subs.length === 0) throw new Error(`${fn.name} is subscribed to no topic`);
        for (const sub of subs) {
            out.push({
                workload: `SNS (${String(sub.inputs.topic).split(":").pop()})`,
                what: "invoke the forwarder with a notification",
                principal: "sns.amazonaws.com",
                action: "lambda:InvokeFunction",
                resource: fnArn,
                context: { ...TLS, "aws:SourceArn": String(sub.inputs.topic), "aws:SourceAccount": acct },
                expect: "Allowed",
            });
        }
        const secretArn = String((fn.inputs.environment as { variables: Record<string, string> }).variables.SECRET_ARN);
        const keyArn = String(secretResource(m, secretArn).inputs.kmsKeyId);
        const group = `arn:aws:logs:${region}:${acct}:log-group:${(fn.inputs.loggingConfig as { logGroup: string }).logGroup}`;
        const as = (what: string, action: string, resource: string, context: Record<string, string> = {}): ApiRequest => ({ workload, what, principal, action, resource, context: { ...TLS, ...context }, expect: "Allowed" });
        out.push(
            as("read the webhook secret", "secretsmanager:GetSecretValue", secretArn),
            as("decrypt the webhook secret (through Secrets Manager)", "kms:Decrypt", keyArn, {
                "kms:ViaService": `secretsmanager.${region}.amazonaws.com`,
                "kms:CallerAccount": acct,
                "kms:EncryptionContext:SecretARN": secretArn,
            }),
            as("create its log stream", "logs:CreateLogStream", `${group}:log-stream:2025/01/31/[$LATEST]${TASK_ID}`),
            as("write its logs", "logs:PutLogEvents", `${group}:log-stream:2025/01/31/[$LATEST]${TASK_ID}`),
        );
    }

    for (const lb of m.graph.ofType("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")) {
        const logs = lb.inputs.accessLogs as { bucket: string; prefix?: string; enabled?: boolean } | undefined;
        if (!logs?.enabled) continue;
        const object = `arn:aws:s3:::${logs.bucket}/${logs.prefix ? `${logs.prefix}/` : ""}AWSLogs/${acct}/elasticloadbalancing/${region}/2025/01/31/${acct}_elasticloadbalancing_${region}_app.log.gz`;
        const workload = `ALB access logs (${lb.name})`;
        const elbAccount = elbLogAccount(region);
        // Regions opened before August 2022 deliver as their ELB account (whose own policies are
        // AWS's, unseen: assumed to allow its delivery); newer ones as the log-delivery service.
        out.push(
            elbAccount
                ? { workload, what: "deliver a log file (the region's ELB account)", principal: `arn:aws:iam::${elbAccount}:root`, action: "s3:PutObject", resource: object, context: TLS, expect: "Allowed", callerPolicies: [elbAccountAssumption] }
                : { workload, what: "deliver a log file (the log-delivery service)", principal: "logdelivery.elasticloadbalancing.amazonaws.com", action: "s3:PutObject", resource: object, context: { ...TLS, "aws:SourceAccount": acct }, expect: "Allowed" },
        );
    }

    // S3 server access logging delivers as logging.s3.amazonaws.com, naming the logged bucket as its source.
    for (const logging of m.graph.resources.filter((r) => /^aws:s3\/bucketLogging(V2)?:/.test(r.type))) {
        const source = `arn:aws:s3:::${logging.inputs.bucket}`;
        out.push({
            workload: `S3 server access logs (${logging.name})`,
            what: "deliver a log file for the logged bucket",
            principal: "logging.s3.amazonaws.com",
            action: "s3:PutObject",
            resource: `arn:aws:s3:::${logging.inputs.targetBucket}/${logging.inputs.targetPrefix ?? ""}2025-01-31-00-00-00-0123456789ABCDEF`,
            context: { ...TLS, "aws:SourceAccount": acct, "aws:SourceArn": source },
            expect: "Allowed",
        });
    }
    return out;
}

/** The region's ELB log-delivery account, as the program's lookup answers it; none in newer regions. */
function elbLogAccount(region: string): string | undefined {
    try {
        return String(offlineLookup("aws:elb/getServiceAccount:getServiceAccount", {}, region).id);
    } catch {
        return undefined;
    }
}

/** The ELB account's own side of a cross-account write: AWS's, unseen; assumed to allow the delivery. */
const elbAccountAssumption = {
    name: "assumed: the ELB account allows its own log delivery",
    policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "*" }] },
};

/** Requests that must be refused, each a variation of an allowed one that should not pass. */
export function deniedRequests(m: IamModel, allowed: ApiRequest[]): ApiRequest[] {
    const acct = m.accountId;
    const find = (p: (r: ApiRequest) => boolean, what: string): ApiRequest => {
        const r = allowed.find(p);
        if (!r) throw new Error(`no allowed request ${what} to vary`);
        return r;
    };
    const put = find((r) => r.action === "s3:PutObject" && r.principal.startsWith("role:"), "restic upload");
    const dataKey = find((r) => r.action === "kms:GenerateDataKey" && r.principal === put.principal, "restic data key");
    const read = find((r) => r.action === "s3:GetObject" && r.principal === put.principal, "restic read");
    const otherKey = [...m.keyPolicies.keys()].find((k) => k !== dataKey.resource)!;
    const secret = find((r) => r.action === "secretsmanager:GetSecretValue", "secret read");
    const foreignSecret = allowed.find((r) => r.action === "secretsmanager:GetSecretValue" && r.principal !== secret.principal);
    const logsKey = find((r) => r.principal.startsWith("logs.") && r.action === "kms:GenerateDataKey", "log group encryption");
    const publish = find((r) => r.action === "sns:Publish" && r.principal === "cloudwatch.amazonaws.com", "alarm publish");
    const schedulerTrust = find((r) => r.principal === "scheduler.amazonaws.com", "scheduler trust");
    const passRole = find((r) => r.action === "iam:PassRole", "PassRole");
    const runTask = find((r) => r.action === "ecs:RunTask", "RunTask");
    const taskTrust = find((r) => r.what === "assume the task role", "task role trust");
    const flowTrust = find((r) => r.principal === "vpc-flow-logs.amazonaws.com", "flow-log trust");
    const albLog = find((r) => r.workload.startsWith("ALB access logs"), "ALB log delivery");
    const s3Log = allowed.find((r) => r.principal === "logging.s3.amazonaws.com");
    const otherRole = m.roles.find((r) => `role:${r.name}` !== put.principal && /task-role/.test(r.name));
    const vary = (r: ApiRequest, what: string, change: Partial<ApiRequest>, expect: ApiRequest["expect"]): ApiRequest => ({ ...r, what, ...change, expect });
    const out: ApiRequest[] = [
        vary(put, "upload over plain HTTP", { context: { ...put.context, "aws:SecureTransport": "false" } }, "ExplicitlyDenied"),
        vary(put, "upload asking for SSE-S3 (AES256)", { context: { ...put.context, "s3:x-amz-server-side-encryption": "AES256" } }, "ExplicitlyDenied"),
        vary(
            put,
            "upload naming another KMS key",
            { context: { ...put.context, "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": otherKey } },
            "ExplicitlyDenied",
        ),
        vary(put, "upload asking for SSE-KMS without a key (aws/s3)", { context: { ...put.context, "s3:x-amz-server-side-encryption": "aws:kms" } }, "ExplicitlyDenied"),
        vary(put, "upload from another account", { principal: `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/intruder/s` }, "ImplicitlyDenied"),
        vary(read, "anonymous (public) read", { principal: "anonymous" }, "ImplicitlyDenied"),
        vary(read, "read from another account", { principal: `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/intruder/s` }, "ImplicitlyDenied"),
        vary(dataKey, "use the backup key outside S3", { context: { ...dataKey.context, "kms:ViaService": `ec2.${m.region}.amazonaws.com` } }, "ImplicitlyDenied"),
        vary(dataKey, "use another stack key through S3", { resource: otherKey }, "ImplicitlyDenied"),
        vary(logsKey, "CloudWatch Logs uses the key for a foreign log group", { context: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${m.region}:${acct}:log-group:/intruder` } }, "ImplicitlyDenied"),
        vary(publish, "alarm of another account publishes", { context: { ...publish.context, "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": `arn:aws:cloudwatch:${m.region}:${OTHER_ACCOUNT}:alarm:x` } }, "ImplicitlyDenied"),
        vary(
            publish,
            "RDS events of another account's database publish",
            { principal: "events.rds.amazonaws.com", context: { ...publish.context, "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": `arn:aws:rds:${m.region}:${OTHER_ACCOUNT}:db:x` } },
            "ImplicitlyDenied",
        ),
        vary(schedulerTrust, "a schedule group of another account assumes the role", { context: { "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": `arn:aws:scheduler:${m.region}:${OTHER_ACCOUNT}:schedule-group/default` } }, "ImplicitlyDenied"),
        vary(schedulerTrust, "another schedule group of this account assumes the role", { context: { "aws:SourceAccount": acct, "aws:SourceArn": `arn:aws:scheduler:${m.region}:${acct}:schedule-group/other` } }, "ImplicitlyDenied"),
        vary(passRole, "pass the role to another service", { context: { ...passRole.context, "iam:PassedToService": "ec2.amazonaws.com" } }, "ImplicitlyDenied"),
        vary(runTask, "run the task on another cluster", { context: { ...runTask.context, "ecs:cluster": `arn:aws:ecs:${m.region}:${acct}:cluster/other` } }, "ImplicitlyDenied"),
        vary(taskTrust, "a task of another account assumes the task role", { context: { "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": `arn:aws:ecs:${m.region}:${OTHER_ACCOUNT}:task/c/${TASK_ID}` } }, "ImplicitlyDenied"),
        vary(flowTrust, "flow logs of another account assume the role", { context: { "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": `arn:aws:ec2:${m.region}:${OTHER_ACCOUNT}:vpc-flow-log/${FLOW_LOG_ID}` } }, "ImplicitlyDenied"),
        vary(albLog, "ALB log delivery outside this account's prefix", { resource: albLog.resource.replace(`/AWSLogs/${acct}/`, `/AWSLogs/${OTHER_ACCOUNT}/`) }, "ImplicitlyDenied"),
        vary(albLog, "ALB log delivery over plain HTTP", { context: { ...albLog.context, "aws:SecureTransport": "false" } }, "ExplicitlyDenied"),
    ];
    const invokeFn = allowed.find((r) => r.action === "lambda:InvokeFunction");
    if (invokeFn) {
        out.push(
            vary(invokeFn, "another topic of this account invokes the forwarder", { context: { ...invokeFn.context, "aws:SourceArn": `arn:aws:sns:${m.region}:${acct}:someone-elses-topic` } }, "ImplicitlyDenied"),
            vary(invokeFn, "a topic of another account invokes the forwarder", { context: { ...invokeFn.context, "aws:SourceArn": `arn:aws:sns:${m.region}:${OTHER_ACCOUNT}:x`, "aws:SourceAccount": OTHER_ACCOUNT } }, "ImplicitlyDenied"),
        );
        const fnSecret = find((r) => r.action === "secretsmanager:GetSecretValue" && r.workload.startsWith("Lambda ") && !r.workload.includes("bootstrap"), "forwarder secret read");
        const appSecret = allowed.find((r) => r.action === "secretsmanager:GetSecretValue" && !r.workload.startsWith("Lambda "));
        if (appSecret) {
            out.push(
                vary(fnSecret, "the forwarder reads the app's secrets", { resource: appSecret.resource }, "ImplicitlyDenied"),
                vary(appSecret, "the app reads the webhook secret", { resource: fnSecret.resource }, "ImplicitlyDenied"),
            );
        }
        const fnDecrypt = find((r) => r.action === "kms:Decrypt" && r.workload.startsWith("Lambda ") && !r.workload.includes("bootstrap"), "forwarder decrypt");
        out.push(vary(fnDecrypt, "the forwarder decrypts with the topic key outside Secrets Manager", { context: { ...fnDecrypt.context, "kms:ViaService": `sns.${m.region}.amazonaws.com` } }, "ImplicitlyDenied"));
    }
    if (s3Log) out.push(vary(s3Log, "S3 logs another bucket into it", { context: { ...s3Log.context, "aws:SourceArn": "arn:aws:s3:::someone-elses-bucket" } }, "ImplicitlyDenied"));
    if (otherRole) out.push(vary(put, `${otherRole.name} writes to the backups`, { principal: `role:${otherRole.name}` }, "ImplicitlyDenied"));
    if (foreignSecret) out.push(vary(secret, "read another workload's secret", { resource: foreignSecret.resource }, "ImplicitlyDenied"));
    out.push(...bootstrapDenied(m, allowed));
    return out;
}
