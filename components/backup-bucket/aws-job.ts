import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { databaseDefaults } from "../database/index";
import { postgresMajorVersion } from "../database/postgres";
import { type AwsLookups, accountContext } from "../shared/aws-context";
import { cloudWatchRetentionDays, isCloudWatchRetention } from "../shared/cloudwatch";
import { ecsTaskExecutionTrustPolicy, logsEncryptionKeyPolicy } from "../shared/iam";
import { images } from "../shared/images";
import { physicalName } from "../shared/naming";
import { ecsTasksTrustPolicy } from "../web-tier/policies";
import { fargateSizeProblem } from "../web-tier/fargate-sizes";
import { renderBackupScript, renderRestoreScript } from "./backup-script";
import { buildBackupContainerDefinitions, scratchVolumeName } from "./backup-task";
import { backupImage, buildContextTag } from "./image";
import { type BackupJobSchedule, type BackupJobScheduleArgs, normalizeBackupJobSchedule } from "./job-settings";
import { backupExecutionPolicy, ecsClusterArn, schedulerRunTaskPolicy, schedulerTrustPolicy } from "./job-policies";
import { eventBridgeCron } from "./schedule-expression";
import { argError } from "../shared/errors";

/** The PostgreSQL database the aws backup job dumps. */
export interface AwsBackupJobDatabase {
    /** The database's security group: the job opens `port` on it to its own tasks. */
    securityGroupId: pulumi.Input<string>;
    /** Host name of the instance (`AwsDatabase.address`). */
    address: pulumi.Input<string>;
    /** Port. @default 5432 */
    port?: number;
    /**
     * The read-only role the dump runs as (`AwsDatabase.backupCredentials`): its name is `PGUSER`,
     * and ECS takes `PGPASSWORD` from the `password` key of its Secrets Manager secret at task
     * start; the value never passes through this program.
     */
    credentials: { username: pulumi.Input<string>; secretArn: pulumi.Input<string>; versionId?: pulumi.Input<string>; kmsKeyArn: pulumi.Input<string> };
    /** Database name. */
    name: pulumi.Input<string>;
    /**
     * The server's PostgreSQL version, to check that the job's pg_dump (the major version of
     * `images.postgres`) can dump it.
     * @default the Database component's default engine version
     */
    engineVersion?: string;
}

/** The scheduled backup job of the aws target: `pg_dump` → restic into the bucket, on Fargate. */
export interface AwsBackupJobArgs extends BackupJobScheduleArgs {
    /**
     * Name of the ECS cluster the task runs in; the stack uses the web tier's, where the deploy
     * workflow runs its one-off tasks too (a cluster costs nothing, and one place to look).
     * @example
     * ```ts
     * { clusterName: web.clusterName }
     * ```
     */
    clusterName: pulumi.Input<string>;
    /**
     * The VPC and the subnets the task runs in: private ones, with a route to S3 (a gateway
     * endpoint or NAT) and to Secrets Manager, CloudWatch Logs and the image registries.
     * @example
     * ```ts
     * { network: { vpcId: net.vpcId, subnetIds: net.subnets.private } }
     * ```
     */
    network: { vpcId: pulumi.Input<string>; subnetIds: pulumi.Input<pulumi.Input<string>[]> };
    /**
     * The database to dump.
     * @example
     * ```ts
     * { database: { securityGroupId: db.securityGroupId, address: db.address, credentials: db.backupCredentials, name: db.databaseName } }
     * ```
     */
    database: AwsBackupJobDatabase;
    /**
     * CPU units of the task (a Fargate size).
     * @default 256
     * @example
     * ```ts
     * { cpu: 512, memoryMiB: 1024 }
     * ```
     */
    cpu?: number;
    /**
     * Memory of the task in MiB (pg_dump and restic; restic's grows with the repository's index).
     * @default 512
     * @example
     * ```ts
     * { memoryMiB: 1024 }
     * ```
     */
    memoryMiB?: number;
    /**
     * Build context of the backup image (a directory holding its Dockerfile), relative to the
     * Pulumi project directory. It is built by the Docker engine of the machine running Pulumi
     * and pushed to the job's ECR repository.
     * @default "backup"
     * @example
     * ```ts
     * { buildContext: "infra/backup" }
     * ```
     */
    buildContext?: string;
    /**
     * Days CloudWatch Logs keeps the job's output.
     * @default 90
     * @example
     * ```ts
     * { logRetentionDays: 365 }
     * ```
     */
    logRetentionDays?: number;
}

/** `AwsBackupJobArgs`' settings with every default applied and checked. */
export interface NormalizedAwsBackupJob extends BackupJobSchedule {
    /** The schedule as EventBridge Scheduler reads it. */
    scheduleExpression: string;
    cpu: number;
    memoryMiB: number;
    logRetentionDays: number;
    databasePort: number;
    buildContext: string;
}

/** Images kept in the job's repository: the current one and a few to roll back to. */
export const keptImages = 5;

/** The prefix of the restic repository in the bucket. */
export const resticPrefix = "restic";
/** Where restic writes a snapshot's file, last, once the backup is complete: the backup alarm counts these. */
export const resticSnapshotsPrefix = `${resticPrefix}/snapshots/`;

/** The major version of pg_dump in a `postgres:<major>.<minor>…` image reference. */
export function postgresImageMajor(image: string): number {
    const m = /:(\d+)(\.\d+)?(-|$)/.exec(image);
    if (!m) throw argError("image", image, "a postgres:<major>.<minor> image reference", { where: "postgresImageMajor" });
    return Number(m[1]);
}

/** Applies the defaults and checks the values (pure; `retentionDays` sets the monthly snapshots kept). */
export function normalizeAwsBackupJob(
    args: Omit<AwsBackupJobArgs, "clusterName" | "network" | "database"> & { database?: Pick<AwsBackupJobDatabase, "port" | "engineVersion"> },
    retentionDays: number,
): NormalizedAwsBackupJob {
    const schedule = normalizeBackupJobSchedule(args, retentionDays);
    const cpu = args.cpu ?? 256;
    const memoryMiB = args.memoryMiB ?? 512;
    const size = fargateSizeProblem(cpu, memoryMiB, "job.");
    if (size) throw size;
    const logRetentionDays = args.logRetentionDays ?? 90;
    if (!isCloudWatchRetention(logRetentionDays)) {
        throw argError("job.logRetentionDays", logRetentionDays, `a CloudWatch Logs retention: ${cloudWatchRetentionDays.join(", ")} days`);
    }
    const databasePort = args.database?.port ?? 5432;
    if (!Number.isInteger(databasePort) || databasePort < 1 || databasePort > 65535) {
        throw argError("job.database.port", databasePort, "an integer from 1 to 65535");
    }
    const server = postgresMajorVersion(args.database?.engineVersion ?? databaseDefaults.engineVersion, "the backed-up database");
    // backup/Dockerfile builds FROM the same pin (its header says to bump them together).
    const dump = postgresImageMajor(images.postgres);
    if (server > dump) {
        throw argError(
            "job.database.engineVersion",
            args.database?.engineVersion ?? databaseDefaults.engineVersion,
            `a PostgreSQL major of at most ${dump}, the pg_dump in images.postgres (${images.postgres}) and backup/Dockerfile; or raise both to ${server} or later`,
        );
    }
    const buildContext = args.buildContext ?? backupImage.buildContext;
    return { ...schedule, scheduleExpression: eventBridgeCron(schedule.schedule), cpu, memoryMiB, logRetentionDays, databasePort, buildContext };
}

/** Where the job's resources are registered: the owning component's names and options. */
export interface ChildScope {
    /** The component itself, for lookups made on its behalf. */
    parent: pulumi.Resource;
    name(suffix: string): string;
    opts(extra?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions;
}

/** What the bucket needs from its job, and what the stack outputs. */
export interface AwsBackupJobResources {
    /** The task role: the bucket and key policies grant it the repository. */
    taskRoleArn: pulumi.Output<string>;
    /** `s3:s3.<region>.amazonaws.com/<bucket>/restic`. */
    repository: pulumi.Output<string>;
    /** The repository's password (secret). */
    resticPassword: pulumi.Output<string>;
    /** The Secrets Manager secret holding that password (what a runbook reads it from). */
    resticPasswordSecretArn: pulumi.Output<string>;
    /** The task definition family, for `aws ecs run-task --task-definition`. */
    taskDefinitionFamily: pulumi.Output<string>;
    /** `{"awsvpcConfiguration":{…}}`, for `aws ecs run-task --network-configuration`. */
    networkConfiguration: pulumi.Output<string>;
    scheduleName: pulumi.Output<string>;
    logGroupName: pulumi.Output<string>;
    securityGroupId: pulumi.Output<string>;
}

/**
 * The aws backup job's resources, registered as children of the bucket component (`base` is its
 * name): the backup image (backup/Dockerfile) built and pushed to the job's ECR repository, the
 * task (backup-task.ts) in the cluster's private subnets, its security group (no ingress; out to
 * the database and HTTPS only) and the database's ingress rule for it, the restic password as a
 * KMS-encrypted secret (the database role's password comes from the database's secret), the log group, the execution and task roles, and the
 * schedule with its own least-privilege role.
 */
export function createAwsBackupJob(
    scope: ChildScope,
    base: string,
    args: AwsBackupJobArgs,
    n: NormalizedAwsBackupJob,
    store: { bucketName: pulumi.Input<string>; protect: boolean; lookups: AwsLookups },
): AwsBackupJobResources {
    const ctx = accountContext(store.lookups);
    const db = args.database;
    const jobName = `${base}-job`;
    const logGroupName = `/ecs/${physicalName(jobName, 200)}`;
    const family = physicalName(jobName, 255);
    const scheduleName = physicalName(jobName, 64);
    const snapshotHost = pulumi.getStack();

    const key = new aws.kms.Key(
        scope.name("job-key"),
        {
            description: `Slipway backup job ${base}: its secrets, logs and images`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: ctx.apply((c) => logsEncryptionKeyPolicy({ ...c, logGroupNames: [logGroupName] })),
        },
        // It encrypts the restic password: losing it loses the backups.
        scope.opts({ protect: store.protect }),
    );
    const logGroup = new aws.cloudwatch.LogGroup(
        scope.name("job-logs"),
        { name: logGroupName, retentionInDays: n.logRetentionDays, kmsKeyId: key.arn },
        scope.opts({ protect: store.protect }),
    );

    // ---- the image: backup/Dockerfile, built here and pushed to the job's own repository ----
    const imageRepository = new aws.ecr.Repository(
        scope.name("job-images"),
        {
            // Tags are content hashes of the build context: a tag never moves, and the task
            // definition pins the digest anyway.
            imageTagMutability: "IMMUTABLE",
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: key.arn }],
            forceDelete: !store.protect,
        },
        scope.opts(),
    );
    new aws.ecr.LifecyclePolicy(
        scope.name("job-images-lifecycle"),
        {
            repository: imageRepository.name,
            policy: JSON.stringify({
                rules: [
                    {
                        rulePriority: 1,
                        description: `Keep the last ${keptImages} images (a rollback's worth); older ones are never run again`,
                        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keptImages },
                        action: { type: "expire" },
                    },
                ],
            }),
        },
        scope.opts(),
    );
    const registry = aws.ecr.getAuthorizationTokenOutput({ registryId: imageRepository.registryId }, { parent: scope.parent });
    const image = new docker.Image(
        scope.name("job-image"),
        {
            imageName: pulumi.interpolate`${imageRepository.repositoryUrl}:${buildContextTag(n.buildContext)}`,
            // The task runs on X86_64 Fargate, whatever machine builds it.
            build: { context: n.buildContext, platform: "linux/amd64" },
            registry: { server: imageRepository.repositoryUrl, username: registry.userName, password: pulumi.secret(registry.password) },
        },
        scope.opts(),
    );

    // ---- secrets: the repository's password (generated, protected) and the database's ----
    const password = new random.RandomPassword(scope.name("restic-password"), { length: 40, special: false }, scope.opts({ protect: store.protect }));
    const secret = (suffix: string, description: string, value: pulumi.Input<string>) => {
        // Auto-named: a deleted secret's name stays reserved for its recovery window.
        const s = new aws.secretsmanager.Secret(scope.name(suffix), { description, kmsKeyId: key.arn, recoveryWindowInDays: 30 }, scope.opts());
        const version = new aws.secretsmanager.SecretVersion(scope.name(`${suffix}-value`), { secretId: s.id, secretString: pulumi.secret(value) }, scope.opts());
        // Pinned to the version: a new value is a new task definition revision, visible in the plan.
        return { arn: s.arn, ref: pulumi.interpolate`${s.arn}:::${version.versionId}` };
    };
    const resticSecret = secret("restic-password-secret", `The restic repository password of the ${base} backups`, password.result);
    // The database role's own secret (the database's): `<arn>:password::<version>`, pinned like the job's.
    const dbSecret = {
        arn: pulumi.output(db.credentials.secretArn),
        ref: pulumi.interpolate`${db.credentials.secretArn}:password::${db.credentials.versionId ?? ""}`,
    };

    // ---- IAM ----
    const trust = ctx.apply(ecsTasksTrustPolicy);
    const executionRole = new aws.iam.Role(
        scope.name("job-execution-role"),
        { description: `Starts the ${base} backup task: pulls its image, writes its logs, reads its two secrets`, assumeRolePolicy: ecsTaskExecutionTrustPolicy() },
        scope.opts(),
    );
    const executionPolicy = new aws.iam.RolePolicy(
        scope.name("job-execution-policy"),
        {
            role: executionRole.id,
            policy: pulumi
                .all([ctx, imageRepository.arn, resticSecret.arn, dbSecret.arn, key.arn, db.credentials.kmsKeyArn])
                .apply(([c, repositoryArn, a, b, jobKey, dbKey]) => backupExecutionPolicy(c, { repositoryArn, logGroupName, secretArns: [a, b], keyArn: [jobKey, dbKey] })),
        },
        scope.opts(),
    );
    // No identity policy: the bucket policy and the bucket key's policy name this role.
    const taskRole = new aws.iam.Role(
        scope.name("job-task-role"),
        { description: `The ${base} backup task: its restic repository in the backup bucket, nothing else`, assumeRolePolicy: trust },
        scope.opts(),
    );

    // ---- network: no ingress; out to the database and to HTTPS (S3, Secrets Manager, logs, images) ----
    const sg = new aws.ec2.SecurityGroup(
        scope.name("job-sg"),
        {
            vpcId: args.network.vpcId,
            description: "Backup job tasks: no ingress; out to PostgreSQL and HTTPS only",
            revokeRulesOnDelete: true,
            tags: { Name: jobName },
        },
        scope.opts(),
    );
    new aws.vpc.SecurityGroupEgressRule(
        scope.name("job-out-https"),
        { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "HTTPS: S3, Secrets Manager, CloudWatch Logs, image pulls" },
        scope.opts(),
    );
    // As the web tier opens its data stores: the client opens the store's port to itself.
    const dbIngress = new aws.vpc.SecurityGroupIngressRule(
        scope.name("job-db-in"),
        { securityGroupId: db.securityGroupId, ipProtocol: "tcp", fromPort: n.databasePort, toPort: n.databasePort, referencedSecurityGroupId: sg.id, description: `From the ${base} backup job tasks` },
        scope.opts(),
    );
    const dbEgress = new aws.vpc.SecurityGroupEgressRule(
        scope.name("job-out-db"),
        { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: n.databasePort, toPort: n.databasePort, referencedSecurityGroupId: db.securityGroupId, description: "To the database" },
        scope.opts(),
    );

    // ---- the task ----
    const repository = pulumi
        .all([store.lookups.region.region, store.lookups.partition.dnsSuffix, store.bucketName])
        .apply(([region, dnsSuffix, bucket]) => `s3:s3.${region}.${dnsSuffix}/${bucket}/${resticPrefix}`);
    const containerDefinitions = pulumi
        .all([image.repoDigest, db.address, db.credentials.username, db.name, repository, store.lookups.region.region, resticSecret.ref, dbSecret.ref])
        .apply(([imageDigest, pgHost, pgUser, pgDatabase, repo, region, resticRef, dbRef]) => {
            const where = { snapshotHost, pgHost, pgPort: n.databasePort, pgUser, pgDatabase };
            return JSON.stringify(
                buildBackupContainerDefinitions({
                    image: imageDigest,
                    // No textfile collector on Fargate: the backup alarm counts the snapshots restic writes.
                    backupScript: renderBackupScript({ ...where, keep: n.keep, check: n.check, metricsDir: false }),
                    restoreScript: renderRestoreScript(where),
                    snapshotHost,
                    environment: {
                        RESTIC_REPOSITORY: repo,
                        // restic's S3 client signs for this region without asking S3 for it.
                        AWS_DEFAULT_REGION: region,
                        // RDS forces TLS (rds.force_ssl); require it rather than fall back.
                        PGSSLMODE: "require",
                    },
                    secretRefs: { RESTIC_PASSWORD: resticRef, PGPASSWORD: dbRef },
                    logGroupName,
                    region,
                }),
            );
        });
    const taskDefinition = new aws.ecs.TaskDefinition(
        scope.name("job-task"),
        {
            family,
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: String(n.cpu),
            memory: String(n.memoryMiB),
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
            executionRoleArn: executionRole.arn,
            taskRoleArn: taskRole.arn,
            // Over the image's cache VOLUME: the task's storage, owned by the job's user.
            volumes: [{ name: scratchVolumeName }],
            containerDefinitions,
        },
        scope.opts({ dependsOn: [logGroup] }),
    );

    // ---- the schedule ----
    const schedulerRole = new aws.iam.Role(
        scope.name("job-scheduler-role"),
        { description: `Lets EventBridge Scheduler start the ${base} backup task`, assumeRolePolicy: ctx.apply((c) => schedulerTrustPolicy(c)) },
        scope.opts(),
    );
    const schedulerPolicy = new aws.iam.RolePolicy(
        scope.name("job-scheduler-policy"),
        {
            role: schedulerRole.id,
            policy: pulumi
                .all([ctx, args.clusterName, executionRole.arn, taskRole.arn])
                .apply(([c, clusterName, e, t]) => schedulerRunTaskPolicy(c, { family, clusterName, passRoleArns: [e, t] })),
        },
        scope.opts(),
    );
    const networkConfiguration = { subnets: args.network.subnetIds, securityGroups: [sg.id], assignPublicIp: false };
    const schedule = new aws.scheduler.Schedule(
        scope.name("job-schedule"),
        {
            name: scheduleName,
            description: `Nightly pg_dump → restic backup of the ${base} database (${n.schedule} UTC)`,
            scheduleExpression: n.scheduleExpression,
            scheduleExpressionTimezone: "UTC",
            flexibleTimeWindow: { mode: "OFF" },
            state: "ENABLED",
            target: {
                arn: pulumi.all([ctx, args.clusterName]).apply(([c, clusterName]) => ecsClusterArn(c, clusterName)),
                roleArn: schedulerRole.arn,
                ecsParameters: {
                    taskDefinitionArn: taskDefinition.arn,
                    launchType: "FARGATE",
                    platformVersion: "LATEST",
                    taskCount: 1,
                    networkConfiguration,
                    enableEcsManagedTags: true,
                    propagateTags: "TASK_DEFINITION",
                },
                // Retries cover RunTask failing to start (capacity, throttling), not a failed backup.
                retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
            },
        },
        // The role must be able to run the task, and the task to reach the database, by the first run.
        scope.opts({ dependsOn: [schedulerPolicy, executionPolicy, dbIngress, dbEgress] }),
    );

    return {
        taskRoleArn: taskRole.arn,
        repository,
        resticPassword: pulumi.secret(password.result),
        resticPasswordSecretArn: resticSecret.arn,
        taskDefinitionFamily: taskDefinition.family,
        networkConfiguration: pulumi
            .all([pulumi.output(args.network.subnetIds), sg.id])
            .apply(([subnets, sgId]) => JSON.stringify({ awsvpcConfiguration: { subnets, securityGroups: [sgId], assignPublicIp: "DISABLED" } })),
        scheduleName: schedule.name,
        logGroupName: logGroup.name,
        securityGroupId: sg.id,
    };
}
