import type { PolicyResource } from "@pulumi/policy";
import { type Maybe, type SlipwayRule, UNKNOWN, ofTypes, read, reportUnknown, stackRule, types } from "../kit";
import { repositoryBucket } from "../stack/stateful-has-backup";
import { componentKind, label } from "../stack/resources";
import { shown } from "./support";

/** S3 server access logging settings (provider v7 and the deprecated v6 alias). */
export const bucketLoggingTypes = ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"] as const;

/** Where server access logs go: the buckets named as `targetBucket`, by name and by the bucket resources referenced. */
export interface LogDestinations {
    names: Set<string>;
    urns: Set<string>;
    /** A logging configuration's target is unknown at preview and is not a reference either. */
    unknown: boolean;
}

export function serverAccessLogDestinations(resources: PolicyResource[]): LogDestinations {
    const out: LogDestinations = { names: new Set(), urns: new Set(), unknown: false };
    for (const l of ofTypes(resources, bucketLoggingTypes)) {
        const deps = (l.propertyDependencies?.targetBucket ?? []).filter((d) => (types.s3Bucket as readonly string[]).includes(d.type));
        deps.forEach((d) => out.urns.add(d.urn));
        const target = read(() => l.props.targetBucket);
        if (target === UNKNOWN) out.unknown ||= deps.length === 0;
        else if (typeof target === "string" && target) out.names.add(target);
    }
    return out;
}

/** Whether a logging configuration is about this bucket: by reference, or by a known, equal name. */
function logsBucket(l: PolicyResource, bucket: PolicyResource): Maybe<boolean> {
    if ((l.propertyDependencies?.bucket ?? []).some((d) => d.urn === bucket.urn)) return true;
    const name = read(() => bucket.props.bucket);
    const source = read(() => l.props.bucket);
    if (source === UNKNOWN) return UNKNOWN;
    return name !== UNKNOWN && name !== undefined && source === name;
}

/**
 * The buckets that hold data backups: those of a Slipway BackupBucket component, and any bucket
 * a task definition of the stack names as its restic repository (`RESTIC_REPOSITORY=s3:…/<bucket>/…`).
 */
function backupBuckets(resources: PolicyResource[]): PolicyResource[] {
    const repositoryNames = new Set<string>();
    for (const td of ofTypes(resources, ["aws:ecs/taskDefinition:TaskDefinition"])) {
        const raw = read(() => td.props.containerDefinitions);
        if (typeof raw !== "string") continue;
        let containers: { environment?: { name?: string; value?: string }[] }[] = [];
        try {
            containers = JSON.parse(raw);
        } catch {
            continue;
        }
        for (const c of Array.isArray(containers) ? containers : []) {
            for (const e of c.environment ?? []) {
                const bucket = e.name === "RESTIC_REPOSITORY" && typeof e.value === "string" ? repositoryBucket(e.value) : undefined;
                if (bucket) repositoryNames.add(bucket);
            }
        }
    }
    return ofTypes(resources, types.s3Bucket).filter((b) => {
        const name = read(() => b.props.bucket);
        return componentKind(b) === "BackupBucket" || (typeof name === "string" && repositoryNames.has(name));
    });
}

/** Every bucket holding data backups has server access logging, into another bucket. */
export const s3AccessLogging: SlipwayRule = stackRule(
    {
        name: "s3-access-logging",
        group: "aws",
        description:
            "Every S3 bucket holding data backups (a BackupBucket component's, or a task's restic repository) must have server access logging (a BucketLogging whose bucket is it) into a different bucket, so every read of the copy of production data is recorded.",
        sources: ["FSBP S3.9", "CKV_AWS_18"],
        remediation:
            'Add an aws.s3.BucketLogging with bucket: backups.bucket, targetBucket: a dedicated log bucket (SSE-S3, versioned, public access blocked, a policy letting only logging.s3.amazonaws.com write with aws:SourceArn/aws:SourceAccount) and targetPrefix "s3-access/". The BackupBucket component does this.',
        level: "mandatory",
    },
    (args, report) => {
        const loggings = ofTypes(args.resources, bucketLoggingTypes);
        for (const bucket of backupBuckets(args.resources)) {
            const mine = loggings.map((l) => ({ l, v: logsBucket(l, bucket) }));
            // The component's own log bucket is where another bucket's logs go, not a copy of the data.
            const others = serverAccessLogDestinations(mine.filter((x) => x.v === false).map((x) => x.l));
            const name = read(() => bucket.props.bucket);
            if (others.urns.has(bucket.urn) || (typeof name === "string" && others.names.has(name))) continue;
            const at = (m: string) => report(m, bucket.urn);
            const linked = mine.filter((x) => x.v === true).map((x) => x.l);
            if (linked.length === 0) {
                if (mine.some((x) => x.v === UNKNOWN)) reportUnknown(at, `Whether ${label(bucket)} has server access logging (a BucketLogging's bucket)`);
                else at(`${label(bucket)} holds data backups but has no server access logging (BucketLogging whose bucket is this bucket): nobody can tell who read them.`);
                continue;
            }
            for (const l of linked) {
                const self = (l.propertyDependencies?.targetBucket ?? []).some((d) => d.urn === bucket.urn);
                const target = read(() => l.props.targetBucket);
                if (self || (target !== UNKNOWN && target !== undefined && target === name)) {
                    at(`${label(bucket)} logs its access into itself (${l.name}): each delivery is logged again, and whoever can delete backups can delete the record; log into a dedicated bucket.`);
                } else if (target === UNKNOWN && !(l.propertyDependencies?.targetBucket ?? []).length) {
                    reportUnknown(at, `The targetBucket of ${l.name}`);
                } else if (target === undefined || target === "") {
                    at(`${l.name} has targetBucket ${shown(target)}; name the dedicated log bucket.`);
                }
            }
        }
    },
);
