import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { type Maybe, type SlipwayRule, UNKNOWN, ofTypes, read, reportUnknown, stackRule, types } from "../kit";
import { serverAccessLogDestinations } from "./s3-access-logging";
import { listOf, shown } from "./support";

interface Config {
    /** Accept SSE-S3 (AES256) on a bucket an application load balancer of this stack writes its access logs to. */
    allowSseS3ForAlbAccessLogs: boolean;
    /** Accept SSE-S3 (AES256) on a bucket that S3 server access logging of this stack writes to. */
    allowSseS3ForServerAccessLogs: boolean;
    /** Bucket-name prefixes that may use SSE-S3 (AES256), for other log destinations that cannot use SSE-KMS. */
    sseS3BucketPrefixes: string[];
}

const KMS = ["aws:kms", "aws:kms:dsse"];

/** What an encryption configuration says, with its bucket and where to report. */
interface SseConfig {
    urn: string;
    bucket: Maybe<unknown>;
    /** URNs of the resources its `bucket` input references. */
    bucketDeps: string[];
    /** Each rule's default algorithm and bucket-key flag. */
    rules: Maybe<Array<{ algorithm: Maybe<unknown>; bucketKey: Maybe<unknown> }>>;
}

function rulesOf(rawRules: () => unknown[]): SseConfig["rules"] {
    const rules = read(rawRules);
    if (rules === UNKNOWN) return UNKNOWN;
    return rules.map((r: any) => ({
        algorithm: read(() => r?.applyServerSideEncryptionByDefault?.sseAlgorithm),
        bucketKey: read(() => r?.bucketKeyEnabled),
    }));
}

/** The split resources plus a bucket's deprecated inline `serverSideEncryptionConfiguration`. */
function sseConfigs(resources: PolicyResource[]): SseConfig[] {
    const split = ofTypes(resources, types.s3Encryption).map((r): SseConfig => ({
        urn: r.urn,
        bucket: read(() => r.props.bucket),
        bucketDeps: (r.propertyDependencies?.bucket ?? []).map((d) => d.urn),
        rules: rulesOf(() => listOf(r.props.rules)),
    }));
    const inline = ofTypes(resources, types.s3Bucket)
        .filter((b) => read(() => b.props.serverSideEncryptionConfiguration) !== undefined)
        .map((b): SseConfig => ({ urn: b.urn, bucket: read(() => b.props.bucket), bucketDeps: [b.urn], rules: rulesOf(() => listOf(b.props.serverSideEncryptionConfiguration?.rule)) }));
    return [...split, ...inline];
}

/**
 * Buckets that application load balancers deliver access logs to, by name and by the bucket
 * resources their `accessLogs` input references. ALB log delivery only writes to buckets
 * encrypted with SSE-S3 (AES256): it cannot use SSE-KMS, so those buckets are allowed AES256 on
 * this evidence rather than on their name. `unknown` is set when a load balancer's logging cannot
 * be read at preview.
 */
function albLogBuckets(resources: PolicyResource[]): { names: Set<string>; urns: Set<string>; unknown: boolean } {
    const names = new Set<string>();
    const urns = new Set<string>();
    let unknown = false;
    for (const lb of ofTypes(resources, types.loadBalancer)) {
        const kind = read(() => lb.props.loadBalancerType);
        // Network load balancers can log to SSE-KMS buckets, so only ALBs earn the exemption.
        if (kind !== undefined && kind !== UNKNOWN && kind !== "application") continue;
        const enabled = read(() => lb.props.accessLogs?.enabled);
        if (enabled === UNKNOWN || kind === UNKNOWN) unknown = true;
        if (enabled !== true) continue;
        const bucket = read(() => lb.props.accessLogs.bucket);
        const deps = (lb.propertyDependencies?.accessLogs ?? []).filter((d) => (types.s3Bucket as readonly string[]).includes(d.type)).map((d) => d.urn);
        deps.forEach((u) => urns.add(u));
        if (bucket === UNKNOWN) unknown ||= deps.length === 0;
        else if (bucket) names.add(String(bucket));
    }
    return { names, urns, unknown };
}

/** Every bucket has default encryption with SSE-KMS and a bucket key; AES256 only where KMS cannot be used. */
export const s3Encryption: SlipwayRule = stackRule(
    {
        name: "s3-encryption",
        group: "aws",
        description:
            "Every S3 bucket must have a server-side encryption configuration whose default is aws:kms with bucketKeyEnabled; SSE-S3 (AES256) is accepted only on buckets an application load balancer of the stack writes access logs to (ALB log delivery cannot use SSE-KMS), on the target buckets of the stack's S3 server access logging (which cannot deliver to SSE-KMS buckets either), or whose name starts with a configured prefix.",
        sources: ["CKV_AWS_19", "CKV_AWS_145"],
        remediation:
            'Add a BucketServerSideEncryptionConfiguration with rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }]. For another log destination that cannot use SSE-KMS, list its bucket-name prefix in sseS3BucketPrefixes.',
        level: "mandatory",
        configSchema: {
            properties: {
                allowSseS3ForAlbAccessLogs: { type: "boolean", default: true },
                allowSseS3ForServerAccessLogs: { type: "boolean", default: true },
                sseS3BucketPrefixes: { type: "array", items: { type: "string" }, default: [] },
            },
        },
    },
    (args, report) => {
        const cfg = args.getConfig<Config>();
        const alb = albLogBuckets(args.resources);
        const serverLogs = serverAccessLogDestinations(args.resources);
        const configs = sseConfigs(args.resources);

        /** Why SSE-S3 is acceptable on this bucket: true, false, or UNKNOWN when undecidable. */
        const sseS3Allowed = (c: SseConfig): Maybe<boolean> => {
            if (cfg.allowSseS3ForAlbAccessLogs && c.bucketDeps.some((u) => alb.urns.has(u))) return true;
            // Same evidence for S3 server access logging: its target is this bucket.
            if (cfg.allowSseS3ForServerAccessLogs && c.bucketDeps.some((u) => serverLogs.urns.has(u))) return true;
            if (c.bucket === UNKNOWN) return UNKNOWN;
            const name = String(c.bucket ?? "");
            if (cfg.sseS3BucketPrefixes.some((p) => p && name.startsWith(p))) return true;
            if (cfg.allowSseS3ForServerAccessLogs && serverLogs.names.has(name)) return true;
            if (!cfg.allowSseS3ForAlbAccessLogs) return false;
            if (alb.names.has(name)) return true;
            return alb.unknown ? UNKNOWN : false;
        };

        for (const c of configs) {
            const at: ReportViolation = (m) => report(m, c.urn);
            if (c.rules === UNKNOWN) {
                reportUnknown(at, "rules");
                continue;
            }
            if (!c.rules.some((r) => r.algorithm !== undefined && r.algorithm !== null)) {
                at("the encryption configuration has no applyServerSideEncryptionByDefault.sseAlgorithm; set a default encryption of aws:kms.");
                continue;
            }
            for (const r of c.rules) {
                if (r.algorithm === UNKNOWN) {
                    reportUnknown(at, "applyServerSideEncryptionByDefault.sseAlgorithm");
                    continue;
                }
                if (r.algorithm === "AES256") {
                    const allowed = sseS3Allowed(c);
                    if (allowed === UNKNOWN) reportUnknown(at, "The bucket name (or a load balancer's accessLogs.bucket) that would allow AES256 here");
                    else if (!allowed)
                        at(
                            `sseAlgorithm is "AES256" on bucket ${shown(c.bucket)}; use "aws:kms" with a customer-managed key (AES256 is only for ALB or S3 server access-log buckets or configured sseS3BucketPrefixes).`,
                        );
                    continue;
                }
                if (!KMS.includes(String(r.algorithm))) {
                    at(`sseAlgorithm is ${shown(r.algorithm)}; set it to "aws:kms".`);
                    continue;
                }
                // DSSE-KMS does not support S3 Bucket Keys.
                if (r.algorithm === "aws:kms:dsse") continue;
                if (r.bucketKey === UNKNOWN) reportUnknown(at, "bucketKeyEnabled");
                else if (r.bucketKey !== true) at(`bucketKeyEnabled is ${shown(r.bucketKey)} with aws:kms; set it to true to cut KMS requests (and their cost) by orders of magnitude.`);
            }
        }

        // "Exists": a bucket without any configuration gets S3's default SSE-S3, not SSE-KMS. A
        // configuration belongs to a bucket by name or by referencing it (its `bucket` input
        // depends on the bucket resource), which also covers names computed at preview.
        const undecided = configs.some((c) => c.bucket === UNKNOWN && c.bucketDeps.length === 0);
        for (const b of ofTypes(args.resources, types.s3Bucket)) {
            const name = read(() => b.props.bucket);
            const named = name !== UNKNOWN && !!name;
            const covered = configs.some((c) => c.bucketDeps.includes(b.urn) || (named && c.bucket !== UNKNOWN && String(c.bucket) === String(name)));
            if (covered) continue;
            const label = named ? shown(name) : b.name;
            if (undecided) reportUnknown((m) => report(m, b.urn), `Whether bucket ${label} has an encryption configuration (a configuration's bucket)`);
            else report(`bucket ${label} has no server-side encryption configuration; add a BucketServerSideEncryptionConfiguration with aws:kms and bucketKeyEnabled.`, b.urn);
        }
    },
);
