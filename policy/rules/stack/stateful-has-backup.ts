import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { type SlipwayRule, UNKNOWN, read, stackRule, types } from "../kit";
import { bucketName, isS3Bucket, isSpacesBucket, s3Versioned, spacesVersioned } from "./buckets";
import { dockerEnv, dockerLabels, entries, label, ofType, parseJson, path, prop, runsImage } from "./resources";

interface Settings {
    requireOffBox: "auto" | "always" | "never";
    postgresImages: string[];
    offBoxSchemes: string[];
}

/** Providers whose resources mean the stack runs somewhere other than this machine. */
const CLOUD_PREFIXES = ["aws:", "digitalocean:", "gcp:", "azure:", "azure-native:", "hcloud:", "linode:", "vultr:", "scaleway:"];

/**
 * Off-box backups matter where the box can be lost: a cloud stack or a remote Docker host
 * (`ssh://`, `tcp://`). The `local` target (the laptop's own daemon, no cloud resource) keeps its
 * restic repository in a directory on purpose: it is for trying Slipway, and there is no other
 * box to send backups to. `requireOffBox: always` demands it there too; `never` never.
 */
function offBoxRequired(args: StackValidationArgs, mode: Settings["requireOffBox"]): boolean {
    if (mode !== "auto") return mode === "always";
    if (args.resources.some((r) => CLOUD_PREFIXES.some((p) => r.type.startsWith(p)))) return true;
    const dockerProviders = [...args.resources.filter((r) => r.type === "pulumi:providers:docker"), ...args.resources.map((r) => r.provider)];
    return dockerProviders.some((p) => {
        if (!p || p.type !== "pulumi:providers:docker") return false;
        const host = parseJson(read(() => p.props.host));
        // An unknown host is typically a droplet's address computed at deploy time: remote.
        return host === UNKNOWN || (typeof host === "string" && /^(ssh|tcp|https?):\/\//.test(host));
    });
}

/** The names a container answers to on its networks (container name, network aliases). */
function hostNames(c: PolicyResource): Set<string> {
    const names = new Set<string>();
    const name = prop(c, "name");
    if (typeof name === "string") names.add(name);
    const hostname = prop(c, "hostname");
    if (typeof hostname === "string") names.add(hostname);
    const nets = entries(prop(c, "networksAdvanced"));
    for (const n of nets === UNKNOWN ? [] : (nets ?? [])) {
        const aliases = entries(path(n, "aliases"));
        for (const a of aliases === UNKNOWN ? [] : (aliases ?? [])) if (typeof a === "string") names.add(a);
    }
    return names;
}

/** A backup job: the BackupBucket's container (by its label) or any container with a restic repository. */
function isBackupJob(c: PolicyResource): boolean {
    const labels = dockerLabels(c);
    if (labels !== UNKNOWN && labels.get("slipway.component") === "BackupBucket") return true;
    return dockerEnv(c).vars.has("RESTIC_REPOSITORY");
}

/** Whether the job dumps this database: its PGHOST names it (no PGHOST, or an unknown one, means the stack's database). */
function covers(job: PolicyResource, db: PolicyResource): boolean {
    const host = dockerEnv(job).vars.get("PGHOST");
    return host === undefined || hostNames(db).has(host);
}

type Verdict = { ok: true } | { ok: false; unknown: boolean; message: string };

/** Whether a bucket in the stack is versioned, as a verdict for the job. */
function versionedVerdict(resources: PolicyResource[], b: PolicyResource): Verdict {
    const v = isSpacesBucket(b) ? spacesVersioned(b) : s3Versioned(resources, b);
    if (v === true) return { ok: true };
    if (v === UNKNOWN) return { ok: false, unknown: true, message: `the versioning of ${label(b)} is unknown during preview` };
    return { ok: false, unknown: false, message: `its repository bucket ${label(b)} is not versioned (a deleted or overwritten backup cannot be recovered)` };
}

/** The bucket a restic `s3:` repository names: `s3:https://fra1.digitaloceanspaces.com/<bucket>/…`. */
export function repositoryBucket(repository: string): string | undefined {
    if (!repository.startsWith("s3:")) return undefined;
    const rest = repository.slice(3).replace(/^https?:\/\//, "");
    return rest.split("/")[1] || undefined;
}

/** Whether the job's repository is off the box and in a versioned bucket of this stack. */
function offBoxVerdict(resources: PolicyResource[], job: PolicyResource, s: Settings): Verdict {
    const env = dockerEnv(job);
    const repo = env.vars.get("RESTIC_REPOSITORY");
    const buckets = resources.filter((r) => isS3Bucket(r) || isSpacesBucket(r));
    if (repo === undefined) {
        // Computed at deploy time (a bucket name with a random suffix): what is known is which
        // bucket the environment is built from, so that bucket is where the repository lives.
        const fromBuckets = (job.propertyDependencies?.envs ?? []).filter((d) => isS3Bucket(d) || isSpacesBucket(d));
        if (fromBuckets.length) {
            const verdicts = fromBuckets.map((b) => versionedVerdict(resources, buckets.find((x) => x.urn === b.urn) ?? b));
            return verdicts.find((v) => v.ok) ?? verdicts[0];
        }
        if (env.unknown) return { ok: false, unknown: true, message: "RESTIC_REPOSITORY is unknown during preview" };
        return { ok: false, unknown: false, message: "it has no RESTIC_REPOSITORY, so nothing says where the backups go" };
    }
    if (!s.offBoxSchemes.some((scheme) => repo.startsWith(scheme))) {
        return {
            ok: false,
            unknown: false,
            message: `RESTIC_REPOSITORY is "${repo}", a directory on the same host: it is lost with the host; use an off-box bucket (${s.offBoxSchemes.join(", ")}…)`,
        };
    }
    const name = repositoryBucket(repo);
    const bucket = buckets.find((b) => (isSpacesBucket(b) ? prop(b, "name") : bucketName(b)) === name);
    if (!bucket) {
        return {
            ok: false,
            unknown: false,
            message: `RESTIC_REPOSITORY is "${repo}", whose bucket is not managed in this stack, so its versioning cannot be verified; manage the bucket (versioned) in the stack`,
        };
    }
    return versionedVerdict(resources, bucket);
}

function checkRds(args: StackValidationArgs, report: (m: string, urn: string) => void): void {
    const databases = ofType(args.resources, [...types.rdsInstance, ...types.rdsCluster]).filter((r) => {
        // A read replica's backups are its source's; it may legitimately keep none.
        const source = prop(r, "replicateSourceDb");
        return source === UNKNOWN || !source;
    });
    if (databases.length === 0) return;
    const versioned = ofType(args.resources, types.s3Bucket).map((b) => s3Versioned(args.resources, b));
    for (const db of databases) {
        const days = prop(db, "backupRetentionPeriod");
        if (days === UNKNOWN) report(`${label(db)}: backupRetentionPeriod is unknown during preview, so its backups cannot be verified; set it to a known value.`, db.urn);
        else if (typeof days !== "number" || days < 1) {
            report(`${label(db)} has backupRetentionPeriod ${JSON.stringify(days ?? "unset")}; a database needs automated backups: at least 1 day.`, db.urn);
        }
        if (versioned.includes(true)) continue;
        if (versioned.includes(UNKNOWN)) report(`${label(db)}: the versioning of the stack's S3 buckets is unknown during preview, so the backup bucket cannot be verified.`, db.urn);
        else report(`${label(db)} has no versioned S3 bucket in the stack for its backups and exports; add a BackupBucket (S3 with versioning Enabled).`, db.urn);
    }
}

function checkDocker(args: StackValidationArgs, s: Settings, report: (m: string, urn: string) => void): void {
    const containers = ofType(args.resources, types.dockerContainer);
    // An image unknown at preview is one built in the stack (the app, a job): databases run a pinned upstream image.
    const databases = containers.filter((c) => runsImage(c, s.postgresImages) === true);
    if (databases.length === 0) return;
    const jobs = containers.filter(isBackupJob);
    const offBox = offBoxRequired(args, s.requireOffBox);
    for (const db of databases) {
        const mine = jobs.filter((j) => covers(j, db));
        if (mine.length === 0) {
            report(
                `${label(db)} runs PostgreSQL with no backup job: no container with RESTIC_REPOSITORY (such as the BackupBucket's) has PGHOST pointing at it (${[...hostNames(db)].join(", ") || "no name"}).`,
                db.urn,
            );
            continue;
        }
        if (!offBox) continue;
        const verdicts = mine.map((j) => ({ job: j, v: offBoxVerdict(args.resources, j, s) }));
        if (verdicts.some((x) => x.v.ok)) continue;
        const { job, v } = verdicts[0];
        if (v.ok) continue;
        report(
            v.unknown
                ? `${label(db)}: its backup job ${label(job)} cannot be verified as off-box and versioned: ${v.message}; set it to a known value.`
                : `${label(db)}: its backup job ${label(job)} is not an off-box, versioned backup path: ${v.message}.`,
            db.urn,
        );
    }
}

/** Every database has a backup path to a versioned bucket, off the box where the box can be lost. */
export const statefulHasBackup: SlipwayRule = stackRule(
    {
        name: "stateful-has-backup",
        group: "stack",
        description:
            "Every database must have a backup path to a versioned bucket: RDS with automated backups (≥ 1 day) and a versioned S3 bucket in the stack; a PostgreSQL container with a backup job (restic) whose repository is an off-box, versioned bucket (off-box is required on cloud stacks and remote Docker hosts, not on the local target).",
        sources: ["CKV_AWS_133", "FSBP RDS.11", "CIS Controls v8 11.2", "CIS Controls v8 11.4"],
        remediation:
            "RDS: set backupRetentionPeriod ≥ 1 and add a BackupBucket (S3, versioning Enabled). Docker: add a BackupBucket with repository { kind: \"spaces\" } (a private, versioned Spaces bucket) so the job's RESTIC_REPOSITORY is s3:…; a local directory is accepted only on the local target.",
        level: "mandatory",
        configSchema: {
            properties: {
                requireOffBox: {
                    type: "string",
                    enum: ["auto", "always", "never"],
                    default: "auto",
                    description: "auto: backups must be off-box when the stack has cloud resources or a remote Docker host.",
                },
                postgresImages: {
                    type: "array",
                    items: { type: "string" },
                    default: ["postgres", "postgis/postgis", "timescale/timescaledb", "pgvector/pgvector"],
                    description: "Image repositories that are PostgreSQL databases.",
                },
                offBoxSchemes: {
                    type: "array",
                    items: { type: "string" },
                    default: ["s3:", "b2:", "gs:", "azure:", "swift:", "rest:", "sftp:", "rclone:"],
                    description: "restic repository prefixes that live off the host.",
                },
            },
        },
    },
    (args, report) => {
        const s = args.getConfig<Settings>();
        checkRds(args, report);
        checkDocker(args, s, report);
    },
);
