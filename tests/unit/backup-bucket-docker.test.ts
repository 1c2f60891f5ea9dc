import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { backupMetrics } from "../../components/backup-bucket/backup-script";
import {
    backupContainerPaths,
    DockerBackupBucket,
    renderAwsCredentials,
    renderPgpass,
    type DockerBackupBucketArgs,
    normalizeDockerBackupBucketArgs,
} from "../../components/backup-bucket/docker";
import { resticSpacesRepository, spacesLifecycleRules } from "../../components/backup-bucket/spaces";
import { FILE_MARKER } from "../../components/shared/host-files";
import type { Graph } from "../../offline/graph";
import type { RecordedResource } from "../../offline/recorder";
import { containsSecret, isSecretValue, reveal } from "../../offline/secret-value";
import { testDockerHost } from "../helpers/docker-host";
import { expectParentedAndPrefixed, isTestProvider } from "../helpers/children";
import { recordResources, resolve } from "../helpers/record";

const BUCKET = "digitalocean:index/spacesBucket:SpacesBucket";
const KEY = "digitalocean:index/spacesKey:SpacesKey";
const PASSWORD = "random:index/randomPassword:RandomPassword";
const CONTAINER = "docker:index/container:Container";
const IMAGE = "docker:index/image:Image";
const NETWORK = "docker:index/network:Network";
const FILE_COMMAND = "command:local:Command";
const COMPONENT = "slipway:components:BackupBucket";

type Args = Omit<DockerBackupBucketArgs, "host">;
const spaces: Args = {
    repository: { kind: "spaces", region: "fra1" },
    database: { user: "app", password: "db-password", name: "app" },
};
const local: Args = { ...spaces, repository: { kind: "local" } };

const build = (args: Args, name = "backups") => recordResources(() => new DockerBackupBucket(name, { host: testDockerHost(), ...args }));

/** The rendered file whose create script carries `# slipway-file: <path>`, and its content. */
function hostFile(graph: Graph, path: string): { resource: RecordedResource; content: string; create: string } {
    const resource = graph.ofType(FILE_COMMAND).find((r) => String(r.inputs.create).startsWith(`${FILE_MARKER}${path}\n`));
    if (!resource) throw new Error(`no host file ${path}`);
    return { resource, content: reveal(resource.inputs.stdin) as string, create: String(resource.inputs.create) };
}

/** The container's envs as NAME -> { value, secret }. */
function envs(container: RecordedResource): Record<string, { value: string; secret: boolean }> {
    const list = container.inputs.envs as unknown[];
    return Object.fromEntries(
        list.map((e) => {
            const s = String(reveal(e));
            const i = s.indexOf("=");
            return [s.slice(0, i), { value: s.slice(i + 1), secret: isSecretValue(e) }];
        }),
    );
}

const networkNames = (container: RecordedResource): unknown[] => (container.inputs.networksAdvanced as { name: unknown }[]).map((n) => n.name);
const volumes = (container: RecordedResource) =>
    container.inputs.volumes as { hostPath: string; containerPath: string; readOnly?: boolean }[];

function expectChildrenParentedAndPrefixed(graph: Graph, prefix: string): RecordedResource[] {
    return expectParentedAndPrefixed(graph, COMPONENT, prefix, isTestProvider);
}

describe("DockerBackupBucket in Spaces (vps)", () => {
    let graph: Graph;
    let backups: DockerBackupBucket;
    let bucket: RecordedResource;
    let container: RecordedResource;
    let bucketName: string;

    beforeAll(async () => {
        const r = await build(spaces);
        graph = r.graph;
        backups = r.result;
        bucket = graph.one(BUCKET);
        container = graph.one(CONTAINER);
        bucketName = (await resolve(backups.bucketName)).value;
    });

    it("parents every child to the component and prefixes its name", () => {
        const children = expectChildrenParentedAndPrefixed(graph, "backups");
        expect(children.map((c) => c.type).sort()).toEqual(
            // Commands: dirs, two scripts, three credential files, the restart on a changed credential.
            [BUCKET, KEY, PASSWORD, "random:index/randomId:RandomId", NETWORK, IMAGE, CONTAINER, ...Array(7).fill(FILE_COMMAND)].sort(),
        );
    });

    it("keeps the repository in a private, versioned, protected bucket with a unique name in the region", () => {
        expect(bucket.inputs.acl).toBe("private");
        expect(bucket.inputs.region).toBe("fra1");
        expect(bucket.inputs.versioning).toEqual({ enabled: true });
        expect(bucket.inputs.forceDestroy).toBe(false);
        expect(bucket.protect).toBe(true);
        expect(bucketName).toMatch(/^test-backups-[0-9a-f]{6}-[0-9a-f]{8}$/);
        expect(bucket.inputs.name).toBe(bucketName);
    });

    it("never expires current objects (restic's packs are shared), bounds old versions to a week, aborts stale uploads", () => {
        const rules = bucket.inputs.lifecycleRules as { enabled: boolean; expiration?: { days?: number }; noncurrentVersionExpiration?: { days: number }; abortIncompleteMultipartUploadDays?: number }[];
        expect(rules.every((r) => r.enabled)).toBe(true);
        expect(rules.some((r) => r.expiration?.days !== undefined)).toBe(false);
        expect(rules.find((r) => r.noncurrentVersionExpiration)?.noncurrentVersionExpiration).toEqual({ days: 7 });
        expect(rules.find((r) => r.abortIncompleteMultipartUploadDays)?.abortIncompleteMultipartUploadDays).toBe(7);
    });

    it("gives the job a key that can read and write this bucket only, its secret kept secret", () => {
        const key = graph.one(KEY);
        expect(key.inputs.grants).toEqual([{ bucket: bucketName, permission: "readwrite" }]);
        expect(key.additionalSecretOutputs).toContain("secretKey");
        expect(key.protect).toBe(false);
    });

    it("generates the restic password as a protected secret and outputs it as one", async () => {
        const pw = graph.one(PASSWORD);
        expect(pw.protect).toBe(true);
        expect(pw.inputs.length).toBeGreaterThanOrEqual(32);
        expect(pw.additionalSecretOutputs).toContain("result");
        expect((await resolve(backups.resticPassword)).secret).toBe(true);
        const registered = graph.one(COMPONENT).outputs ?? {};
        expect(isSecretValue(registered.resticPassword)).toBe(true);
        expect(isSecretValue(registered.spacesSecretKey)).toBe(true);
    });

    it("outputs the restic repository URL of the bucket and the container's name", async () => {
        const repository = (await resolve(backups.repository)).value;
        expect(repository).toBe(`s3:https://fra1.digitaloceanspaces.com/${bucketName}`);
        expect((await resolve(backups.containerName)).value).toBe("test-backup");
        expect((await resolve(backups.spacesSecretKey)).secret).toBe(true);
    });

    it("writes the backup and restore scripts to the host, rendered for the container", () => {
        const script = hostFile(graph, "/srv/slipway/backup/backup.sh");
        expect(script.create).toContain("chmod 0755");
        expect(script.content.startsWith("#!/bin/sh\n")).toBe(true);
        expect(script.content).toContain("PGHOST=${PGHOST:-'postgres'}");
        expect(script.content).toContain("PGPORT=${PGPORT:-'5432'}");
        expect(script.content).toContain("BACKUP_SNAPSHOT_HOST=${BACKUP_SNAPSHOT_HOST:-'test'}");
        expect(script.content).toContain(`BACKUP_METRICS_DIR=\${BACKUP_METRICS_DIR-'${backupContainerPaths.textfile}'}`);
        expect(script.content).toContain("BACKUP_KEEP_MONTHLY=${BACKUP_KEEP_MONTHLY:-'3'}");
        expect(script.content).toContain(backupMetrics.lastSuccess);
        expect(script.content).not.toContain("db-password");
        expect(containsSecret(script.resource.inputs.stdin)).toBe(false);
        const restore = hostFile(graph, "/srv/slipway/backup/restore.sh");
        expect(restore.content).toContain("pg_restore");
    });

    it("builds the job's image from backup/ on the host's daemon, without pushing", () => {
        const image = graph.one(IMAGE);
        expect(image.inputs.build).toMatchObject({ context: "backup" });
        expect(image.inputs.skipPush).toBe(true);
        expect(image.provider?.startsWith(graph.one("pulumi:providers:docker").urn)).toBe(true);
        expect(container.inputs.image).toMatch(/^sha256:[0-9a-f]{64}$/);
    });

    it("runs a hardened container with a fixed name, replaced delete-first", () => {
        expect(container.inputs.name).toBe("test-backup");
        expect(container.deleteBeforeReplace).toBe(true);
        expect(container.inputs.privileged).toBe(false);
        expect(container.inputs.readOnly).toBe(true);
        expect(container.inputs.restart).toBe("unless-stopped");
        expect(container.inputs.securityOpts).toEqual(["no-new-privileges:true"]);
        // DAC_READ_SEARCH: the entrypoint (root) reads the deploy user's 0600 credential files.
        expect(container.inputs.capabilities).toEqual({ drops: ["ALL"], adds: ["CHOWN", "DAC_READ_SEARCH", "SETGID", "SETUID"] });
        expect(container.inputs.memory).toBe(512);
        expect(container.inputs.ports).toBeUndefined();
        expect(container.inputs.networkMode).toBeUndefined();
        expect((container.inputs.healthcheck as { tests: string[] }).tests).toEqual(["CMD", "pgrep", "-x", "crond"]);
        expect(container.provider?.startsWith(graph.one("pulumi:providers:docker").urn)).toBe(true);
        const labels = Object.fromEntries((container.inputs.labels as { label: string; value: unknown }[]).map((l) => [l.label, l.value]));
        expect(labels["host.instance"]).toBe("droplet-123");
        expect(labels["slipway.component"]).toBe("BackupBucket");
        expect(containsSecret(container.inputs.labels)).toBe(false);
        expect(container.inputs.command).toBeUndefined();
    });

    it("joins the data network and its own egress bridge to reach Spaces, never the edge network", () => {
        const egress = graph.one(NETWORK);
        expect(egress.inputs.internal).toBe(false);
        expect(egress.inputs.name).toBe("test-backup-egress");
        expect(networkNames(container)).toEqual(["test-data", "test-backup-egress"]);
        expect(networkNames(container)).not.toContain("test-edge");
    });

    it("passes every credential as a 0600 host file the tools read through their *_FILE settings, none in the environment", () => {
        const e = envs(container);
        expect(Object.values(e).some((v) => v.secret)).toBe(false);
        for (const name of ["RESTIC_PASSWORD", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "PGPASSWORD"]) expect(e[name], name).toBeUndefined();
        expect(e.RESTIC_PASSWORD_FILE.value).toBe("/run/slipway-backup/restic-password");
        expect(e.PGPASSFILE.value).toBe("/run/slipway-backup/pgpass");
        expect(e.AWS_SHARED_CREDENTIALS_FILE.value).toBe("/run/slipway-backup/aws-credentials");
        expect(e.BACKUP_PRIVATE_FROM.value).toBe(backupContainerPaths.secretsMount);
        expect(e.BACKUP_PRIVATE_DIR.value).toBe(backupContainerPaths.secrets);
        const file = (name: string) => hostFile(graph, `/srv/slipway/backup/secrets/${name}`);
        for (const name of ["pgpass", "restic-password", "aws-credentials"]) {
            expect(file(name).create, name).toContain("chmod 0600");
            expect(isSecretValue(file(name).resource.inputs.stdin), name).toBe(true);
            expect(graph.dependsOn(container, file(name).resource), name).toBe(true);
        }
        expect(file("pgpass").content).toBe("postgres:5432:*:app:db-password\n");
        expect(file("aws-credentials").content).toMatch(/^\[default\]\naws_access_key_id = .+\naws_secret_access_key = offline-spaces-secret-.*\n$/);
        // The copies live on a root-only tmpfs the entrypoint hands to the job's user.
        expect((container.inputs.tmpfs as Record<string, string>)[backupContainerPaths.secrets]).toContain("mode=0700");
        const restart = graph.byName("backups-secrets-restart");
        expect(restart.inputs.create).toBe("docker restart test-backup");
        expect(restart.inputs.triggers).toHaveLength(3);
        expect(graph.dependsOn(restart, container)).toBe(true);
        expect(e.RESTIC_REPOSITORY).toEqual({ value: resticSpacesRepository("fra1", bucketName), secret: false });
        expect(e.PGHOST.value).toBe("postgres");
        expect(e.PGPORT.value).toBe("5432");
        expect(e.PGUSER.value).toBe("app");
        expect(e.PGDATABASE.value).toBe("app");
        expect(e.BACKUP_SCHEDULE.value).toBe("17 3 * * *");
        expect(e.BACKUP_COMMAND.value).toBe(`/bin/sh ${backupContainerPaths.scripts}/backup.sh`);
        expect(e.BACKUP_WRITABLE_DIRS.value.split(" ").sort()).toEqual([backupContainerPaths.cache, backupContainerPaths.textfile].sort());
        expect(e.TZ.value).toBe("UTC");
    });

    it("mounts the scripts read-only, the metrics and cache read-write, and no repository directory", () => {
        expect(volumes(container)).toEqual([
            { hostPath: "/srv/slipway/backup", containerPath: backupContainerPaths.scripts, readOnly: true },
            { hostPath: "/srv/slipway/node-exporter/textfile", containerPath: backupContainerPaths.textfile },
            { hostPath: "/srv/slipway/backup/cache", containerPath: backupContainerPaths.cache },
            { hostPath: "/srv/slipway/backup/secrets", containerPath: backupContainerPaths.secretsMount, readOnly: true },
        ]);
    });

    it("waits for the scripts and directories without taking the scripts' content as an input", () => {
        for (const path of ["/srv/slipway/backup/backup.sh", "/srv/slipway/backup/restore.sh"]) {
            expect(graph.dependsOn(container, hostFile(graph, path).resource)).toBe(true);
        }
        const dirs = graph.byName("backups-dirs");
        expect(graph.dependsOn(container, dirs)).toBe(true);
        expect(String(dirs.inputs.create)).toBe(
            "umask 022 && mkdir -p '/srv/slipway/node-exporter/textfile' '/srv/slipway/backup/cache'" +
                " && { [ ! -O '/srv/slipway/node-exporter/textfile' ] || chmod 0755 '/srv/slipway/node-exporter/textfile'; }",
        );
        expect(JSON.stringify(reveal(container.inputs))).not.toContain("slipway-backup: ");
    });
});

describe("DockerBackupBucket in a local directory", () => {
    let graph: Graph;
    let backups: DockerBackupBucket;
    let container: RecordedResource;

    beforeAll(async () => {
        const r = await build(local, "vault");
        graph = r.graph;
        backups = r.result;
        container = graph.one(CONTAINER);
    });

    it("creates no bucket, key or egress network, and keeps the children parented and prefixed", () => {
        const types = expectChildrenParentedAndPrefixed(graph, "vault").map((c) => c.type);
        for (const t of [BUCKET, KEY, NETWORK, "random:index/randomId:RandomId"]) expect(types).not.toContain(t);
        expect(types).toContain(PASSWORD);
    });

    it("keeps the repository under the host's data directory, mounted read-write", async () => {
        expect((await resolve(backups.repository)).value).toBe("/srv/slipway/backup/repository");
        expect(envs(container).RESTIC_REPOSITORY).toEqual({ value: backupContainerPaths.repository, secret: false });
        expect(volumes(container)).toContainEqual({ hostPath: "/srv/slipway/backup/repository", containerPath: backupContainerPaths.repository });
        expect(envs(container).BACKUP_WRITABLE_DIRS.value.split(" ")).toContain(backupContainerPaths.repository);
        expect(String(graph.byName("vault-dirs").inputs.create)).toContain("'/srv/slipway/backup/repository'");
    });

    it("stays on the data network only, with no Spaces credentials", () => {
        expect(networkNames(container)).toEqual(["test-data"]);
        const e = envs(container);
        expect(e.AWS_ACCESS_KEY_ID).toBeUndefined();
        expect(e.AWS_SECRET_ACCESS_KEY).toBeUndefined();
        expect(e.AWS_SHARED_CREDENTIALS_FILE).toBeUndefined();
        expect(Object.values(e).some((v) => v.secret)).toBe(false);
        expect(e.RESTIC_PASSWORD_FILE.value).toBe("/run/slipway-backup/restic-password");
        expect(e.PGPASSFILE.value).toBe("/run/slipway-backup/pgpass");
        expect(graph.ofType(FILE_COMMAND).some((r) => String(r.inputs.create).includes("aws-credentials"))).toBe(false);
    });

    it("says clearly that there is no bucket", () => {
        expect(() => backups.bucketName).toThrow(/BackupBucket vault: repository\.kind is "directory"; expected "spaces" to use bucketName \(this bucket keeps its backups in a local directory\)/);
        expect(() => backups.spacesSecretKey).toThrow(/spacesSecretKey/);
    });
});

describe("DockerBackupBucket options", () => {
    it("takes a bucket name, unprotected stores and a secret database password", async () => {
        const { graph } = await build({
            ...spaces,
            repository: { kind: "spaces", region: "nyc3", bucketName: "acme-db-backups" },
            database: { host: "db.internal", port: 6543, user: "owner", password: pulumi.secret("s3cret"), name: "shop" },
            protect: false,
            forceDestroy: true,
        });
        const bucket = graph.one(BUCKET);
        expect(bucket.inputs.name).toBe("acme-db-backups");
        expect(bucket.inputs.region).toBe("nyc3");
        expect(bucket.protect).toBe(false);
        expect(bucket.inputs.forceDestroy).toBe(true);
        expect(graph.one(PASSWORD).protect).toBe(false);
        expect(graph.ofType("random:index/randomId:RandomId")).toHaveLength(0);
        const e = envs(graph.one(CONTAINER));
        expect(e.RESTIC_REPOSITORY.value).toBe("s3:https://nyc3.digitaloceanspaces.com/acme-db-backups");
        expect(e.PGHOST.value).toBe("db.internal");
        expect(e.PGPORT.value).toBe("6543");
        expect(e.PGPASSWORD).toBeUndefined();
        const pgpass = hostFile(graph, "/srv/slipway/backup/secrets/pgpass");
        expect(isSecretValue(pgpass.resource.inputs.stdin)).toBe(true);
        expect(pgpass.content).toBe("db.internal:6543:*:owner:s3cret\n");
        const script = hostFile(graph, "/srv/slipway/backup/backup.sh").content;
        expect(script).toContain("PGHOST=${PGHOST:-'db.internal'}");
        expect(script).toContain("BACKUP_DUMP_NAME=${BACKUP_DUMP_NAME:-'shop.dump'}");
    });

    it("renders retention, check and schedule changes into the script and the container", async () => {
        const { graph } = await build({
            ...local,
            retentionDays: 365,
            keep: { daily: 14 },
            check: false,
            schedule: "5  1 * * 1-5",
            memoryMiB: 1024,
            noncurrentVersionDays: 3,
        });
        const script = hostFile(graph, "/srv/slipway/backup/backup.sh").content;
        expect(script).toContain("BACKUP_KEEP_DAILY=${BACKUP_KEEP_DAILY:-'14'}");
        expect(script).toContain("BACKUP_KEEP_WEEKLY=${BACKUP_KEEP_WEEKLY:-'4'}");
        expect(script).toContain("BACKUP_KEEP_MONTHLY=${BACKUP_KEEP_MONTHLY:-'13'}");
        expect(script).toContain("BACKUP_CHECK_WEEKDAY=${BACKUP_CHECK_WEEKDAY-''}");
        const container = graph.one(CONTAINER);
        expect(envs(container).BACKUP_SCHEDULE.value).toBe("5 1 * * 1-5");
        expect(container.inputs.memory).toBe(1024);
    });

    it("refuses a host without networks and a bad region before creating anything", async () => {
        await expect(build({ ...spaces, repository: { kind: "spaces", region: "Frankfurt" } })).rejects.toThrow(/Spaces region/);
        await expect(
            recordResources(() => new DockerBackupBucket("b", { host: testDockerHost({ networks: undefined }), ...local })),
        ).rejects.toThrow(/host.networks/);
    });
});

describe("credential files", () => {
    it("escapes : and \\ in .pgpass fields and refuses line breaks", () => {
        expect(renderPgpass({ host: "db", port: 5432, user: "u:1", password: "p\\w:x" })).toBe("db:5432:*:u\\:1:p\\\\w\\:x\n");
        expect(() => renderPgpass({ host: "db", port: 5432, user: "u", password: "a\nb" })).toThrow(/^\.pgpass: database\.password is \[secret\]; expected a value without line breaks/);
    });

    it("writes one [default] profile for restic's S3 backend", () => {
        expect(renderAwsCredentials("AKID", "SK")).toBe("[default]\naws_access_key_id = AKID\naws_secret_access_key = SK\n");
    });
});

describe("normalizeDockerBackupBucketArgs", () => {
    const repo = { kind: "local" } as const;

    it("defaults to a daily 03:17 UTC run, 7/4/3 snapshots, a Sunday check, 512 MiB, a week of old versions", () => {
        expect(normalizeDockerBackupBucketArgs({ repository: repo })).toEqual({
            retentionDays: 90,
            noncurrentVersionDays: 7,
            transitionToColdAfterDays: false,
            protect: true,
            forceDestroy: false,
            schedule: "17 3 * * *",
            keep: { daily: 7, weekly: 4, monthly: 3 },
            check: { weekday: 7, readDataSubset: "1%" },
            memoryMiB: 512,
            buildContext: "backup",
        });
    });

    it("derives the monthly snapshots from retentionDays", () => {
        expect(normalizeDockerBackupBucketArgs({ repository: repo, retentionDays: 30 }).keep.monthly).toBe(1);
        expect(normalizeDockerBackupBucketArgs({ repository: repo, retentionDays: 31 }).keep.monthly).toBe(2);
        expect(normalizeDockerBackupBucketArgs({ repository: repo, retentionDays: 31, keep: { monthly: 0 } }).keep.monthly).toBe(0);
    });

    it("ignores cold storage, which neither Spaces nor a directory has", () => {
        expect(normalizeDockerBackupBucketArgs({ repository: repo, retentionDays: 14, transitionToColdAfterDays: 30 }).transitionToColdAfterDays).toBe(false);
    });

    it("rejects what would break the job, naming the key", () => {
        expect(() => normalizeDockerBackupBucketArgs({ repository: repo, schedule: "daily" })).toThrow(/schedule is "daily"; expected a five-field cron expression/);
        expect(() => normalizeDockerBackupBucketArgs({ repository: repo, schedule: "17 3 * * * rm" })).toThrow(/schedule/);
        expect(() => normalizeDockerBackupBucketArgs({ repository: repo, keep: { daily: 0 } })).toThrow(/keep.daily/);
        expect(() => normalizeDockerBackupBucketArgs({ repository: repo, keep: { weekly: 1.5 } })).toThrow(/keep.weekly/);
        expect(() => normalizeDockerBackupBucketArgs({ repository: repo, memoryMiB: 64 })).toThrow(/memoryMiB/);
        expect(() => normalizeDockerBackupBucketArgs({ repository: repo, noncurrentVersionDays: 0 })).toThrow(/noncurrentVersionDays/);
        expect(() => normalizeDockerBackupBucketArgs({ repository: { kind: "spaces", region: "fra1", bucketName: "Bad_Name" } })).toThrow(/bucketName/);
        expect(() => normalizeDockerBackupBucketArgs({ repository: { kind: "spaces", region: "eu-central-1" } })).toThrow(/region/);
    });
});

describe("Spaces helpers", () => {
    it("builds the lifecycle rules from the noncurrent-version days", () => {
        expect(spacesLifecycleRules(30)).toEqual([
            { id: "noncurrent-versions-and-uploads", enabled: true, noncurrentVersionExpiration: { days: 30 }, abortIncompleteMultipartUploadDays: 7 },
            { id: "expired-delete-markers", enabled: true, expiration: { expiredObjectDeleteMarker: true } },
        ]);
        expect(() => spacesLifecycleRules(0)).toThrow(/at least 1/);
    });

    it("addresses the bucket through the region's S3 endpoint", () => {
        expect(resticSpacesRepository("sgp1", "b")).toBe("s3:https://sgp1.digitaloceanspaces.com/b");
    });
});
