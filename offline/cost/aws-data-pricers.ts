import { baselinePercent, cpuCredits } from "../../components/monitoring/burstable";
import type { RecordedResource } from "../recorder";
import { dollars, notPriced, num, plural, qty, str } from "./basis";
import { type AwsRegionPrices, awsHoursPerMonth as H } from "./prices";
import type { Priced, PricingContext } from "./types";

/** The stateful AWS families: RDS, ElastiCache and S3 storage. */

export function priceRdsInstance(r: RecordedResource, p: AwsRegionPrices): Priced {
    const cls = str(r.inputs.instanceClass) ?? "(no class)";
    const engine = str(r.inputs.engine) ?? "postgres";
    if (engine !== "postgres") return notPriced(`engine ${engine}: only RDS for PostgreSQL is in the price table`);
    const instance = p.rdsPostgresHour[cls];
    if (!instance) return notPriced(`${cls} is not in the price table`);
    const storageType = str(r.inputs.storageType) ?? "gp2";
    const storage = p.rdsStorageGbMonth[storageType];
    if (!storage) return notPriced(`${storageType} storage is not in the price table`);
    if (r.inputs.iops !== undefined) return notPriced("provisioned IOPS are not in the price table");
    const gb = num(r.inputs.allocatedStorage);
    if (gb === undefined) return notPriced("allocated storage is not known at plan time");
    const piDays = num(r.inputs.performanceInsightsRetentionPeriod) ?? 7;
    if (r.inputs.performanceInsightsEnabled === true && piDays > 7) return notPriced(`Performance Insights retention of ${piDays} days is not in the price table`);

    const multiAz = r.inputs.multiAz === true;
    const hourly = multiAz ? instance.multiAz : instance.singleAz;
    const perGb = multiAz ? storage.multiAz : storage.singleAz;
    const deployment = multiAz ? "Multi-AZ" : "Single-AZ";
    // manageMasterUserPassword: RDS keeps the master password in a Secrets Manager secret of its
    // own, billed like any secret, which the graph holds no resource for.
    const masterSecret = r.inputs.manageMasterUserPassword === true ? p.secretMonth.usd : 0;
    return {
        usd: H * hourly.usd + gb * perGb.usd + masterSecret,
        basis:
            `${cls} ${deployment} ${H} h × ${dollars(hourly)} + ${gb} GB ${storageType} ${deployment} × ${dollars(perGb)}` +
            (masterSecret > 0 ? ` + the RDS-managed master-password secret ${dollars(p.secretMonth)}` : "") +
            `; automated backups up to ${gb} GB and 7 days of Performance Insights at no charge` +
            surplusCreditsNote(cls, p),
    };
}

/**
 * RDS runs T classes in unlimited mode: CPU above the baseline over 24 hours is billed as
 * surplus credits. How much depends on load the graph cannot tell, so the estimate assumes use
 * within the baseline and says so, with the price and the worst case (every vCPU busy all
 * month), rather than count a figure it cannot know. The Monitoring component's
 * rds-cpu-surplus-credits alarm reports the first charged credit.
 */
function surplusCreditsNote(cls: string, p: AwsRegionPrices): string {
    const credits = cpuCredits(cls);
    if (!credits) return "";
    const worst = credits.vcpus * H * (1 - baselinePercent(credits) / 100) * p.rdsSurplusCreditVcpuHour.usd;
    return (
        `; assumes CPU within the ${baselinePercent(credits)}% baseline of ${cls} (unlimited mode): above it, surplus credits at ` +
        `${dollars(p.rdsSurplusCreditVcpuHour)}/vCPU-hour, up to $${worst.toFixed(2)}/month with all ${credits.vcpus} vCPUs busy all month, not estimated`
    );
}

export function priceElastiCacheReplicationGroup(r: RecordedResource, p: AwsRegionPrices): Priced {
    const nodeType = str(r.inputs.nodeType) ?? "(no node type)";
    const node = p.elastiCacheNodeHour[nodeType];
    if (!node) return notPriced(`${nodeType} is not in the price table`);
    const engine = str(r.inputs.engine) ?? "redis";
    const hourly = engine === "valkey" ? node.valkey : node.redis;
    const nodes = num(r.inputs.numCacheClusters) ?? (num(r.inputs.numNodeGroups) ?? 1) * ((num(r.inputs.replicasPerNodeGroup) ?? 0) + 1);
    const snapshots = num(r.inputs.snapshotRetentionLimit) ?? 0;
    return {
        usd: nodes * H * hourly.usd,
        basis:
            `${plural(nodes, "node")} ${nodeType} (${engine}) × ${H} h × ${dollars(hourly)}` +
            (snapshots > 1 ? `; one snapshot per cluster at no charge, the other ${snapshots - 1} days at $0.085/GB-month not estimated` : ""),
    };
}

// ---- S3 ----

interface Segment {
    storageClass: string;
    /** Days an object spends in the class. */
    days: number;
    /** Days billed: the class's minimum storage duration when it is deleted from there earlier. */
    billedDays: number;
}

interface LifecycleRule {
    status?: string;
    filter?: { prefix?: string; and?: unknown; tag?: unknown; objectSizeGreaterThan?: number; objectSizeLessThan?: number };
    prefix?: string;
    expiration?: { days?: number };
    transitions?: { days?: number; storageClass?: string }[];
    noncurrentVersionExpiration?: { noncurrentDays?: number };
}

/**
 * How long an object written today spends in each storage class before it is deleted, from
 * the bucket's lifecycle rules. With versioning on, expiry only makes the object noncurrent:
 * it is deleted `noncurrentDays` later, still in its last class. Undefined when objects are
 * never deleted (the stored total then has no steady-state split).
 */
function lifecycleSegments(rules: LifecycleRule[], versioned: boolean, minimumDays: Record<string, number>): Segment[] | undefined {
    const enabled = rules.filter((rule) => rule.status !== "Disabled");
    const expiry = enabled.map((rule) => rule.expiration?.days).find((d) => d !== undefined);
    if (expiry === undefined) return undefined;
    const noncurrent = enabled.map((rule) => rule.noncurrentVersionExpiration?.noncurrentDays).find((d) => d !== undefined);
    if (versioned && noncurrent === undefined) return undefined;
    const lifetime = expiry + (versioned ? (noncurrent ?? 0) : 0);
    const transitions = enabled
        .filter(wholeBucket)
        .flatMap((rule) => rule.transitions ?? [])
        .filter((t): t is { days: number; storageClass: string } => t.days !== undefined && !!t.storageClass && t.days < lifetime)
        .sort((a, b) => a.days - b.days);
    const starts = [{ days: 0, storageClass: "STANDARD" }, ...transitions];
    return starts.map((start, i) => {
        const end = starts[i + 1]?.days ?? lifetime;
        const days = end - start.days;
        const last = i === starts.length - 1;
        return { storageClass: start.storageClass, days, billedDays: last ? Math.max(days, minimumDays[start.storageClass] ?? 0) : days };
    });
}

/** A rule with no prefix, tag or size filter: it moves every object, so the stored total splits by it. */
function wholeBucket(rule: LifecycleRule): boolean {
    const f = rule.filter ?? {};
    return !rule.prefix && !f.prefix && f.and === undefined && f.tag === undefined && f.objectSizeGreaterThan === undefined && f.objectSizeLessThan === undefined;
}

/**
 * Transitions the estimate does not credit: those of rules limited to some objects (which
 * share of the stored GB they hold is not known), or all of them when objects never expire
 * by lifecycle (a restic repository: its own retention decides how long packs live). Storage
 * is then priced as Standard, an upper bound; the cold class's retrieval fees ($0.03/GB for
 * Glacier IR) on restores and repacks are left out, as they are on restores elsewhere.
 */
function uncreditedTransitions(rules: LifecycleRule[], computed: boolean): string {
    const moves = rules.filter((rule) => rule.status !== "Disabled" && (!computed || !wholeBucket(rule)) && (rule.transitions ?? []).length > 0);
    if (moves.length === 0) return "";
    const what = moves.flatMap((rule) =>
        (rule.transitions ?? []).map((t) => {
            const f = rule.filter ?? {};
            const and = (f.and ?? {}) as { prefix?: string; objectSizeGreaterThan?: number };
            const prefix = rule.prefix ?? f.prefix ?? and.prefix;
            const over = f.objectSizeGreaterThan ?? and.objectSizeGreaterThan;
            const scope = [prefix ? `under ${prefix}` : "", over !== undefined ? `over ${over.toLocaleString("en-US")} bytes` : ""].filter(Boolean).join(" ");
            return `${scope || "all objects"} to ${humanClass[t.storageClass ?? ""] ?? t.storageClass} after ${t.days} d`;
        }),
    );
    return `the move of objects ${what.join("; ")} is not credited`;
}

const humanClass: Record<string, string> = { STANDARD: "Standard", STANDARD_IA: "Standard-IA", GLACIER_IR: "Glacier IR", GLACIER: "Glacier", DEEP_ARCHIVE: "Deep Archive" };

/**
 * Bytes of one S3 server access log record: the documented fields (bucket, time, requester,
 * key, request URI, user agent, …) come to 300–500 bytes; the upper end is taken.
 */
export const serverAccessLogRecordBytes = 500;

/**
 * A bucket that S3 server access logging writes to: a record per request to the logged
 * bucket (its s3Put/GetRequestsThousands), kept until the lifecycle expires it. The logging
 * and its deliveries are free; only the storage is billed.
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html, "no extra charge")
 */
function priceServerAccessLogBucket(r: RecordedResource, p: AwsRegionPrices, ctx: PricingContext, sources: number): Priced {
    const name = str(r.inputs.bucket);
    const rules = (ctx.graph.ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find((x) => name !== undefined && x.inputs.bucket === name)?.inputs.rules ??
        []) as LifecycleRule[];
    const days = rules
        .filter((rule) => rule.status !== "Disabled" && wholeBucket(rule))
        .map((rule) => rule.expiration?.days)
        .find((d) => d !== undefined);
    if (days === undefined) return notPriced("a server access-log bucket whose logs never expire: its size grows without bound");
    const { s3PutRequestsThousands: puts, s3GetRequestsThousands: gets } = ctx.assumptions;
    const monthlyGb = (sources * (puts + gets) * 1000 * serverAccessLogRecordBytes) / 1e9;
    const stored = (monthlyGb * days * 12) / 365;
    return {
        usd: stored * p.s3GbMonth.STANDARD.usd,
        basis:
            `server access logs of ${plural(sources, "bucket")}: (${puts} + ${gets}) thousand requests (s3PutRequestsThousands + s3GetRequestsThousands) × ${serverAccessLogRecordBytes} bytes ` +
            `= ${qty(monthlyGb)} GB/month, kept ${days} days: ${qty(stored)} GB Standard × ${dollars(p.s3GbMonth.STANDARD)}; log delivery has no charge`,
    };
}

/** Which stored-GB assumption a bucket draws on, from what uses it. */
function bucketRole(r: RecordedResource, ctx: PricingContext): { gb: number; key: string } | undefined {
    const name = str(r.inputs.bucket);
    if (ctx.graph.componentOf(r)?.type === "slipway:components:BackupBucket") return { gb: ctx.assumptions.backupStorageGb, key: "backupStorageGb" };
    const logsBucket = ctx.graph
        .ofType("aws:lb/loadBalancer:LoadBalancer")
        .some((lb) => name !== undefined && (lb.inputs.accessLogs as { bucket?: string } | undefined)?.bucket === name);
    if (logsBucket) return { gb: ctx.assumptions.accessLogsStorageGb, key: "accessLogsStorageGb" };
    return undefined;
}

export function priceS3Bucket(r: RecordedResource, p: AwsRegionPrices, ctx: PricingContext): Priced {
    const loggedInto = ctx.graph
        .ofType("aws:s3/bucketLogging:BucketLogging")
        .filter((l) => ctx.graph.dependsOn(l, r) && str(l.inputs.targetBucket) === str(r.inputs.bucket) && str(l.inputs.bucket) !== str(r.inputs.bucket)).length;
    if (loggedInto > 0) return priceServerAccessLogBucket(r, p, ctx, loggedInto);
    const role = bucketRole(r, ctx);
    if (!role) return notPriced("a bucket of unknown use: no stored-GB assumption for it");
    const name = str(r.inputs.bucket);
    const forBucket = (type: string) => ctx.graph.ofType(type).find((x) => name !== undefined && x.inputs.bucket === name);
    const rules = (forBucket("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")?.inputs.rules ?? []) as LifecycleRule[];
    const versioning = forBucket("aws:s3/bucketVersioning:BucketVersioning")?.inputs.versioningConfiguration as { status?: string } | undefined;
    const computed = lifecycleSegments(rules, versioning?.status === "Enabled", p.s3MinimumDays);
    const segments = computed ?? [{ storageClass: "STANDARD", days: 1, billedDays: 1 }];
    const lifetime = segments.reduce((sum, s) => sum + s.days, 0);

    let usd = 0;
    const parts: string[] = [];
    for (const s of segments) {
        const perGb = p.s3GbMonth[s.storageClass];
        if (!perGb) return notPriced(`storage class ${s.storageClass} is not in the price table`);
        const gb = (role.gb * s.days) / lifetime;
        usd += ((gb * s.billedDays) / s.days) * perGb.usd;
        const minimum = s.billedDays > s.days ? ` × ${s.billedDays}/${s.days} (${s.billedDays}-day minimum)` : "";
        parts.push(`${qty(gb)} GB ${humanClass[s.storageClass] ?? s.storageClass} × ${dollars(perGb)}${minimum}`);
    }
    const puts = ctx.assumptions.s3PutRequestsThousands;
    const gets = ctx.assumptions.s3GetRequestsThousands;
    usd += puts * p.s3PutPer1000.usd + gets * p.s3GetPer1000.usd;
    const uncredited = uncreditedTransitions(rules, computed !== undefined);
    const split = !computed
        ? ` (objects never expire by lifecycle: all Standard, an upper bound${uncredited ? `; ${uncredited}` : ""})`
        : (segments.length > 1 ? ` (${segments.map((s) => `${s.days} d ${humanClass[s.storageClass] ?? s.storageClass}`).join(", ")})` : "") + (uncredited ? ` (${uncredited})` : "");
    return {
        usd,
        basis: `${role.gb} GB stored (${role.key})${split}: ${parts.join(" + ")} + ${puts} thousand PUT × ${dollars(p.s3PutPer1000)} + ${gets} thousand GET × ${dollars(p.s3GetPer1000)}`,
    };
}
