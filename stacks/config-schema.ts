import { z } from "zod";
import { userKeyLinePattern, userKeyProblem } from "../components/host/ssh-keys";
import { elastiCacheNodeTypeCatalog } from "../components/cache/node-types";
import { rdsPostgresInstanceClassCatalog } from "../components/database/instance-classes";
import { dropletImageCatalog } from "../components/host/droplet-images";
import { dropletRegionCatalog } from "../components/host/droplet-regions";
import { dropletSizeCatalog } from "../components/host/droplet-sizes";
import { awsRegionCatalog } from "../components/shared/aws-regions";
import { type Catalog, didYouMean, inCatalog } from "../components/shared/catalog";
import { cloudWatchRetentionDays, isCloudWatchRetention } from "../components/shared/cloudwatch";

/**
 * The one schema for a Slipway stack's config: every `slipway:*` key, parsed before any
 * resource is registered. Each leaf's error text is the "expected …" half of the message a
 * user sees (`Pulumi.prod.yaml: slipway:database.backupRetentionDays is 0; expected an
 * integer from 1 to 35`), so it is written for them. Component-level defaults live in each
 * component's `normalize…Args`; only target-dependent defaults are applied here.
 */

export const targets = ["aws", "vps", "local"] as const;
export type Target = (typeof targets)[number];

export const environments = ["production", "staging", "development"] as const;
export type Environment = (typeof environments)[number];

// ---- the reference text of each key ----

/**
 * What docs/config-reference.md (`npm run docs:config`) says about a key, beside the type and
 * allowed values it reads from the schema itself.
 */
export interface ConfigKeyDoc {
    /** What the key does, for the person writing the stack file. */
    description: string;
    /** The value used when the key is not set: a literal, or a phrase when it depends on the target. */
    default?: string;
    /** When the key must be set (stacks/config.ts enforces it), e.g. "target is aws or vps". */
    requiredWhen?: string;
}

/** Every documented key schema, with its reference text (zod 4 metadata registry). */
export const configDocs = z.registry<ConfigKeyDoc>();

/** Attaches the reference text to a key's schema (the same schema instance, registered). */
const doc = <S extends z.ZodType>(schema: S, text: ConfigKeyDoc): S => {
    configDocs.add(schema as z.ZodType, text);
    return schema;
};

// ---- leaf builders: each carries its own "expected" sentence ----

const intIn = (min: number, max: number) => {
    const expected = `an integer from ${min} to ${max}`;
    return z.number({ error: expected }).int({ error: expected }).min(min, { error: expected }).max(max, { error: expected });
};

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, { error: `one of ${values.map((v) => JSON.stringify(v)).join(", ")}` });

/** A retention period CloudWatch Logs accepts. */
const logRetention = () => {
    const expected = `one of ${cloudWatchRetentionDays.join(", ")}`;
    return z.number({ error: expected }).refine(isCloudWatchRetention, { error: expected });
};

const bool = () => z.boolean({ error: "true or false" });

const pattern = (re: RegExp, expected: string, maxLength = 2048) =>
    z.string({ error: expected }).max(maxLength, { error: expected }).regex(re, { error: expected });

/** A strict object: unknown keys are errors that list the keys that are allowed. */
const obj = <S extends z.ZodRawShape>(shape: S) =>
    z.strictObject(shape, {
        error: (issue) =>
            issue.code === "unrecognized_keys"
                ? `one of the keys ${Object.keys(shape).join(", ")}`
                : `an object with the keys ${Object.keys(shape).join(", ")}`,
    });

/** A map's own error text; a bad key keeps the key schema's text. */
const mapError = (expected: string) => (issue: { code: string }) => (issue.code === "invalid_key" ? undefined : expected);

const hostnameRe = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.[a-z]{2,63}$/;
const hostname = () => pattern(hostnameRe, "a lowercase DNS name such as app.example.com", 253);

/** Images must be pinned: a tag other than `latest`, or a digest. */
const imageRe =
    /^([a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:(?!latest$)[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const pinnedImage = () =>
    pattern(imageRe, "an image reference pinned to a tag other than latest or to a digest, e.g. ghcr.io/acme/web:1.4.2").refine(
        (s) => /@sha256:|:[\w][\w.-]*$/.test(s.replace(/^[^/]*:[0-9]+\//, "")),
        { error: "an image reference pinned to a tag other than latest or to a digest, e.g. ghcr.io/acme/web:1.4.2" },
    );

/**
 * A value the cloud has, from its dated catalog (components/…): anything else is refused here,
 * at plan time, instead of half-way through `pulumi up`. Short catalogs are listed in full;
 * long ones (instance classes, sizes) name an example and the file, and a close value is
 * offered ("did you mean …?").
 */
const fromCatalog = (catalog: Catalog, file?: { example: string; path: string }) => {
    const expected = file
        ? `${catalog.what} such as ${file.example} (the catalog of ${catalog.read} in ${file.path})`
        : `${catalog.what} (catalog of ${catalog.read}): ${catalog.values.join(", ")}`;
    return z.string({ error: expected }).superRefine((value, ctx) => {
        if (!inCatalog(catalog, value)) ctx.addIssue({ code: "custom", message: `${expected}${didYouMean(value, catalog.values)}`, input: value });
    });
};

/** `aws:region` (a provider key, checked by stacks/provider-config.ts with this leaf). */
export const awsRegionSchema = fromCatalog(awsRegionCatalog);

const envName = () => pattern(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name in UPPER_SNAKE_CASE", 128);

const cidr = () =>
    pattern(
        /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/([0-9]|[12]\d|3[0-2])$/,
        "an IPv4 CIDR block such as 10.0.0.0/16",
        18,
    );

const email = () => z.email({ error: "an email address such as ops@example.com" });

// ---- sections ----

export const appSchema = obj({
    image: doc(pinnedImage(), {
        description: "The app's container image, pinned by tag or digest. The deploy workflow pins it to the digest it deploys.",
        default: "local: the sample app built from app/",
        requiredWhen: "target is aws or vps",
    }),
    port: doc(intIn(1, 65535), { description: "The port the app listens on inside its container (1024 or above on aws).", default: "8080" }),
    replicas: doc(intIn(1, 100), { description: "App containers (aws: Fargate tasks, the autoscaling minimum; at least 2 there).", default: "2" }),
    maxReplicas: doc(intIn(1, 200), { description: "aws: the autoscaling maximum. Not used on one Docker host.", default: "10" }),
    healthPath: doc(pattern(/^\/[\w./-]*$/, "an absolute URL path such as /health", 256), {
        description: "The app's health endpoint, probed by the load balancer or nginx and by the container health check.",
        default: "/health",
    }),
    cpu: doc(
        z.union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)], {
            error: "one of the Fargate CPU sizes 256, 512, 1024, 2048, 4096",
        }),
        { description: "CPU units per replica (1024 = one vCPU): the Fargate task size on aws, the relative CPU weight on Docker.", default: "512" },
    ),
    memoryMiB: doc(intIn(128, 30720), { description: "Memory per replica in MiB: the Fargate task size on aws, the container limit on Docker.", default: "1024" }),
    env: doc(z.record(envName(), z.string({ error: "a string" }), { error: mapError("a map of NAME: value") }), {
        description: "Plain environment variables for the app. Credentials belong in appSecrets; names that look like credentials are refused here.",
        default: "{}",
    }),
}).partial();

export const networkSchema = obj({
    cidr: doc(cidr(), { description: "The VPC's address range, /16 to /24.", default: "10.0.0.0/16" }),
    azCount: doc(z.union([z.literal(2), z.literal(3)], { error: "an integer from 2 to 3" }), {
        description: "Availability zones the VPC, the tasks, the database and the cache span.",
        default: "3",
    }),
    nat: doc(oneOf(["per-az", "single", "none"]), {
        description: "NAT gateways for the private subnets: one per zone (survives a zone loss), one in total (cheaper), or none (tasks then need VPC endpoints).",
        default: "per-az",
    }),
    flowLogRetentionDays: doc(logRetention(), { description: "Days CloudWatch keeps the VPC flow logs (10-minute records).", default: "90" }),
    subnets: doc(
        obj({
            public: doc(z.array(cidr(), { error: "a list of CIDR blocks" }), { description: "The load balancer's subnets, one per zone.", default: "planned from network.cidr" }),
            private: doc(z.array(cidr(), { error: "a list of CIDR blocks" }), { description: "The tasks' subnets (egress through NAT), one per zone.", default: "planned from network.cidr" }),
            isolated: doc(z.array(cidr(), { error: "a list of CIDR blocks" }), {
                description: "The database's and cache's subnets (no route to the internet), one per zone.",
                default: "planned from network.cidr",
            }),
        }).partial(),
        { description: "Explicit subnet blocks, each list with one block per zone inside network.cidr; tiers left out are planned around them.", default: "planned from network.cidr: private largest, then isolated, then public" },
    ),
}).partial();

export const webSchema = obj({
    rateLimitPerMinute: doc(intIn(10, 100_000), {
        description:
            "Requests one client IP may make per minute (aws: sustained over web.wafRateWindowSeconds, then WAF blocks the IP; Docker: nginx limit_req, 429 past its burst). Leave room for offices and carrier-grade NAT, where many users share one address.",
        default: "aws: 1000; Docker: 100",
    }),
    wafRateWindowSeconds: doc(z.union([z.literal(60), z.literal(120), z.literal(300), z.literal(600)], { error: "one of 60, 120, 300, 600" }), {
        description: "aws: how far back the WAF rate rule counts an IP's requests; it blocks above rateLimitPerMinute × window / 60 in the window, so a longer window forgives bursts.",
        default: "300",
    }),
    wafCountedRules: doc(z.array(pattern(/^[A-Za-z0-9_-]{1,128}$/, "a WAF rule name such as SizeRestrictions_BODY", 128), { error: "a list of rule names" }), {
        description: "aws: rules of AWSManagedRulesCommonRuleSet that only count (logged, not blocked). The default keeps SizeRestrictions_BODY from blocking every request body over 8 KB.",
        default: "[SizeRestrictions_BODY]",
    }),
    wafLogRetentionDays: doc(logRetention(), {
        description: "aws: days the WAF log (blocked and counted requests, authorization and cookie headers redacted, KMS-encrypted) is kept.",
        default: "90",
    }),
    hostedZoneId: doc(pattern(/^Z[A-Z0-9]{1,31}$/, "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ", 32), {
        description:
            "aws: the Route 53 zone of domain; the certificate is validated through it (pulumi up waits for issuance) and an alias record points domain at the load balancer. Set it or web.certificateArn.",
        default: "none: then web.certificateArn is required",
        requiredWhen: "target is aws and web.certificateArn is not set",
    }),
    certificateArn: doc(pattern(/^arn:aws[\w-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, "an ACM certificate ARN"), {
        description: "aws: an issued ACM certificate for domain in the stack's aws:region, used instead of requesting one; point domain at the load balancer yourself unless web.hostedZoneId is set.",
        default: "a certificate is requested and validated through web.hostedZoneId",
        requiredWhen: "target is aws and web.hostedZoneId is not set",
    }),
    logRetentionDays: doc(logRetention(), { description: "aws: days CloudWatch keeps the app's logs.", default: "90" }),
    accessLogsRetentionDays: doc(intIn(1, 3650), { description: "aws: days the load balancer's access logs stay in their S3 bucket.", default: "90" }),
}).partial();

export const databaseSchema = obj({
    engineVersion: doc(oneOf(["14", "15", "16", "17"]), {
        description: "PostgreSQL major version. The Docker targets run the pinned image's major only.",
        default: "16",
    }),
    instanceClass: doc(fromCatalog(rdsPostgresInstanceClassCatalog, { example: "db.t4g.medium", path: "components/database/instance-classes.ts" }), {
        description: "aws: the RDS instance class; it also sizes the connections alarm.",
        default: "db.t4g.medium",
    }),
    storageGb: doc(intIn(20, 65536), { description: "aws: allocated gp3 storage in GB. Docker: sizes max_wal_size.", default: "50" }),
    maxStorageGb: doc(intIn(20, 65536), { description: "aws: the storage autoscaling ceiling in GB (at least storageGb).", default: "200" }),
    backupRetentionDays: doc(intIn(1, 35), { description: "aws: days of automated RDS backups, the window for point-in-time restore.", default: "30" }),
    multiAz: doc(bool(), { description: "aws: a synchronous standby in another zone with automatic failover.", default: "true" }),
    deletionProtection: doc(bool(), { description: "aws: RDS refuses to delete the instance until this is turned off.", default: "true when environment is production" }),
    readReplica: doc(bool(), { description: "aws: add a read replica in another zone.", default: "false" }),
    performanceInsights: doc(bool(), { description: "aws: Performance Insights. Docker: loads pg_stat_statements.", default: "true" }),
    slowQueryMs: doc(intIn(-1, 3_600_000), { description: "Log statements slower than this many milliseconds (log_min_duration_statement); -1 turns it off.", default: "500" }),
    memoryMiB: doc(intIn(256, 262_144), {
        description: "Docker targets: the PostgreSQL container's memory limit in MiB; shared_buffers, effective_cache_size and work_mem are derived from it. Counted in the host memory budget.",
        default: "a quarter of the host's memory",
    }),
}).partial();

export const cacheSchema = obj({
    engine: doc(oneOf(["valkey", "redis"]), { description: "aws: the ElastiCache engine. Docker runs the pinned Redis image whatever this says.", default: "valkey" }),
    engineVersion: doc(pattern(/^\d+\.\d+$/, "a major.minor engine version such as 8.0", 16), {
        description: "aws: the engine version.",
        default: "8.0 for valkey, 7.1 for redis",
    }),
    nodeType: doc(fromCatalog(elastiCacheNodeTypeCatalog, { example: "cache.t4g.small", path: "components/cache/node-types.ts" }), {
        description: "aws: the ElastiCache node type.",
        default: "cache.t4g.small",
    }),
    replicas: doc(intIn(0, 5), { description: "aws: read replicas beside the primary (at least 1 while multiAz is true).", default: "1" }),
    multiAz: doc(bool(), { description: "aws: automatic failover to a replica in another zone.", default: "true" }),
    snapshotRetentionDays: doc(intIn(0, 35), { description: "Days of cache snapshots to keep (aws); on Docker 0 turns RDB snapshots off.", default: "7" }),
    memoryMiB: doc(intIn(64, 262_144), {
        description: "Docker targets: the Redis container's memory limit in MiB; maxmemory is three quarters of it. Counted in the host memory budget.",
        default: "a sixteenth of the host's memory, at least 64",
    }),
}).partial();

export const monitoringSchema = obj({
    alarmEmails: doc(z.array(email(), { error: "a list of email addresses" }), {
        description: "Who gets alarms by email (aws: SNS subscriptions to confirm; Docker: Alertmanager, which needs smtpSmarthost).",
        default: "[]",
    }),
    error5xxPercent: doc(intIn(1, 100), { description: "Alarm when this share of requests, in percent, is answered with a 5xx.", default: "5" }),
    latencyP95Ms: doc(intIn(10, 60_000), { description: "Alarm when the app's 95th-percentile response time exceeds this many milliseconds.", default: "500" }),
    cpuPercent: doc(intIn(1, 100), { description: "Alarm when the app's (aws: the service's) CPU use stays above this percentage.", default: "80" }),
    memoryPercent: doc(intIn(1, 100), { description: "Alarm when the app's memory use stays above this percentage.", default: "90" }),
    retentionDays: doc(intIn(1, 3650), { description: "Docker targets: days Prometheus keeps samples.", default: "15" }),
    smtpSmarthost: doc(pattern(/^[a-z0-9.-]+:\d{1,5}$/, "an SMTP relay as host:port, e.g. smtp.example.com:587", 260), {
        description: "Docker targets: the SMTP relay Alertmanager sends alarm emails through.",
        default: "none: no email on the Docker targets",
    }),
    smtpFrom: doc(email(), { description: "Docker targets: the sender of alarm emails.", default: "alerts@<domain>" }),
    smtpUsername: doc(z.string({ error: "a string" }).min(1, { error: "a non-empty string" }).max(256, { error: "at most 256 characters" }), {
        description: "Docker targets: the SMTP login; its password is smtpPassword.",
        default: "no authentication",
    }),
    slackChannel: doc(pattern(/^#[a-z0-9][a-z0-9._-]{0,79}$/, "a Slack channel such as #ops-alerts", 81), {
        description: "vps: the Slack channel DigitalOcean's off-host uptime alert posts to through alertSlackWebhookUrl (DigitalOcean needs the channel); Alertmanager posts to the webhook's own channel.",
        default: "none: the uptime alert goes to alarmEmails only",
    }),
    silent: doc(bool(), {
        description:
            "true deploys with no alert receiver (Docker: alerts only in Alertmanager's UI; aws: alarms on a topic nobody is subscribed to). Without a receiver (alertSlackWebhookUrl, alertWebhookUrl, or alarmEmails — with smtpSmarthost on Docker) the stack is refused unless this is true. Not allowed on vps nor in an aws production stack: a site that is down must page someone.",
        default: "false",
    }),
}).partial();

export const backupsSchema = obj({
    memoryMiB: doc(intIn(128, 65_536), {
        description: "Docker targets: the backup container's memory limit in MiB (pg_dump and restic). Counted in the host memory budget.",
        default: "256",
    }),
    retentionDays: doc(intIn(1, 3650), {
        description: "Days backups are kept: it sets the monthly restic snapshots the nightly job keeps (7 daily and 4 weekly besides), on every target.",
        default: "90",
    }),
    noncurrentVersionDays: doc(intIn(1, 3650), { description: "Days an overwritten or deleted backup object stays recoverable as a noncurrent version.", default: "30" }),
    transitionToColdAfterDays: doc(intIn(1, 3650), { description: "aws: days before backups move to a colder storage class (fewer than retentionDays).", default: "30" }),
    pointInTimeRecovery: doc(bool(), {
        description:
            "Docker targets: archive PostgreSQL's WAL to the backup store every minute with pgBackRest (base backups nightly), so a restore can reach any second of the last 7 days, not just last night's dump. aws: RDS does this itself.",
        default: "true",
    }),
}).partial();

// The key types the droplet's sshd accepts (PubkeyAcceptedAlgorithms, RequiredRSASize): one table.
const sshPublicKey = () =>
    pattern(userKeyLinePattern, "an OpenSSH public key line such as ssh-ed25519 AAAA… you@laptop", 16384).superRefine((key, ctx) => {
        const problem = userKeyProblem(key);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
    });

export const vpsSchema = obj({
    region: doc(fromCatalog(dropletRegionCatalog), { description: "The droplet's (and the backup bucket's) DigitalOcean region.", default: "nyc3" }),
    size: doc(fromCatalog(dropletSizeCatalog, { example: "s-2vcpu-4gb", path: "components/host/droplet-sizes.ts" }), {
        description: "The droplet size; its memory is shared out between the app replicas, PostgreSQL, Redis and monitoring, and the plan refuses a payload that does not fit in it (all limits, the roll surge and an OS reserve).",
        default: "s-2vcpu-4gb",
    }),
    image: doc(fromCatalog(dropletImageCatalog), {
        description: "The droplet's operating system image; changing it rebuilds the droplet (the data volume stays).",
        default: "ubuntu-24-04-x64",
    }),
    volumeSizeGb: doc(intIn(10, 16384), { description: "The protected data volume (database, Redis, certificates, Prometheus) in GB.", default: "50" }),
    swapGb: doc(intIn(0, 64), { description: "Swap file size in GB; 0 for none.", default: "2" }),
    dropletBackups: doc(bool(), { description: "DigitalOcean's weekly droplet backups (20% of the droplet price), besides the nightly database backups.", default: "true" }),
    sshPublicKeys: doc(z.array(sshPublicKey(), { error: "a list of OpenSSH public key lines" }), {
        description: "Keys that may log in as the deploy user; Pulumi drives Docker over SSH with the one in your ssh-agent.",
        requiredWhen: "target is vps",
    }),
    sshAllowedCidrs: doc(
        z.array(cidr(), { error: "a list of CIDR blocks allowed to reach SSH, e.g. [203.0.113.7/32]" }).min(1, {
            error: "at least one CIDR block allowed to reach SSH, e.g. [203.0.113.7/32]",
        }),
        { description: "Addresses the cloud firewall lets reach SSH, including the machine that runs pulumi (your CI runner).", requiredWhen: "target is vps" },
    ),
    dnsZone: doc(hostname(), { description: "A DigitalOcean DNS zone holding domain; an A record for domain is created in it.", default: "none: point domain at the reserved IP yourself" }),
    letsEncrypt: doc(oneOf(["staging", "production"]), {
        description: "Let's Encrypt issuer: staging (untrusted certificates, no rate limits) or production.",
        default: "production when environment is production, else staging",
    }),
    acmeEmail: doc(email(), { description: "The Let's Encrypt account's contact address. Let's Encrypt no longer emails expiry notices (since June 2025): the TlsCertificateExpiringSoon alert (14 days before expiry) is what watches renewal.", requiredWhen: "target is vps" }),
}).partial();

export const localSchema = obj({
    httpPort: doc(intIn(1024, 65535), { description: "The loopback port nginx publishes for HTTP (redirects to HTTPS).", default: "8080" }),
    httpsPort: doc(intIn(1024, 65535), { description: "The loopback port nginx publishes for HTTPS (different from httpPort).", default: "8443" }),
    dataDir: doc(pattern(/^(\/|~\/)[\w./-]*$/, "an absolute directory such as /home/me/.slipway/local (or ~/…)", 1024), {
        description: "Where the local stack keeps its data, configs and backup repository.",
        default: "~/.slipway/<stack>",
    }),
    memoryMiB: doc(intIn(1024, 1_048_576), {
        description:
            "The memory the local payload is planned for, in MiB: PostgreSQL and Redis are sized from it and every container's limit, the roll surge and an OS reserve must fit in it (a fixed figure, not this machine's, so a plan is the same everywhere).",
        default: "4096",
    }),
}).partial();

/** A non-negative monthly quantity, e.g. GB per month; the unit is named in the error. */
const amount = (max: number, unit: string) => {
    const expected = `a number from 0 to ${max} (${unit})`;
    return doc(z.number({ error: expected }).min(0, { error: expected }).max(max, { error: expected }), {
        description: `Cost estimate usage assumption: ${unit}.`,
        default: "the figure documented in offline/cost/assumptions.ts",
    });
};

/**
 * Usage the cost estimate cannot read from the graph (offline/cost/assumptions.ts documents
 * each default). Monthly figures; "per …" keys apply to each resource of that kind.
 */
export const costAssumptionsSchema = obj({
    dataTransferOutGb: amount(10_000_000, "GB per month served to the internet"),
    requestsMillions: amount(1_000_000, "million HTTP requests per month"),
    albLcus: amount(100_000, "average load balancer capacity units"),
    natProcessedGb: amount(10_000_000, "GB per month through the NAT gateways, all together"),
    appLogsGb: amount(1_000_000, "GB of app logs ingested per month"),
    flowLogsGb: amount(1_000_000, "GB of VPC flow logs ingested per month"),
    wafLogsGb: amount(1_000_000, "GB of WAF log (blocked and counted requests) ingested per month"),
    serviceLogsGb: amount(1_000_000, "GB ingested per month into each AWS service log group: database, cache, Container Insights, scheduled jobs"),
    backupStorageGb: amount(10_000_000, "GB of backups stored"),
    accessLogsStorageGb: amount(10_000_000, "GB of load balancer access logs stored"),
    imageStorageGb: amount(1_000_000, "GB of container images stored per ECR repository"),
    s3PutRequestsThousands: amount(10_000_000, "thousand PUT/LIST requests per month per bucket"),
    s3GetRequestsThousands: amount(10_000_000, "thousand GET requests per month per bucket"),
    secretsApiCallsThousands: amount(10_000_000, "thousand API calls per month per secret"),
    kmsRequestsThousands: amount(10_000_000, "thousand requests per month per KMS key"),
    containerInsightsMetrics: amount(100_000, "Container Insights metrics per cluster"),
    averageTasks: amount(200, "app tasks running on average; default the desired count"),
}).partial();

const tagKey = pattern(/^(?!aws:)[\w .:/=+@-]{1,128}$/, "a tag key of 1–128 characters not starting with aws:", 128);

/** The whole `slipway:` namespace, key by key (the keys of `Pulumi.<stack>.yaml`). */
export const stackConfigSchema = obj({
    target: doc(oneOf(targets), { description: "Which topology the stack deploys: aws (multi-AZ AWS), vps (one DigitalOcean droplet) or local (the local Docker daemon).", requiredWhen: "always" }),
    environment: doc(oneOf(environments), {
        description: "production protects stateful resources and turns deletion protection on.",
        default: "production on aws, development elsewhere",
    }),
    domain: doc(hostname(), { description: "The app's DNS name.", default: "local: app.localhost", requiredWhen: "target is aws or vps" }),
    owner: doc(pattern(/^[\w .@-]{1,128}$/, "a team or person name (letters, digits, spaces, . @ - _)", 128), {
        description: "The owning team, tagged on every taggable resource.",
        default: "unowned",
        requiredWhen: "target is aws",
    }),
    app: doc(appSchema, { description: "The app container." }),
    appSecrets: doc(z.record(envName(), z.string({ error: "a string" }), { error: mapError("a map of NAME: secret value") }), {
        description: "Secret environment variables for the app (aws: Secrets Manager; Docker: container env). Set each with `pulumi config set --secret --path 'appSecrets.NAME' VALUE`.",
        default: "{}",
    }),
    network: doc(networkSchema, { description: "aws: the VPC." }),
    web: doc(webSchema, { description: "The edge: rate limits, DNS and certificates, logs." }),
    database: doc(databaseSchema, { description: "PostgreSQL: RDS on aws, a container on Docker." }),
    cache: doc(cacheSchema, { description: "Redis-compatible cache: ElastiCache on aws, a container on Docker." }),
    monitoring: doc(monitoringSchema, { description: "Alarm thresholds and who is told." }),
    backups: doc(backupsSchema, { description: "The backup bucket (S3 on aws, Spaces on vps, a local restic repository on local)." }),
    vps: doc(vpsSchema, { description: "vps: the DigitalOcean droplet." }),
    local: doc(localSchema, { description: "local: ports and data directory on this machine." }),
    alertSlackWebhookUrl: doc(pattern(/^https:\/\/hooks\.slack\.com\/\S+$/, "a Slack incoming-webhook URL such as https://hooks.slack.com/services/T…/B…/…", 2048), {
        description:
            "A Slack incoming webhook. Docker targets: Alertmanager posts alerts there with its Slack integration (slack_configs, URL read from a 0600 file); on vps DigitalOcean's uptime alert posts there too, to monitoring.slackChannel. aws: the alarm forwarder (a Lambda subscribed to the alarm topic, URL in Secrets Manager) posts every alarm and recovery there. A secret.",
        default: "no Slack",
    }),
    alertWebhookUrl: doc(pattern(/^https:\/\/(?!hooks\.slack\.com\/)\S+$/, "an https:// URL of a receiver of Alertmanager's webhook JSON (for Slack use alertSlackWebhookUrl: Slack rejects that JSON)", 2048), {
        description:
            "A generic webhook that gets every alert as Alertmanager's webhook JSON (not Slack: use alertSlackWebhookUrl): from Alertmanager on Docker targets, from the alarm forwarder (a Lambda, URL in Secrets Manager) on aws. A secret.",
        default: "no webhook",
    }),
    alertDeadMansSwitchUrl: doc(pattern(/^https:\/\/\S+$/, "an https:// URL of a dead man's switch such as https://hc-ping.com/<uuid>", 2048), {
        description:
            "Docker targets: a dead man's switch (healthchecks.io style). Alertmanager sends the always-firing Watchdog alert there every minute and nowhere else; the service alerts you when the pings stop (host, Prometheus or Alertmanager down). A secret.",
        default: "none: Watchdog goes nowhere",
    }),
    smtpPassword: doc(z.string({ error: "a string" }).min(1, { error: "a non-empty string" }), {
        description: "Docker targets: the password of monitoring.smtpUsername at monitoring.smtpSmarthost.",
        default: "no password",
    }),
    costAssumptions: doc(costAssumptionsSchema, { description: "Monthly usage the plan's cost estimate cannot read from the stack (npm run plan)." }),
    tags: doc(
        z.record(tagKey, z.string({ error: "a string of at most 256 characters" }).max(256, { error: "a string of at most 256 characters" }), {
            error: mapError("a map of tag key: value"),
        }),
        { description: "Extra tags for every taggable resource, beside project, stack, owner, environment and managed-by.", default: "{}" },
    ),
}).partial();

export type RawStackConfig = z.infer<typeof stackConfigSchema>;

/** Keys whose value must be set with `pulumi config set --secret` (never plain text). */
export const secretKeys = ["appSecrets", "alertSlackWebhookUrl", "alertWebhookUrl", "alertDeadMansSwitchUrl", "smtpPassword"] as const;

/** Plain `app.env` names that look like credentials: they belong in `appSecrets`. */
export const secretLookingEnvName = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)/;

/**
 * Provider keys that hold credentials: refused in plain text like the `slipway:` secrets
 * (stacks/provider-config.ts). The AWS provider itself treats all three of its keys as secrets
 * (`@pulumi/aws` Provider wraps accessKey, secretKey and token in `pulumi.secret`); the Spaces
 * access id is half of a key pair whose other half is the secret key, and the README sets it
 * with `--secret` too.
 */
export const providerSecretKeys = ["aws:accessKey", "aws:secretKey", "aws:token", "digitalocean:token", "digitalocean:spacesAccessId", "digitalocean:spacesSecretKey"] as const;

/**
 * The command that stores a secret key, fitted to the key's shape: `--path` with a `.NAME`
 * only for a map (`appSecrets`: one secret per name); a string key is set whole, since
 * `--path 'alertWebhookUrl.NAME'` would store an object the schema refuses. A `slipway:` key
 * is named without its namespace (the project's own, which `pulumi config set` assumes); a
 * provider key keeps its namespace.
 *
 * @example secretHint("appSecrets") // "pulumi config set --secret --path 'appSecrets.NAME' VALUE"
 * @example secretHint("digitalocean:token") // "pulumi config set --secret digitalocean:token VALUE"
 */
export function secretHint(key: string): string {
    const name = key.startsWith("slipway:") ? key.slice("slipway:".length) : key;
    if (name.includes(":")) return `pulumi config set --secret ${name} VALUE`;
    const shape = stackConfigSchema.shape as Record<string, z.ZodType>;
    let field = shape[name];
    if (field === undefined) throw new Error(`secretHint: slipway:${name} is not a key of the schema`);
    while (field instanceof z.ZodOptional) field = field.unwrap() as z.ZodType;
    return field instanceof z.ZodRecord ? `pulumi config set --secret --path '${name}.NAME' VALUE` : `pulumi config set --secret ${name} VALUE`;
}
