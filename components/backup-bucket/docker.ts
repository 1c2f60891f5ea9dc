import * as digitalocean from "@pulumi/digitalocean";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { posix } from "node:path";
import { SlipwayComponent } from "../shared/component";
import { type DockerHost, hardenedContainerArgs, healthCmd } from "../shared/docker";
import { contentHash, shellQuote } from "../shared/host-files";
import { hostPaths, serviceAliases, servicePorts } from "../shared/images";
import { physicalName } from "../shared/naming";
import { renderBackupScript, renderRestoreScript } from "./backup-script";
import type { DockerWalArchive } from "../database/docker";
import { postgresContainerPaths } from "../database/docker";
import { type PitrRepository, renderPgbackrestConf, renderPgbackrestSecrets, renderPitrScript, renderRestoreToTimeScript } from "./pitr";
import { type BackupBucketArgs, type NormalizedBackupBucketArgs, normalizeBackupBucketArgs } from "./index";
import { backupImage } from "./image";
import { type BackupJobSchedule, type BackupJobScheduleArgs, normalizeBackupJobSchedule } from "./job-settings";
import { resticSpacesRepository, spacesLifecycleRules, validateBucketName, validateSpacesRegion } from "./spaces";
import { withComponent, argError, ComponentArgError } from "../shared/errors";

/** Where the restic repository lives. */
export type BackupRepository =
    /** A private DigitalOcean Spaces bucket: off the droplet (the vps target). */
    | {
          kind: "spaces";
          /** Spaces region slug, e.g. `fra1`; usually the droplet's. */
          region: string;
          /** Bucket name (global across Spaces); a unique one is generated when omitted. Changing it replaces the bucket. */
          bucketName?: string;
      }
    /** A directory under the host's data directory (`backup/repository`): for trying Slipway out (the local target), not off-box. */
    | { kind: "local" };

/** The PostgreSQL database to back up. */
export interface BackupDatabase {
    /** Host name on the data network. @default "postgres" (the database container's alias) */
    host?: pulumi.Input<string>;
    /** Port. @default 5432 */
    port?: pulumi.Input<number>;
    /** User the dump runs as (the database's owner). */
    user: pulumi.Input<string>;
    /** That user's password (kept a secret; it reaches the job as a .pgpass file, `PGPASSFILE`). */
    password: pulumi.Input<string>;
    /** Database name. */
    name: pulumi.Input<string>;
}

export interface DockerBackupBucketArgs extends BackupBucketArgs, BackupJobScheduleArgs {
    /**
     * The Docker host the backup job runs on; it must have its networks (the job joins the data
     * network to reach PostgreSQL).
     * @example
     * ```ts
     * { host: dockerHost }
     * ```
     */
    host: DockerHost;
    /**
     * Where the encrypted restic repository lives: a private Spaces bucket (off the droplet: the
     * vps default) or a directory on the host (the local target).
     * @example
     * ```ts
     * { repository: { kind: "spaces", region: "fra1" } }
     * ```
     */
    repository: BackupRepository;
    /**
     * The PostgreSQL database to dump.
     * @example
     * ```ts
     * { database: { user: "app", password: db.password, name: "app" } }
     * ```
     */
    database: BackupDatabase;
    /**
     * Memory limit of the backup container in MiB (pg_dump and restic; restic's grows with the
     * repository's index).
     * @default 512
     * @example
     * ```ts
     * { memoryMiB: 1024 }
     * ```
     */
    memoryMiB?: number;
    /**
     * Point-in-time recovery: the `walArchive` of a `DockerDatabase` created with
     * `walArchive: true`. The job then also ships that database's WAL spool to a pgBackRest
     * repository in the same store (under `pgbackrest/` in the bucket; `backup/pgbackrest` on
     * the host for `local`) every minute, takes base backups on `schedule` (full on `checkWeekday`'s
     * day, differential otherwise) kept for `keep.daily` days, and writes `restore-to-time.sh`
     * beside the backup script. Omitted: nightly logical backups only.
     * @example
     * ```ts
     * { pointInTimeRecovery: database.walArchive }
     * ```
     */
    pointInTimeRecovery?: DockerWalArchive;
    /**
     * Build context of the backup image (a directory holding its Dockerfile), relative to the
     * Pulumi project directory.
     * @default "backup"
     * @example
     * ```ts
     * { buildContext: "infra/backup" }
     * ```
     */
    buildContext?: string;
}

/** `DockerBackupBucketArgs`' own settings with every default applied. */
export interface NormalizedDockerBackupBucketArgs extends NormalizedBackupBucketArgs, BackupJobSchedule {
    memoryMiB: number;
    buildContext: string;
}

/**
 * Noncurrent versions in Spaces are pruned restic packs, not whole backups as on S3: a week is
 * enough to notice a bad prune or a deletion (the backup-age alert fires within a day) and keeps
 * the extra storage to a week of pruned data.
 */
export const defaultSpacesNoncurrentVersionDays = 7;

/** Applies the defaults (neutral ones first) and checks the Docker-only settings. Pure. */
export function normalizeDockerBackupBucketArgs(
    args: Pick<DockerBackupBucketArgs, "repository"> & Partial<Omit<DockerBackupBucketArgs, "host" | "database">>,
): NormalizedDockerBackupBucketArgs {
    const neutral = normalizeBackupBucketArgs({
        ...args,
        noncurrentVersionDays: args.noncurrentVersionDays ?? defaultSpacesNoncurrentVersionDays,
        // Neither Spaces nor a directory has a colder storage class: nothing to move, nothing to check.
        transitionToColdAfterDays: false,
    });
    const job = normalizeBackupJobSchedule(args, neutral.retentionDays);
    const memoryMiB = args.memoryMiB ?? 512;
    if (!Number.isInteger(memoryMiB) || memoryMiB < 128) {
        throw argError("memoryMiB", memoryMiB, "a whole number of MiB, at least 128 (pg_dump and restic)");
    }
    if (args.repository.kind === "spaces") {
        validateSpacesRegion(args.repository.region);
        if (args.repository.bucketName !== undefined) validateBucketName(args.repository.bucketName);
    }
    return { ...neutral, ...job, memoryMiB, buildContext: args.buildContext ?? backupImage.buildContext };
}

/** Where the backup container sees its mounts; the scripts are rendered with these as defaults. */
export const backupContainerPaths = {
    /** The host's backup/ directory (both scripts), read-only. */
    scripts: "/opt/slipway/backup",
    /** node-exporter's textfile directory. */
    textfile: "/var/lib/slipway/textfile",
    /** restic's cache (`restic/`) and temporary pack files (`tmp/`): the image's cache volume. */
    cache: backupImage.cacheDir,
    /** The repository of the `local` kind. */
    repository: "/var/lib/restic/repository",
    /** The host's secrets directory (0600 files of the deploy user), read-only: only root reads it, with DAC_READ_SEARCH. */
    secretsMount: "/run/secrets/backup",
    /** A tmpfs where the entrypoint copies those files for the job's user (0600, owned by it). */
    secrets: "/run/slipway-backup",
    /** The same for pgBackRest's secret include file, owned by the database's user (PITR). */
    pitrSecrets: "/run/slipway-pitr",
    /** The local target's pgBackRest repository. */
    pitrRepository: "/var/lib/pgbackrest/repository",
} as const;

/** pgBackRest's name for the database. */
export const pitrStanza = "slipway";
/** Where pgBackRest keeps its repository inside the Spaces bucket (restic owns the bucket's top level). */
export const pitrSpacesPath = "/pgbackrest";

/** Host directory (under the data directory) of the backup job's credentials. */
export const backupSecretsDir = "backup/secrets";

/** The credential files, by the variable that names their copy in the container. */
export const backupSecretFiles = {
    /** libpq's password file: `host:port:*:user:password`. */
    PGPASSFILE: "pgpass",
    /** restic's repository password. */
    RESTIC_PASSWORD_FILE: "restic-password",
    /** The Spaces key as an AWS shared credentials file (`[default]`), read by restic's S3 backend. */
    AWS_SHARED_CREDENTIALS_FILE: "aws-credentials",
    /** pgBackRest's secret include file (cipher pass, bucket key): copied for the database's user, not the job's. */
    PITR_SECRETS: "pgbackrest-secrets.conf",
} as const;

/** Escapes a .pgpass field (`:` and `\\` are backslash-escaped). Pure. */
const pgpassField = (v: string): string => v.replace(/[\\:]/g, (c) => `\\${c}`);

/** One .pgpass line for host:port, any database (the restore connects to others), user and password. Pure. */
export function renderPgpass(c: { host: string; port: number; user: string; password: string }): string {
    for (const [k, v] of Object.entries(c)) {
        if (/[\r\n]/.test(String(v))) throw argError(`database.${k}`, v, "a value without line breaks (a .pgpass file cannot hold one)", { where: ".pgpass", secret: k === "password" });
    }
    return `${pgpassField(c.host)}:${c.port}:*:${pgpassField(c.user)}:${pgpassField(c.password)}\n`;
}

/** An AWS shared credentials file with one `[default]` profile. Pure. */
export function renderAwsCredentials(accessKeyId: string, secretAccessKey: string): string {
    return `[default]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`;
}

/**
 * Encrypted, scheduled backups of the PostgreSQL database on the Docker targets: a busybox
 * crond container runs `pg_dump` into a restic repository (encrypted with a generated
 * password), keeps 7 daily / 4 weekly / 3 monthly snapshots, checks a sample weekly and writes
 * the last-success metric for the backup-age alert. On vps the repository is a private Spaces
 * bucket reached with a key that can touch that bucket only; on local, a directory on the host.
 *
 * The restic password is an output (a secret): without it the backups cannot be read, so keep
 * a copy outside the stack (a password manager). A manual run or a restore runs as the job's
 * user: `docker exec -u backup <containerName> /bin/sh /opt/slipway/backup/backup.sh` and
 * `… /opt/slipway/backup/restore.sh TARGET_DATABASE [SNAPSHOT]`.
 *
 * The backup image is built from `backup/` by the host's Docker daemon: on vps that is the
 * droplet's, over SSH (the context is uploaded; nothing is pushed to a registry).
 *
 * ## Cost
 * - Spaces: the account's $5/month subscription covers 250 GiB stored and 1 TiB out (shared by
 *   all its buckets), then $0.02/GiB-month. restic deduplicates and compresses, so the repository
 *   is roughly one dump plus the daily changes; pruned data lingers `noncurrentVersionDays` more.
 * - local: disk under the host's data directory. The job itself: a few minutes of CPU a day.
 */
export class DockerBackupBucket extends SlipwayComponent {
    /** The restic repository: `s3:https://<region>.digitaloceanspaces.com/<bucket>` or the directory on the host. */
    public readonly repository: pulumi.Output<string>;
    /** The repository's password (secret). Losing it loses every backup: keep a copy outside the stack. */
    public readonly resticPassword: pulumi.Output<string>;
    /** Name of the backup container (for `docker exec`, `docker logs`). */
    public readonly containerName: pulumi.Output<string>;
    /**
     * pgBackRest's repository pass (secret; with `pointInTimeRecovery`). Like the restic password,
     * keep a copy outside the stack: a restore from another machine needs it.
     */
    public readonly pitrCipherPass?: pulumi.Output<string>;
    private readonly spaces?: { bucketName: pulumi.Output<string>; accessKeyId: pulumi.Output<string>; secretKey: pulumi.Output<string> };

    constructor(name: string, args: DockerBackupBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before anything registers: bad args must not leave half a component.
        const n = withComponent("BackupBucket", name, () => {
            if (!args.host?.networks) throw argError("host.networks", undefined, "the DockerNetwork's hostNetworks: the backup job reaches PostgreSQL on the data network");
            return normalizeDockerBackupBucketArgs(args);
        });
        super("BackupBucket", name, opts);
        const host = args.host;
        for (const p of [hostPaths.backupRestoreScript, hostPaths.pitrScript, hostPaths.pgbackrestConf, hostPaths.pitrRestoreScript]) {
            // An invariant of this file's own layout, not user input.
            if (posix.dirname(p) !== posix.dirname(hostPaths.backupScript)) throw new Error(`Internal: hostPaths.${p} must be beside backup.sh: that directory is mounted whole.`);
        }
        const pitr = args.pointInTimeRecovery;
        const onHost = (relative: string): string => posix.join(host.dataDir, relative);
        const c = backupContainerPaths;
        const db = args.database;
        const dbHost = pulumi.output(db.host ?? serviceAliases.postgres);
        const dbPort = pulumi.output(db.port ?? servicePorts.postgres);

        // Protected like the store: a new password cannot open the backups made with the old one.
        const password = new random.RandomPassword(
            this.childName("restic-password"),
            { length: 40, special: false },
            this.childOpts({ protect: n.protect }),
        );

        let repository: pulumi.Output<string>;
        let resticRepositoryEnv: pulumi.Input<string>;
        // Credentials never enter the container's environment: each is a 0600 host file, read by
        // the entrypoint as root (DAC_READ_SEARCH) and copied for the job's user (see below).
        const secretContents: Partial<Record<keyof typeof backupSecretFiles, pulumi.Output<string>>> = {
            RESTIC_PASSWORD_FILE: pulumi.secret(password.result.apply((pw) => `${pw}\n`)),
            PGPASSFILE: pulumi.secret(
                pulumi.all([dbHost, dbPort, db.user, db.password]).apply(([h, port, user, pw]) => renderPgpass({ host: h, port, user, password: pw })),
            ),
        };
        const storeVolumes: docker.types.input.ContainerVolume[] = [];
        const networks: { name: pulumi.Input<string>; aliases?: string[] }[] = [{ name: host.networks!.data, aliases: [serviceAliases.backup] }];
        const writableDirs: string[] = [c.textfile, c.cache];
        let pitrRepository: PitrRepository = { kind: "posix", path: c.pitrRepository };
        let pitrS3Key: pulumi.Output<{ key: string; secret: string }> | undefined;
        let egressName: pulumi.Output<string> | undefined;
        const hostDirs = [onHost(hostPaths.textfileCollector), onHost(hostPaths.backupCache)];

        if (args.repository.kind === "spaces") {
            const region = args.repository.region;
            const bucketName = args.repository.bucketName
                ? pulumi.output(args.repository.bucketName)
                : // Bucket names are global across Spaces: a random suffix keeps two installations
                  // with the same stack and component names apart. Never regenerated (no keepers).
                  new random.RandomId(this.childName("bucket-suffix"), { byteLength: 4 }, this.childOpts()).hex.apply(
                      (hex) => `${physicalName(name, 54)}-${hex}`,
                  );
            const bucket = new digitalocean.SpacesBucket(
                this.childName("bucket"),
                {
                    name: bucketName,
                    region,
                    acl: "private",
                    versioning: { enabled: true },
                    lifecycleRules: spacesLifecycleRules(n.noncurrentVersionDays),
                    forceDestroy: n.forceDestroy,
                },
                this.childOpts({ protect: n.protect }),
            );
            // Least privilege: read, write and delete (restic prunes and removes its locks) in
            // this bucket only; no other bucket, no bucket administration.
            const key = new digitalocean.SpacesKey(
                this.childName("key"),
                { name: pulumi.interpolate`${bucket.name}-restic`, grants: [{ bucket: bucket.name, permission: "readwrite" }] },
                this.childOpts(),
            );
            repository = bucket.name.apply((b) => resticSpacesRepository(region, b));
            resticRepositoryEnv = pulumi.interpolate`RESTIC_REPOSITORY=${repository}`;
            secretContents.AWS_SHARED_CREDENTIALS_FILE = pulumi.secret(pulumi.all([key.accessKey, key.secretKey]).apply(([id, sk]) => renderAwsCredentials(id, sk)));
            // The data network is internal (no route out) and Spaces is on the internet: the job
            // also joins a bridge network of its own, rather than the edge network, so that
            // reaching the internet does not also mean reaching nginx and the app replicas.
            const egress = new docker.Network(
                this.childName("egress"),
                {
                    name: `${host.stack}-backup-egress`,
                    driver: "bridge",
                    internal: false,
                    // host.instance, like every network and container on the host: a rebuilt
                    // droplet's Docker has no such network, and the label's change recreates it.
                    labels: [
                        { label: "host.instance", value: host.instanceId },
                        { label: "slipway.stack", value: host.stack },
                        { label: "slipway.component", value: "BackupBucket" },
                    ],
                },
                // A fixed name: the old network must be gone before its replacement takes it.
                this.childOpts({ provider: host.provider, deleteBeforeReplace: true }),
            );
            networks.push({ name: egress.name });
            egressName = egress.name;
            pitrRepository = { kind: "s3", endpoint: `${region}.digitaloceanspaces.com`, region, bucket: "", path: pitrSpacesPath };
            pitrS3Key = pulumi.all([key.accessKey, key.secretKey]).apply(([k, sk]) => ({ key: k, secret: sk }));
            this.spaces = { bucketName: bucket.name, accessKeyId: pulumi.secret(key.accessKey), secretKey: pulumi.secret(key.secretKey) };
        } else {
            repository = pulumi.output(onHost(hostPaths.backupRepository));
            resticRepositoryEnv = `RESTIC_REPOSITORY=${c.repository}`;
            storeVolumes.push({ hostPath: onHost(hostPaths.backupRepository), containerPath: c.repository });
            writableDirs.push(c.repository);
            hostDirs.push(onHost(hostPaths.backupRepository));
            if (pitr) {
                storeVolumes.push({ hostPath: onHost(hostPaths.pitrRepository), containerPath: c.pitrRepository });
                hostDirs.push(onHost(hostPaths.pitrRepository));
            }
        }
        const bucketName = this.spaces?.bucketName;
        const pitrSetup = pitr ? this.pointInTimeRecovery(host, n, pitr, { repository: pitrRepository, bucketName, s3Key: pitrS3Key, egressName, dbUser: db.user }) : undefined;
        if (pitrSetup) {
            secretContents.PITR_SECRETS = pitrSetup.secrets;
        }

        // The job's directories exist before the container mounts them (Docker would create them
        // root-only). node-exporter, another user, must read the textfile directory: it is made
        // 0755 while the deploy user still owns it (the container then hands it to the job's
        // user). Never removed: they hold data.
        const textfileDir = shellQuote(onHost(hostPaths.textfileCollector));
        const dirs = host.files.run(this, this.childName("dirs"), {
            command: `umask 022 && mkdir -p ${hostDirs.map(shellQuote).join(" ")} && { [ ! -O ${textfileDir} ] || chmod 0755 ${textfileDir}; }`,
            triggers: hostDirs,
        });

        const secretNames = Object.keys(secretContents) as (keyof typeof backupSecretFiles)[];
        const envSecretNames = secretNames.filter((k) => k !== "PITR_SECRETS");
        const secretFiles = secretNames.map((k) =>
            host.files.write(this, this.childName(`secret-${backupSecretFiles[k]}`), {
                path: posix.join(backupSecretsDir, backupSecretFiles[k]),
                content: secretContents[k]!,
                mode: "0600",
            }),
        );

        const connection = { snapshotHost: host.stack };
        const scriptContent = pulumi.all([dbHost, dbPort, db.user, db.name]).apply(([pgHost, pgPort, pgUser, pgDatabase]) =>
            renderBackupScript({
                ...connection,
                pgHost,
                pgPort,
                pgUser,
                pgDatabase,
                keep: n.keep,
                check: n.check,
                metricsDir: c.textfile,
            }),
        );
        const restoreContent = pulumi
            .all([dbHost, dbPort, db.user, db.name])
            .apply(([pgHost, pgPort, pgUser, pgDatabase]) => renderRestoreScript({ ...connection, pgHost, pgPort, pgUser, pgDatabase }));
        // No secret in either script (they come through files named by the environment), hence world-readable:
        // the job's user in the container is not the file's owner on the host.
        const script = host.files.write(this, this.childName("script"), { path: hostPaths.backupScript, content: scriptContent, mode: "0755" });
        const restoreScript = host.files.write(this, this.childName("restore-script"), {
            path: hostPaths.backupRestoreScript,
            content: restoreContent,
            mode: "0755",
        });

        const image = new docker.Image(
            this.childName("image"),
            {
                imageName: `slipway/backup:${host.stack}`,
                // The image is built on the host's own daemon and lives nowhere else: a rebuilt
                // droplet has none. The host's identity as a build argument makes a new droplet a
                // changed input, so the image is built there again (the Dockerfile declares it).
                build: { context: n.buildContext, args: { SLIPWAY_HOST_INSTANCE: host.instanceId } },
                skipPush: true,
            },
            this.childOpts({ provider: host.provider }),
        );

        const scriptsDir = posix.dirname(hostPaths.backupScript);
        const container = new docker.Container(
            this.childName("container"),
            hardenedContainerArgs(host, {
                // The local image id: a rebuilt image replaces the container.
                image: image.repoDigest,
                name: `${host.stack}-backup`,
                memoryMiB: n.memoryMiB,
                healthcheck: { test: healthCmd("pgrep", "-x", "crond"), intervalSeconds: 30 },
                component: "BackupBucket",
                networks,
                envs: [
                    resticRepositoryEnv,
                    ...envSecretNames.map((k) => `${k}=${posix.join(c.secrets, backupSecretFiles[k])}`),
                    pulumi.interpolate`PGHOST=${dbHost}`,
                    pulumi.interpolate`PGPORT=${dbPort}`,
                    pulumi.interpolate`PGUSER=${db.user}`,
                    pulumi.interpolate`PGDATABASE=${db.name}`,
                    // The entrypoint copies these files to BACKUP_PRIVATE_DIR for the job's user.
                    `BACKUP_PRIVATE_FROM=${c.secretsMount}`,
                    `BACKUP_PRIVATE_DIR=${c.secrets}`,
                    `RESTIC_CACHE_DIR=${c.cache}/restic`,
                    // restic's temporary packs on disk: /tmp is a small tmpfs counted as memory.
                    `TMPDIR=${c.cache}/tmp`,
                    "TZ=UTC",
                    `BACKUP_SCHEDULE=${n.schedule}`,
                    `BACKUP_COMMAND=/bin/sh ${c.scripts}/${posix.basename(hostPaths.backupScript)}`,
                    `BACKUP_WRITABLE_DIRS=${writableDirs.join(" ")}`,
                    ...(pitrSetup?.envs ?? []),
                    ...(pitr && pitrRepository.kind === "posix" ? [`PITR_WRITABLE_DIRS=${c.pitrRepository}`] : []),
                ],
                volumes: [
                    // The directory, not the file: a file rewritten by rename is a new inode that
                    // a single-file bind mount never shows. crond reads the script at every run,
                    // so a new script needs no new container.
                    { hostPath: onHost(scriptsDir), containerPath: c.scripts, readOnly: true },
                    { hostPath: onHost(hostPaths.textfileCollector), containerPath: c.textfile },
                    { hostPath: onHost(hostPaths.backupCache), containerPath: c.cache },
                    { hostPath: onHost(backupSecretsDir), containerPath: c.secretsMount, readOnly: true },
                    ...storeVolumes,
                    ...(pitrSetup?.volumes ?? []),
                ],
                readOnly: true,
                tmpfs: {
                    "/var/spool/cron/crontabs": "rw,noexec,nosuid,size=1m",
                    "/tmp": "rw,noexec,nosuid,size=16m",
                    [c.secrets]: "rw,noexec,nosuid,nodev,size=1m,mode=0700",
                    ...(pitr ? { [c.pitrSecrets]: "rw,noexec,nosuid,nodev,size=1m,mode=0700" } : {}),
                },
                // The entrypoint reads the 0600 credential files of the host's deploy user
                // (DAC_READ_SEARCH), hands their copies and the writable mounts to the job's user
                // (CHOWN), and crond switches to that user for each job (SETGID, SETUID); the job
                // holds none of them.
                capAdd: ["CHOWN", "DAC_READ_SEARCH", "SETGID", "SETUID"],
            }),
            this.childOpts({ provider: host.provider, dependsOn: [script, restoreScript, dirs, ...secretFiles, ...(pitrSetup?.files ?? [])], deleteBeforeReplace: true }),
        );
        // The entrypoint copies the credentials at start: a changed one restarts the job's container.
        const secretsRestart = host.files.run(this, this.childName("secrets-restart"), {
            command: pulumi.interpolate`docker restart ${container.name}`,
            triggers: secretNames.map((k) => contentHash(secretContents[k]!)),
            dependsOn: [container, ...secretFiles],
        });

        if (pitrSetup) {
            // The stanza must exist before the first push can store anything, so at deploy, not
            // at the first cron run; then the first base backup (in the background: on an
            // existing database it can take a while), if the repository has none yet.
            const exec = pulumi.interpolate`docker exec -u postgres ${container.name} /bin/sh ${posix.join(c.scripts, posix.basename(hostPaths.pitrScript))}`;
            host.files.run(this, this.childName("pitr-init"), {
                command: pulumi.interpolate`${exec} init && docker exec -d -u postgres ${container.name} /bin/sh ${posix.join(c.scripts, posix.basename(hostPaths.pitrScript))} backup first`,
                triggers: [container.id, pitrSetup.confHash],
                // After the restart that hands the container its credentials: an exec meanwhile fails.
                dependsOn: [container, secretsRestart, ...pitrSetup.files],
            });
        }

        this.repository = repository;
        this.resticPassword = pulumi.secret(password.result);
        this.containerName = container.name;
        this.pitrCipherPass = pitrSetup?.cipherPass;
        this.registerOutputs({
            repository: this.repository,
            resticPassword: this.resticPassword,
            containerName: this.containerName,
            pitrCipherPass: this.pitrCipherPass,
            bucketName: this.spaces?.bucketName,
            spacesAccessKeyId: this.spaces?.accessKeyId,
            spacesSecretKey: this.spaces?.secretKey,
        });
    }

    /**
     * Point-in-time recovery's part of the job: pgBackRest's configuration and secrets, `pitr.sh`
     * and the host's `restore-to-time.sh`, and what the container needs to run them (the data
     * directory read-only and the server's socket and WAL spool, as uid 70).
     */
    private pointInTimeRecovery(
        host: DockerHost,
        n: NormalizedDockerBackupBucketArgs,
        pitr: DockerWalArchive,
        o: {
            repository: PitrRepository;
            bucketName?: pulumi.Output<string>;
            s3Key?: pulumi.Output<{ key: string; secret: string }>;
            egressName?: pulumi.Output<string>;
            dbUser: pulumi.Input<string>;
        },
    ) {
        const c = backupContainerPaths;
        const onHost = (relative: string): string => posix.join(host.dataDir, relative);
        const inScripts = (hostPath: string): string => posix.join(c.scripts, posix.basename(hostPath));
        const pitrCommand = `/bin/sh ${inScripts(hostPaths.pitrScript)}`;
        // Protected like the restic password: a new pass cannot read what the old one encrypted.
        const cipherPass = new random.RandomPassword(this.childName("pitr-cipher-pass"), { length: 48, special: false }, this.childOpts({ protect: n.protect }));
        const secrets = pulumi.secret(
            pulumi.all([cipherPass.result, o.s3Key ?? pulumi.output(undefined)]).apply(([pass, s3]) => renderPgbackrestSecrets({ cipherPass: pass, s3 })),
        );
        const conf = pulumi.all([o.bucketName ?? pulumi.output(""), o.dbUser]).apply(([bucket, pgUser]) =>
            renderPgbackrestConf({
                stanza: pitrStanza,
                repository: o.repository.kind === "s3" ? { ...o.repository, bucket } : o.repository,
                retentionDays: Math.max(1, n.keep.daily),
                pgPath: postgresContainerPaths.data,
                pgSocketPath: postgresContainerPaths.run,
                pgPort: servicePorts.postgres,
                pgUser,
                lockPath: "/tmp/pgbackrest",
            }),
        );
        const script = pulumi.output(o.dbUser).apply((pgUser) =>
            renderPitrScript({
                stanza: pitrStanza,
                spool: postgresContainerPaths.walSpool,
                pgData: postgresContainerPaths.data,
                pgSocketPath: postgresContainerPaths.run,
                pgPort: servicePorts.postgres,
                pgUser,
                // The recovering server of a restore: the database's own configuration, no TCP.
                pgOptions: `${pitr.serverOptions} -c listen_addresses=`,
                metricsDir: c.textfile,
                fullWeekday: n.check === false ? 7 : n.check.weekday,
                lockFile: "/tmp/slipway-pitr/push.lock",
            }),
        );
        const envs = [
            `PGBACKREST_CONFIG=${inScripts(hostPaths.pgbackrestConf)}`,
            `PGBACKREST_CONFIG_INCLUDE_PATH=${c.pitrSecrets}`,
            `PITR_COMMAND=${pitrCommand}`,
            "PITR_USER=postgres",
            `PITR_PRIVATE_FILES=${backupSecretFiles.PITR_SECRETS}`,
            `PITR_PRIVATE_DIR=${c.pitrSecrets}`,
            `PITR_BACKUP_SCHEDULE=${n.schedule}`,
            `BACKUP_GROUP_WRITABLE_DIRS=${c.textfile}`,
        ];
        const volumes: docker.types.input.ContainerVolume[] = [
            // Base backups read the data files; nothing here writes them.
            { hostPath: pitr.hostPaths.data, containerPath: postgresContainerPaths.data, readOnly: true },
            // The server's socket (pgBackRest's connection) and the WAL spool it empties.
            { hostPath: pitr.hostPaths.run, containerPath: postgresContainerPaths.run },
        ];
        // The one-off restore container: the database's mounts and memory, the job's scripts and
        // credentials, and the way to the repository (the egress network for Spaces).
        const restoreScript = pulumi.all([pitr.containerName, o.egressName ?? pulumi.output("none")]).apply(([pgContainer, network]) => {
            const q = shellQuote;
            const runOptions = [
                `--network ${q(network)} --no-healthcheck --read-only --security-opt no-new-privileges`,
                `--memory ${pitr.memoryMiB}m --shm-size ${pitr.shmSizeMiB}m`,
                "--cap-drop ALL --cap-add CHOWN --cap-add DAC_READ_SEARCH --cap-add SETUID --cap-add SETGID",
                `--tmpfs ${q("/tmp:rw,nosuid,nodev,size=64m")} --tmpfs ${q(`${c.pitrSecrets}:rw,noexec,nosuid,nodev,size=1m,mode=0700`)}`,
                ...[
                    `${pitr.hostPaths.data}:${postgresContainerPaths.data}`,
                    `${pitr.hostPaths.conf}:${postgresContainerPaths.confDir}:ro`,
                    `${pitr.hostPaths.run}:${postgresContainerPaths.run}`,
                    `${onHost(posix.dirname(hostPaths.backupScript))}:${c.scripts}:ro`,
                    `${onHost(backupSecretsDir)}:${c.secretsMount}:ro`,
                    ...(o.repository.kind === "posix" ? [`${onHost(hostPaths.pitrRepository)}:${c.pitrRepository}`] : []),
                ].map((v) => `-v ${q(v)}`),
                ...[...envs.filter((e) => !e.startsWith("PITR_BACKUP_SCHEDULE=") && !e.startsWith("BACKUP_GROUP_WRITABLE_DIRS=")), `BACKUP_PRIVATE_FROM=${c.secretsMount}`, "TZ=UTC"].map(
                    (e) => `-e ${q(e)}`,
                ),
            ];
            return renderRestoreToTimeScript({
                pgContainer,
                backupContainer: `${host.stack}-backup`,
                hostDataDir: pitr.hostPaths.data,
                runOptions,
                pitrScript: inScripts(hostPaths.pitrScript),
                spool: postgresContainerPaths.walSpool,
            });
        });
        const files = [
            host.files.write(this, this.childName("pgbackrest-conf"), { path: hostPaths.pgbackrestConf, content: conf, mode: "0644" }),
            host.files.write(this, this.childName("pitr-script"), { path: hostPaths.pitrScript, content: script, mode: "0755" }),
            host.files.write(this, this.childName("restore-to-time"), { path: hostPaths.pitrRestoreScript, content: restoreScript, mode: "0755" }),
        ];
        return { secrets, envs, volumes, files, confHash: contentHash(conf), cipherPass: pulumi.secret(cipherPass.result) };
    }

    private spacesOnly(what: string): NonNullable<DockerBackupBucket["spaces"]> {
        if (!this.spaces) {
            throw new ComponentArgError({ component: "BackupBucket", resourceName: this.baseName, key: "repository.kind", value: "directory", allowed: `"spaces" to use ${what} (this bucket keeps its backups in a local directory)` });
        }
        return this.spaces;
    }

    /** Name of the Spaces bucket (spaces repository only). */
    public get bucketName(): pulumi.Output<string> {
        return this.spacesOnly("bucketName").bucketName;
    }

    /** Access key id of the bucket's Spaces key (secret; spaces repository only), for a restore from elsewhere. */
    public get spacesAccessKeyId(): pulumi.Output<string> {
        return this.spacesOnly("spacesAccessKeyId").accessKeyId;
    }

    /** Secret key of the bucket's Spaces key (secret; spaces repository only). */
    public get spacesSecretKey(): pulumi.Output<string> {
        return this.spacesOnly("spacesSecretKey").secretKey;
    }
}
