import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { AwsBackupBucket, type AwsBackupBucketArgs } from "../../components/backup-bucket/aws";
import { type AwsBackupJobArgs, keptImages, resticSnapshotsPrefix } from "../../components/backup-bucket/aws-job";
import { renderBackupScript, renderRestoreScript } from "../../components/backup-bucket/backup-script";
import { backupContainerName, scriptVariables } from "../../components/backup-bucket/backup-task";
import { backupImage, buildContextTag } from "../../components/backup-bucket/image";
import type { Graph } from "../../offline/graph";
import type { RecordedResource } from "../../offline/recorder";
import { containsSecret, isSecretValue, reveal } from "../../offline/secret-value";
import { expectParentedAndPrefixed } from "../helpers/children";
import { prodRun } from "../helpers/prod";
import { withoutAccessLogs } from "../helpers/access-logs";
import { recordResources, resolve } from "../helpers/record";

/**
 * The aws backup job as AwsBackupBucket builds it with `job`: the resources, their inputs, what
 * stays secret, and how little each role may do.
 */

const T = {
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    schedule: "aws:scheduler/schedule:Schedule",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    key: "aws:kms/key:Key",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    repository: "aws:ecr/repository:Repository",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
} as const;

const DB_SG = "sg-database-0123";
/** The database's backup-role secret (the database component's, encrypted with the database's key). */
const DB_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-backup-secret-0a1b2c3d";
const DB_SECRET_VERSION = "11111111-2222-4333-8444-555555555555";
const DB_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/database-key";

const job = (over: Partial<AwsBackupJobArgs> = {}): AwsBackupJobArgs => ({
    clusterName: pulumi.output("prod-web-abc123"),
    network: { vpcId: pulumi.output("vpc-1"), subnetIds: [pulumi.output("subnet-a"), pulumi.output("subnet-b")] },
    database: {
        securityGroupId: pulumi.output(DB_SG),
        address: pulumi.output("db.abc.us-east-1.rds.amazonaws.com"),
        credentials: { username: pulumi.output("backup"), secretArn: pulumi.output(DB_SECRET_ARN), versionId: pulumi.output(DB_SECRET_VERSION), kmsKeyArn: pulumi.output(DB_KEY_ARN) },
        name: pulumi.output("app"),
    },
    ...over,
});
// The server-access-log bucket (issue 12, defect 13) is tested in backup-bucket-access-logs.test.ts.
const build = async (args: AwsBackupBucketArgs) => {
    const r = await recordResources(() => new AwsBackupBucket("backups", args), { stack: "prod" });
    return { ...r, graph: withoutAccessLogs(r.graph) };
};

interface Statement {
    Sid?: string;
    Effect: string;
    Principal?: unknown;
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}
const statements = (policy: unknown): Statement[] => JSON.parse(String(reveal(policy))).Statement;
const byName = (graph: Graph, type: string, name: string): RecordedResource => {
    const found = graph.ofType(type).find((r) => r.name === name);
    if (!found) throw new Error(`no ${type} named ${name}`);
    return found;
};

interface Container {
    name: string;
    image: string;
    user: string;
    readonlyRootFilesystem: boolean;
    entryPoint: string[];
    command: string[];
    environment: { name: string; value: string }[];
    secrets: { name: string; valueFrom: string }[];
    mountPoints: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
    linuxParameters: { initProcessEnabled: boolean; capabilities: { drop: string[] } };
    logConfiguration: { logDriver: string; options: Record<string, string> };
}

describe("AwsBackupBucket with a job", () => {
    let graph: Graph;
    let backups: AwsBackupBucket;
    let bucketName: string;
    let bucketArn: string;
    let containers: Container[];
    let td: RecordedResource;
    const role = (name: string) => byName(graph, T.role, `backups-job-${name}-role`);
    const env = (c: Container) => Object.fromEntries(c.environment.map((e) => [e.name, e.value]));

    beforeAll(async () => {
        const r = await build({ job: job() });
        graph = r.graph;
        backups = r.result;
        bucketName = (await resolve(backups.bucketName)).value;
        bucketArn = (await resolve(backups.bucketArn)).value;
        td = graph.one(T.taskDefinition);
        containers = JSON.parse(String(reveal(td.inputs.containerDefinitions)));
    });

    it("registers the job's resources as children of the bucket component, each prefixed", () => {
        const children = expectParentedAndPrefixed(graph, "slipway:components:BackupBucket", "backups");
        const job = children.filter((c) => c.name.startsWith("backups-job-") || c.name.startsWith("backups-restic-"));
        expect(job.map((c) => c.type).sort()).toEqual(
            [
                "random:index/randomPassword:RandomPassword",
                T.key,
                T.logGroup,
                T.repository,
                "aws:ecr/lifecyclePolicy:LifecyclePolicy",
                "docker:index/image:Image",
                // The restic password's; the database role's secret is the database's.
                T.secret,
                T.secretVersion,
                T.role,
                T.rolePolicy,
                T.role,
                T.role,
                T.rolePolicy,
                T.sg,
                T.egress,
                T.egress,
                T.ingress,
                T.taskDefinition,
                T.schedule,
            ].sort(),
        );
        // No managed policy: both policies are written for this job.
        expect(graph.ofType(T.attachment)).toEqual([]);
    });

    it("starts the task nightly at 03:17 UTC with EventBridge Scheduler, Fargate, private subnets, its own group", () => {
        const s = graph.one(T.schedule);
        expect(s.inputs).toMatchObject({
            scheduleExpression: "cron(17 3 * * ? *)",
            scheduleExpressionTimezone: "UTC",
            flexibleTimeWindow: { mode: "OFF" },
            state: "ENABLED",
        });
        const target = reveal(s.inputs.target) as { arn: string; roleArn: string; ecsParameters: unknown; retryPolicy: unknown };
        expect(target.arn).toBe("arn:aws:ecs:us-east-1:123456789012:cluster/prod-web-abc123");
        expect(target.roleArn).toMatch(/^arn:aws:iam::123456789012:role\/backups-job-scheduler-role/);
        expect(target.ecsParameters).toMatchObject({
            launchType: "FARGATE",
            taskCount: 1,
            taskDefinitionArn: expect.stringMatching(/^arn:aws:ecs:us-east-1:123456789012:task-definition\/prod-backups-job-[0-9a-f]{6}:1$/),
            networkConfiguration: { subnets: ["subnet-a", "subnet-b"], securityGroups: ["backups-job-sg-id"], assignPublicIp: false },
        });
        expect(target.retryPolicy).toEqual({ maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 });
        // The schedule waits for its role's policy and for the database to let the task in.
        for (const dep of ["backups-job-scheduler-policy", "backups-job-execution-policy", "backups-job-db-in", "backups-job-out-db"]) {
            expect(graph.dependsOn(s, graph.byName(dep)), dep).toBe(true);
        }
    });

    it("lets the scheduler run only this task family on this cluster and pass only the task's two roles", () => {
        const trust = statements(role("scheduler").inputs.assumeRolePolicy);
        expect(trust).toEqual([
            {
                Effect: "Allow",
                Principal: { Service: "scheduler.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": "123456789012" },
                    ArnLike: { "aws:SourceArn": "arn:aws:scheduler:us-east-1:123456789012:schedule-group/default" },
                },
            },
        ]);
        const s = statements(byName(graph, T.rolePolicy, "backups-job-scheduler-policy").inputs.policy);
        const family = String(td.inputs.family);
        expect(s).toEqual([
            {
                Sid: "RunTheBackupTaskOnItsCluster",
                Effect: "Allow",
                Action: "ecs:RunTask",
                Resource: `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:*`,
                Condition: { ArnEquals: { "ecs:cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/prod-web-abc123" } },
            },
            {
                Sid: "TagTheTasksItStarts",
                Effect: "Allow",
                Action: "ecs:TagResource",
                Resource: "arn:aws:ecs:us-east-1:123456789012:task/prod-web-abc123/*",
                Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } },
            },
            {
                Sid: "PassTheTaskRolesToEcsOnly",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: [String(reveal(td.inputs.executionRoleArn)), String(reveal(td.inputs.taskRoleArn))].sort(),
                Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
            },
        ]);
    });

    it("lets the execution role pull from the job's repository, log to its group and read its two secrets (restic's and the backup role's), nothing else", () => {
        const s = statements(byName(graph, T.rolePolicy, "backups-job-execution-policy").inputs.policy);
        const repo = graph.one(T.repository);
        const secrets = [...graph.ofType(T.secret).map((x) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${x.name}-`), DB_SECRET_ARN.replace(/[0-9a-f]{8}$/, "")];
        expect(s.map((x) => x.Sid)).toEqual(["SignInToEcr", "PullTheJobsImage", "WriteTheJobsLogs", "ReadTheJobsSecrets", "DecryptTheJobsSecrets"]);
        expect(s[1].Resource).toMatch(new RegExp(`^arn:aws:ecr:us-east-1:123456789012:repository/${repo.name}-[0-9a-f]+$`));
        expect(s[1].Action).toEqual(["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]);
        expect(s[2].Resource).toBe(`arn:aws:logs:us-east-1:123456789012:log-group:${String(graph.one(T.logGroup).inputs.name)}:log-stream:*`);
        expect((s[3].Resource as string[]).map((a) => a.replace(/[0-9a-f]{8}$/, ""))).toEqual([...secrets].sort());
        expect(s[4]).toMatchObject({ Action: "kms:Decrypt", Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } } });
        // The job's key (restic's secret) and the database's (the backup role's secret).
        expect(s[4].Resource).toEqual([DB_KEY_ARN, expect.stringMatching(/^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f]+$/)].sort());
        for (const r of ["execution", "task"]) {
            expect(statements(role(r).inputs.assumeRolePolicy)[0]).toMatchObject({ Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" });
        }
        // Source keys only where AWS documents them: on the task role, not the execution role.
        expect(statements(role("execution").inputs.assumeRolePolicy)[0].Condition).toBeUndefined();
        expect(statements(role("task").inputs.assumeRolePolicy)[0].Condition).toMatchObject({ StringEquals: { "aws:SourceAccount": "123456789012" } });
    });

    it("grants the task role the repository prefix in the bucket policy (delete included, versions excluded) and the key through S3", async () => {
        const taskRole = String(reveal(td.inputs.taskRoleArn));
        // No identity policy on the task role: the grants are on the bucket and its key.
        const attachedTo = (p: RecordedResource) => p.propertyDependencies.role ?? [];
        expect(graph.ofType(T.rolePolicy).filter((p) => attachedTo(p).includes(role("task").urn))).toEqual([]);
        expect(graph.ofType(T.rolePolicy).map((p) => attachedTo(p))).toEqual(
            expect.arrayContaining([[role("execution").urn], [role("scheduler").urn]]),
        );
        const allows = statements(graph.one(T.bucketPolicy).inputs.policy).filter((x) => x.Effect === "Allow");
        expect(allows).toEqual([
            {
                Sid: "RepositoryReadWriteDelete",
                Effect: "Allow",
                Principal: { AWS: [taskRole] },
                Action: ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
                Resource: `${bucketArn}/restic/*`,
            },
            {
                Sid: "RepositoryList",
                Effect: "Allow",
                Principal: { AWS: [taskRole] },
                Action: "s3:ListBucket",
                Resource: bucketArn,
            },
        ]);
        expect(JSON.stringify(allows)).not.toContain("DeleteObjectVersion");
        const bucketKey = graph.ofType(T.key).find((k) => k.name === "backups-key")!;
        expect(statements(bucketKey.inputs.policy).find((x) => x.Sid === "WritersUseKeyThroughS3")).toMatchObject({
            Principal: { AWS: [taskRole] },
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
        });
        expect((await resolve(backups.repository)).value).toBe(`s3:s3.us-east-1.amazonaws.com/${bucketName}/restic`);
        expect(backups.completedBackupPrefix).toBe("restic/snapshots/");
    });

    it("opens the database to the job exactly as the web tier opens its data stores, and the job to nothing", () => {
        const jobSg = graph.one(T.sg);
        expect(jobSg.inputs).toMatchObject({ vpcId: "vpc-1", revokeRulesOnDelete: true });
        expect(graph.ofType(T.ingress).map((r) => r.inputs)).toEqual([
            { securityGroupId: DB_SG, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedSecurityGroupId: jobSg.id, description: "From the backups backup job tasks" },
        ]);
        const egress = graph.ofType(T.egress).map((r) => r.inputs);
        expect(egress).toEqual(
            expect.arrayContaining([
                expect.objectContaining({ securityGroupId: jobSg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }),
                expect.objectContaining({ securityGroupId: jobSg.id, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedSecurityGroupId: DB_SG }),
            ]),
        );
        expect(egress).toHaveLength(2);
    });

    it("runs the backup image by digest as its unprivileged user, read-only, with no capability, its cache on task storage", () => {
        expect(td.inputs).toMatchObject({
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: "256",
            memory: "512",
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
            volumes: [{ name: "scratch" }],
        });
        expect(containers).toHaveLength(1);
        const [c] = containers;
        const repo = graph.one(T.repository);
        expect(c.image).toMatch(new RegExp(`^123456789012\\.dkr\\.ecr\\.us-east-1\\.amazonaws\\.com/${repo.name}-[0-9a-f]+@sha256:[0-9a-f]{64}$`));
        expect(c).toMatchObject({ name: backupContainerName, user: "10001:10001", readonlyRootFilesystem: true, command: ["backup"] });
        expect(c.linuxParameters).toEqual({ initProcessEnabled: true, capabilities: { drop: ["ALL"] } });
        expect(c.mountPoints).toEqual([{ sourceVolume: "scratch", containerPath: backupImage.cacheDir, readOnly: false }]);
        expect(c.entryPoint.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
        expect(c.logConfiguration).toEqual({
            logDriver: "awslogs",
            options: { "awslogs-group": String(graph.one(T.logGroup).inputs.name), "awslogs-region": "us-east-1", "awslogs-stream-prefix": "backup" },
        });
        expect(graph.dependsOn(td, graph.one(T.logGroup))).toBe(true);
    });

    it("builds backup/ for linux/amd64 and pushes it to an immutable, scanned, KMS-encrypted repository that keeps a few images", () => {
        const image = graph.one("docker:index/image:Image");
        expect(reveal(image.inputs.build)).toEqual({ context: "backup", platform: "linux/amd64" });
        expect(String(image.inputs.imageName)).toMatch(new RegExp(`/${graph.one(T.repository).name}-[0-9a-f]+:${buildContextTag("backup")}$`));
        expect(isSecretValue((image.inputs.registry as Record<string, unknown>).password)).toBe(true);
        const repo = graph.one(T.repository);
        expect(repo.inputs).toMatchObject({ imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true }, forceDelete: false });
        // The job's key: the one its log group is encrypted with.
        const jobKeyArn = reveal(graph.one(T.logGroup).inputs.kmsKeyId);
        expect(jobKeyArn).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
        expect(reveal(repo.inputs.encryptionConfigurations)).toEqual([{ encryptionType: "KMS", kmsKey: jobKeyArn }]);
        expect(graph.dependsOn(repo, graph.byName("backups-job-key"))).toBe(true);
        const lifecycle = JSON.parse(String(graph.one("aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy));
        expect(lifecycle.rules).toEqual([expect.objectContaining({ selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keptImages }, action: { type: "expire" } })]);
    });

    it("runs the rendered scripts, with the S3 repository, the region and TLS to the database in plain environment", async () => {
        const [c] = containers;
        const e = env(c);
        const where = { snapshotHost: "prod", pgHost: "db.abc.us-east-1.rds.amazonaws.com", pgPort: 5432, pgUser: "backup", pgDatabase: "app" };
        expect(e[scriptVariables.backup]).toBe(renderBackupScript({ ...where, keep: { daily: 7, weekly: 4, monthly: 3 }, check: { weekday: 7, readDataSubset: "1%" }, metricsDir: false }));
        expect(e[scriptVariables.restore]).toBe(renderRestoreScript(where));
        expect(e).toMatchObject({
            RESTIC_REPOSITORY: `s3:s3.us-east-1.amazonaws.com/${bucketName}/restic`,
            AWS_DEFAULT_REGION: "us-east-1",
            PGSSLMODE: "require",
            RESTIC_CACHE_DIR: `${backupImage.cacheDir}/restic`,
            TMPDIR: `${backupImage.cacheDir}/tmp`,
        });
        // No credentials for S3: restic's S3 client takes the task role from the container credentials endpoint.
        expect(Object.keys(e).filter((k) => /^AWS_(ACCESS|SECRET|SESSION)/.test(k))).toEqual([]);
    });

    it("keeps both passwords secret: injected as secrets (the backup role's from the database's secret), never in plain text", async () => {
        const [c] = containers;
        expect(c.secrets.map((s) => s.name)).toEqual(["PGPASSWORD", "RESTIC_PASSWORD"]);
        // The read-only backup role, never the master user: its name in plain env, its password from its secret's `password` key.
        expect(c.environment.find((x) => x.name === "PGUSER")).toBeUndefined();
        expect(c.secrets[0].valueFrom).toBe(`${DB_SECRET_ARN}:password::${DB_SECRET_VERSION}`);
        expect(c.secrets[1].valueFrom).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:backups-[a-z-]+-[0-9a-f]{8}:::[0-9a-f-]{36}$/);
        const jobKey = graph.ofType(T.key).find((k) => k.name === "backups-job-key")!;
        for (const s of graph.ofType(T.secret)) {
            expect(s.inputs.kmsKeyId).toBe(reveal(graph.one(T.logGroup).inputs.kmsKeyId));
            expect(graph.dependsOn(s, jobKey)).toBe(true);
        }
        const versions = graph.ofType(T.secretVersion);
        for (const v of versions) expect(isSecretValue(v.inputs.secretString), v.name).toBe(true);
        const resticPassword = await resolve(backups.resticPassword);
        expect(resticPassword.secret).toBe(true);
        expect(versions.map((v) => reveal(v.inputs.secretString))).toEqual([resticPassword.value]);
        const text = JSON.stringify(containers);
        expect(text).not.toContain(resticPassword.value);
        expect(c.environment.map((x) => x.name).filter((n) => /PASS/.test(n))).toEqual([]);
        // The key and the generated password are protected: losing either loses the backups.
        expect(graph.byName("backups-restic-password").protect).toBe(true);
        expect(jobKey.protect).toBe(true);
        expect(graph.one(T.logGroup).inputs).toMatchObject({ retentionInDays: 90 });
    });

    it("stops expiring objects by age: restic's packs are shared, its own forget --prune keeps 7/4/3", () => {
        const rules = reveal(graph.one(T.lifecycle).inputs.rules) as { id: string; expiration?: { days?: number }; transitions?: unknown }[];
        expect(rules.map((r) => r.id)).toEqual(["cold-storage", "noncurrent-versions", "expired-delete-markers", "abort-incomplete-multipart"]);
        expect(rules.some((r) => r.expiration?.days !== undefined)).toBe(false);
        expect(rules[0].transitions).toEqual([{ days: 30, storageClass: "GLACIER_IR" }]);
    });

    it("publishes what a one-off run needs: the family and the network configuration", async () => {
        expect((await resolve(backups.jobTaskDefinitionFamily)).value).toBe(td.inputs.family);
        expect(JSON.parse((await resolve(backups.jobNetworkConfiguration)).value)).toEqual({
            awsvpcConfiguration: { subnets: ["subnet-a", "subnet-b"], securityGroups: ["backups-job-sg-id"], assignPublicIp: "DISABLED" },
        });
        expect(containsSecret(graph.one("slipway:components:BackupBucket").outputs)).toBe(true); // the restic password
    });
});

describe("AwsBackupBucket job options", () => {
    it("takes a schedule, retention, size and log retention", async () => {
        const { graph } = await build({ retentionDays: 365, job: job({ schedule: "30 1 * * 1-5", keep: { daily: 14 }, cpu: 512, memoryMiB: 1024, logRetentionDays: 30 }) });
        expect(graph.one(T.schedule).inputs.scheduleExpression).toBe("cron(30 1 ? * 2,3,4,5,6 *)");
        const td = graph.one(T.taskDefinition);
        expect(td.inputs).toMatchObject({ cpu: "512", memory: "1024" });
        const script = JSON.parse(String(reveal(td.inputs.containerDefinitions)))[0].environment.find((e: { name: string }) => e.name === scriptVariables.backup).value;
        expect(script).toContain("BACKUP_KEEP_DAILY=${BACKUP_KEEP_DAILY:-'14'}");
        expect(script).toContain("BACKUP_KEEP_MONTHLY=${BACKUP_KEEP_MONTHLY:-'13'}");
        expect(graph.one(T.logGroup).inputs.retentionInDays).toBe(30);
    });

    it("unprotects the job's key, logs and password, and lets the repository go, when the bucket is unprotected", async () => {
        const { graph } = await build({ protect: false, job: job() });
        expect(graph.resources.filter((r) => r.protect)).toEqual([]);
        expect(graph.one(T.repository).inputs.forceDelete).toBe(true);
    });

    it("refuses what EventBridge, Fargate, CloudWatch or pg_dump cannot do, naming the key", async () => {
        await expect(build({ job: job({ schedule: "0 3 1 * 1" }) })).rejects.toThrow(/BackupBucket backups: schedule is "0 3 1 \* 1"; expected a day of the month or a day of the week, not both/);
        await expect(build({ job: job({ cpu: 256, memoryMiB: 4096 }) })).rejects.toThrow(/BackupBucket backups: job\.memoryMiB is 4096; expected a Fargate memory size for cpu 256/);
        await expect(build({ job: job({ logRetentionDays: 10 }) })).rejects.toThrow(/job\.logRetentionDays is 10; expected a CloudWatch Logs retention/);
        await expect(build({ job: job({ database: { ...job().database, engineVersion: "17" } }) })).rejects.toThrow(/job\.database\.engineVersion is "17"; expected a PostgreSQL major of at most 16, the pg_dump in images\.postgres/);
    });

    it("says so when a job-only output is asked of a bucket without a job", async () => {
        const { result } = await build({});
        expect(() => result.repository).toThrow(/BackupBucket backups: job is missing; expected a backup job \(\{ … \}\) to use repository/);
        expect(() => result.completedBackupPrefix).toThrow(/BackupBucket backups: job is missing; expected a backup job \(\{ … \}\) to use completedBackupPrefix/);
    });
});

describe("the prod stack's backups", () => {
    it("alarm on completed backups only: the request metrics count writes under restic's snapshots", async () => {
        const { graph } = await prodRun();
        const metric = graph.byName("monitoring-backup-writes");
        expect(reveal(metric.inputs.filter)).toEqual({ prefix: resticSnapshotsPrefix });
        const job = graph.byName("backups-job-task");
        expect(JSON.parse(String(reveal(job.inputs.containerDefinitions)))[0].environment).toEqual(
            expect.arrayContaining([{ name: "RESTIC_REPOSITORY", value: expect.stringMatching(/^s3:s3\.us-east-1\.amazonaws\.com\/prod-backups-123456789012-[0-9a-f]{6}\/restic$/) }]),
        );
    });
});
