import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsLookups } from "../shared/aws-context";
import { SlipwayComponent } from "../shared/component";
import { nameLimits, physicalName } from "../shared/naming";
import { type AwsBackupJobArgs, type AwsBackupJobResources, createAwsBackupJob, normalizeAwsBackupJob, resticPrefix, resticSnapshotsPrefix } from "./aws-job";
import { type BackupBucketArgs, type NormalizedBackupBucketArgs, normalizeBackupBucketArgs } from "./index";
import { accessLogsBucketPolicy, accessLogsPrefix, accessLogsRetentionDays } from "./access-logs";
import { backupBucketPolicy, backupKeyPolicy } from "./policy";
import { withComponent, ComponentArgError } from "../shared/errors";

export interface AwsBackupBucketArgs extends BackupBucketArgs {
    /**
     * IAM roles that write and restore backups: they may upload, read and list (never delete),
     * and use the bucket's key through S3.
     * @default []
     * @example
     * ```ts
     * { writerRoleArns: [backupTaskRole.arn] }
     * ```
     */
    writerRoleArns?: pulumi.Input<string>[];
    /**
     * The scheduled backup job: a Fargate task that runs `pg_dump` into an encrypted restic
     * repository under `restic/` in the bucket, keeps 7 daily / 4 weekly / monthly snapshots
     * and checks a sample weekly, started by EventBridge Scheduler. With a job, objects no
     * longer expire by age (restic's packs are shared across snapshots; restic's own retention
     * removes them), and only the repository's pack files over 1 MiB move to cold storage.
     * @default No job: the bucket only stores what `writerRoleArns` write.
     * @example
     * ```ts
     * { job: { clusterName: web.clusterName, network: { vpcId: net.vpcId, subnetIds: net.subnets.private }, database: { securityGroupId: db.securityGroupId, address: db.address, user: db.username, password: db.password, name: db.databaseName } } }
     * ```
     */
    job?: AwsBackupJobArgs;
}

/**
 * The storage class backups move to after `transitionToColdAfterDays`. Glacier Instant
 * Retrieval rather than Standard-IA: restores still take milliseconds, storage costs about a
 * third of Standard-IA's, and backups are read rarely (retrieval costs more per GB, paid only
 * on a restore). Its 90-day minimum charge is still cheaper than Standard-IA for the default
 * 60 days in the cold, and unlike Standard-IA it has no 30-day wait before the move.
 */
export const coldStorageClass = "GLACIER_IR";

/**
 * What of a restic repository moves to cold storage: only its pack files (`data/`), and only
 * those over 1 MiB. Glacier Instant Retrieval bills every read ($0.03/GB), every transition
 * ($0.02 per 1,000 objects) and at least 90 days and 128 KB per object. restic reads its
 * `index/`, `snapshots/` and `keys/` files on every run and writes and deletes `locks/` within
 * minutes, so in the cold those small files would cost more than they save; packs are written
 * at 16 MiB (restic's default `--pack-size`) and read back only by a restore, the weekly 1%
 * `check` and a prune that repacks a partly used pack, so they are what the cold class suits.
 * The 90-day minimum never costs more than Standard would: a pack pruned after the move stays
 * `noncurrentVersionDays` (30 by default) as a noncurrent version, and 90 days of Glacier IR
 * ($0.012/GB) cost less than 30 of Standard ($0.023/GB). Below 1 MiB, the transition fee alone
 * ($0.02/GB at 1 MiB) is a month of the saving.
 */
export const coldRepositoryObjects = { prefix: "data/", minimumBytes: 1024 * 1024 } as const;

/** Days after which an unfinished multipart upload (an interrupted backup) is cleaned up. */
export const abortMultipartAfterDays = 7;

/**
 * The lifecycle rules, one purpose each (their ids are stable: S3 reports by rule id). With
 * `resticRepository` (the key prefix of a restic repository) no current object expires by
 * age: restic's packs are shared by every snapshot that references their data, so the oldest
 * files are often still needed, and retention is restic's own `forget --prune`; only its large
 * pack files move to cold storage (`coldRepositoryObjects` says why).
 */
export function lifecycleRules(n: NormalizedBackupBucketArgs, opts: { resticRepository?: string } = {}): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
    // An empty filter applies a rule to every object, and says so explicitly.
    const all = {};
    const transitions = n.transitionToColdAfterDays === false ? undefined : [{ days: n.transitionToColdAfterDays, storageClass: coldStorageClass }];
    const packs = {
        and: { prefix: `${opts.resticRepository}/${coldRepositoryObjects.prefix}`, objectSizeGreaterThan: coldRepositoryObjects.minimumBytes },
    };
    const age: aws.types.input.s3.BucketLifecycleConfigurationRule[] =
        opts.resticRepository !== undefined
            ? transitions
                ? [{ id: "cold-storage", status: "Enabled", filter: packs, transitions }]
                : []
            : [{ id: "retention", status: "Enabled", filter: all, expiration: { days: n.retentionDays }, transitions }];
    return [
        ...age,
        {
            id: "noncurrent-versions",
            status: "Enabled",
            filter: all,
            noncurrentVersionExpiration: { noncurrentDays: n.noncurrentVersionDays },
        },
        {
            // S3 rejects expiredObjectDeleteMarker beside days in one expiration, hence its own rule.
            id: "expired-delete-markers",
            status: "Enabled",
            filter: all,
            expiration: { expiredObjectDeleteMarker: true },
        },
        {
            id: "abort-incomplete-multipart",
            status: "Enabled",
            filter: all,
            abortIncompleteMultipartUpload: { daysAfterInitiation: abortMultipartAfterDays },
        },
    ];
}

/**
 * The backup store of the AWS target: a private, versioned S3 bucket encrypted with its own
 * KMS key, reachable over TLS only, every request to it recorded in server access logs (in a
 * log bucket of its own), with lifecycle rules that enforce the retention; with
 * `job`, also the scheduled Fargate task that writes the backups into it (aws-job.ts): the
 * same `pg_dump` → restic script as the Docker targets, against a restic repository under
 * `restic/`, with the database in reach and nothing else.
 *
 * A manual run, a restore (into a database that exists) or a look at the snapshots is a
 * one-off task of the job's definition whose command names what to do:
 * `aws ecs run-task --cluster <cluster> --task-definition <jobTaskDefinitionFamily>
 * --launch-type FARGATE --network-configuration '<jobNetworkConfiguration>'
 * --overrides '{"containerOverrides":[{"name":"backup","command":["restore","app_restore","latest"]}]}'`
 * (`["backup"]`, `["snapshots"]`).
 *
 * ## Cost
 * - Storage: S3 Standard (~$0.023/GB-month) until `transitionToColdAfterDays`, then Glacier
 *   Instant Retrieval (~$0.004/GB-month, 90-day minimum, $0.03/GB read on restore); with
 *   `job`, only restic's pack files over 1 MiB move (its index, snapshot, key and lock files
 *   are read or replaced every run). Previous versions are billed like current ones for
 *   `noncurrentVersionDays`.
 * - The KMS key: $1/month; the S3 bucket key keeps KMS request charges negligible.
 * - Server access logs: no charge for the logging itself; their bucket's storage (a few MB a
 *   month, kept a year) at Standard rates.
 * - With `job`: its KMS key ($1/month), two secrets ($0.40/month each), the task's Fargate
 *   time (0.25 vCPU and 0.5 GB for the few minutes a run takes: cents a month), its logs, and
 *   the image pulls through the NAT gateway. EventBridge Scheduler's first 14 million
 *   invocations a month are free.
 */
export class AwsBackupBucket extends SlipwayComponent {
    /** Name of the bucket. */
    public readonly bucketName: pulumi.Output<string>;
    /** ARN of the bucket. */
    public readonly bucketArn: pulumi.Output<string>;
    /** ARN of the bucket's KMS key (writers elsewhere may need it in their IAM policies). */
    public readonly kmsKeyArn: pulumi.Output<string>;
    private readonly job?: AwsBackupJobResources;

    constructor(name: string, args: AwsBackupBucketArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        // Checked before anything registers: bad args must not leave half a component.
        const [n, jobSettings] = withComponent("BackupBucket", name, () => {
            const bucket = normalizeBackupBucketArgs(args);
            return [bucket, args.job ? normalizeAwsBackupJob(args.job, bucket.retentionDays) : undefined] as const;
        });
        super("BackupBucket", name, opts);
        const lookups = awsLookups(this);
        const identity = lookups.caller;
        const partition = lookups.partition;
        const region = lookups.region.region;

        const bucket = new aws.s3.Bucket(
            this.childName("bucket"),
            {
                // Bucket names are global across all AWS accounts: the account id keeps two
                // installations with the same stack names apart. Changing it replaces the bucket.
                bucket: identity.accountId.apply((id) => physicalName(`${name}-${id}`, nameLimits.s3Bucket)),
                forceDestroy: n.forceDestroy,
            },
            this.childOpts({ protect: n.protect }),
        );
        const job: AwsBackupJobResources | undefined =
            args.job && jobSettings
                ? createAwsBackupJob({ parent: this, name: (s) => this.childName(s), opts: (o) => this.childOpts(o) }, name, args.job, jobSettings, {
                      bucketName: bucket.bucket,
                      protect: n.protect,
                      lookups,
                  })
                : undefined;
        const writers = pulumi.all(args.writerRoleArns ?? []);
        const repositoryRoles = pulumi.all(job ? [job.taskRoleArn] : []);

        const key = new aws.kms.Key(
            this.childName("key"),
            {
                description: `Encrypts the backups of ${name}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: pulumi
                    .all([partition, identity.accountId, region, writers, repositoryRoles])
                    .apply(([p, accountId, r, writerRoleArns, jobRoleArns]) =>
                        // The job's role uses the key exactly as writers do: through S3.
                        backupKeyPolicy({ partition: p.partition, dnsSuffix: p.dnsSuffix, accountId, region: r, writerRoleArns: [...writerRoleArns, ...jobRoleArns] }),
                    ),
            },
            this.childOpts({ protect: n.protect }),
        );
        new aws.s3.BucketOwnershipControls(
            this.childName("ownership"),
            { bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
            this.childOpts(),
        );
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            this.childName("public-access-block"),
            { bucket: bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            this.childOpts(),
        );
        const versioning = new aws.s3.BucketVersioning(
            this.childName("versioning"),
            { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } },
            this.childOpts(),
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            this.childName("encryption"),
            {
                bucket: bucket.bucket,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
            },
            this.childOpts(),
        );
        new aws.s3.BucketPolicy(
            this.childName("policy"),
            {
                bucket: bucket.bucket,
                policy: pulumi
                    .all([bucket.arn, key.arn, writers, repositoryRoles])
                    .apply(([bucketArn, kmsKeyArn, writerRoleArns, roleArns]) =>
                        backupBucketPolicy({ bucketArn, kmsKeyArn, writerRoleArns, repository: roleArns.length ? { prefix: resticPrefix, roleArns } : undefined }),
                    ),
            },
            // S3 refuses concurrent changes to one bucket's access settings (OperationAborted),
            // and the policy must land after public access is blocked, never before.
            this.childOpts({ dependsOn: [publicAccessBlock] }),
        );
        this.logAccess(name, bucket, identity.accountId, n);
        new aws.s3.BucketLifecycleConfiguration(
            this.childName("lifecycle"),
            { bucket: bucket.bucket, rules: lifecycleRules(n, { resticRepository: job ? resticPrefix : undefined }) },
            // Noncurrent-version rules only mean something once versioning is on.
            this.childOpts({ dependsOn: [versioning] }),
        );

        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.kmsKeyArn = key.arn;
        this.job = job;
        this.registerOutputs({
            bucketName: this.bucketName,
            bucketArn: this.bucketArn,
            kmsKeyArn: this.kmsKeyArn,
            ...(job
                ? {
                      repository: job.repository,
                      resticPassword: job.resticPassword,
                      jobTaskDefinitionFamily: job.taskDefinitionFamily,
                      jobNetworkConfiguration: job.networkConfiguration,
                      jobScheduleName: job.scheduleName,
                      jobLogGroupName: job.logGroupName,
                  }
                : {}),
        });
    }

    /**
     * Server access logging of the backup bucket into a bucket of its own (access-logs.ts says
     * why not CloudTrail). The log bucket is locked down like the backups: owner-enforced, no
     * public access, versioned, TLS only, and writable only by S3's logging service for this
     * bucket. It is encrypted with SSE-S3 (AES256): server access logging cannot deliver to a
     * bucket whose default encryption is SSE-KMS
     * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_s3Buckets_LoggingEnabled.html says
     * so of its targets, and the S3 user guide of server access logging alike).
     */
    private logAccess(name: string, source: aws.s3.Bucket, accountId: pulumi.Output<string>, n: NormalizedBackupBucketArgs): void {
        const logs = new aws.s3.Bucket(
            this.childName("access-logs"),
            { bucket: accountId.apply((id) => physicalName(`${name}-access-logs-${id}`, nameLimits.s3Bucket)), forceDestroy: n.forceDestroy },
            this.childOpts({ protect: n.protect }),
        );
        const ownership = new aws.s3.BucketOwnershipControls(
            this.childName("access-logs-ownership"),
            { bucket: logs.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
            this.childOpts(),
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            this.childName("access-logs-public-access"),
            { bucket: logs.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            this.childOpts(),
        );
        const versioning = new aws.s3.BucketVersioning(
            this.childName("access-logs-versioning"),
            { bucket: logs.bucket, versioningConfiguration: { status: "Enabled" } },
            this.childOpts(),
        );
        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
            this.childName("access-logs-encryption"),
            { bucket: logs.bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            this.childOpts(),
        );
        new aws.s3.BucketLifecycleConfiguration(
            this.childName("access-logs-lifecycle"),
            {
                bucket: logs.bucket,
                rules: [
                    { id: "expire-access-logs", status: "Enabled", filter: {}, expiration: { days: accessLogsRetentionDays } },
                    // Versioning turns an expiry into a noncurrent version: remove those a week later.
                    { id: "noncurrent-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 7 } },
                    { id: "expired-delete-markers", status: "Enabled", filter: {}, expiration: { expiredObjectDeleteMarker: true } },
                    { id: "abort-incomplete-multipart", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: abortMultipartAfterDays } },
                ],
            },
            this.childOpts({ dependsOn: [versioning] }),
        );
        const policy = new aws.s3.BucketPolicy(
            this.childName("access-logs-policy"),
            {
                bucket: logs.bucket,
                policy: pulumi
                    .all([logs.arn, source.arn, accountId])
                    .apply(([logBucketArn, sourceBucketArn, id]) => accessLogsBucketPolicy({ logBucketArn, sourceBucketArn, accountId: id })),
            },
            // Public access is blocked before any policy lands (and S3 refuses concurrent changes).
            this.childOpts({ dependsOn: [publicAccess] }),
        );
        new aws.s3.BucketLogging(
            this.childName("access-logging"),
            {
                bucket: source.bucket,
                targetBucket: logs.bucket,
                targetPrefix: accessLogsPrefix,
                // Date-partitioned keys (…/YYYY/MM/DD/…) by the time of the request, for Athena.
                targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
            },
            // S3 checks the destination's grant and encryption when logging is turned on.
            this.childOpts({ dependsOn: [policy, ownership, encryption] }),
        );
    }

    private jobOnly(what: string): AwsBackupJobResources {
        if (!this.job) throw new ComponentArgError({ component: "BackupBucket", resourceName: this.baseName, key: "job", value: undefined, allowed: `a backup job ({ … }) to use ${what}` });
        return this.job;
    }

    /** The restic repository, `s3:s3.<region>.amazonaws.com/<bucket>/restic` (job only). */
    public get repository(): pulumi.Output<string> {
        return this.jobOnly("repository").repository;
    }

    /** The repository's password (secret; job only). Losing it loses every backup: keep a copy outside the stack. */
    public get resticPassword(): pulumi.Output<string> {
        return this.jobOnly("resticPassword").resticPassword;
    }

    /** The Secrets Manager secret holding the repository's password. Throws without a job. */
    public get resticPasswordSecretArn(): pulumi.Output<string> {
        return this.jobOnly("resticPasswordSecretArn").resticPasswordSecretArn;
    }

    /**
     * The key prefix of the objects a completed backup writes (restic's snapshot files; job
     * only): the backup alarm counts writes under it, so a run that fails half-way, having
     * written only lock and data files, still counts as no backup.
     */
    public get completedBackupPrefix(): string {
        this.jobOnly("completedBackupPrefix");
        return resticSnapshotsPrefix;
    }

    /** The job's task definition family, for `aws ecs run-task --task-definition` (job only). */
    public get jobTaskDefinitionFamily(): pulumi.Output<string> {
        return this.jobOnly("jobTaskDefinitionFamily").taskDefinitionFamily;
    }

    /** The job's subnets and security group as `aws ecs run-task --network-configuration` takes them (JSON; job only). */
    public get jobNetworkConfiguration(): pulumi.Output<string> {
        return this.jobOnly("jobNetworkConfiguration").networkConfiguration;
    }

    /** The job's CloudWatch log group (job only). */
    public get jobLogGroupName(): pulumi.Output<string> {
        return this.jobOnly("jobLogGroupName").logGroupName;
    }
}
