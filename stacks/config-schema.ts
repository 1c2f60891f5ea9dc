import { z } from "zod";
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
    image: pinnedImage(),
    port: intIn(1, 65535),
    replicas: intIn(1, 100),
    maxReplicas: intIn(1, 200),
    healthPath: pattern(/^\/[\w./-]*$/, "an absolute URL path such as /health", 256),
    cpu: z.union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)], {
        error: "one of the Fargate CPU sizes 256, 512, 1024, 2048, 4096",
    }),
    memoryMiB: intIn(128, 30720),
    env: z.record(envName(), z.string({ error: "a string" }), { error: mapError("a map of NAME: value") }),
}).partial();

export const networkSchema = obj({
    cidr: cidr(),
    azCount: z.union([z.literal(2), z.literal(3)], { error: "an integer from 2 to 3" }),
    nat: oneOf(["per-az", "single", "none"]),
    flowLogRetentionDays: logRetention(),
    subnets: obj({
        public: z.array(cidr(), { error: "a list of CIDR blocks" }),
        private: z.array(cidr(), { error: "a list of CIDR blocks" }),
        isolated: z.array(cidr(), { error: "a list of CIDR blocks" }),
    }).partial(),
}).partial();

export const webSchema = obj({
    rateLimitPerMinute: intIn(10, 100_000),
    hostedZoneId: pattern(/^Z[A-Z0-9]{1,31}$/, "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ", 32),
    certificateArn: pattern(/^arn:aws[\w-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, "an ACM certificate ARN"),
    logRetentionDays: logRetention(),
    accessLogsRetentionDays: intIn(1, 3650),
}).partial();

export const databaseSchema = obj({
    engineVersion: oneOf(["14", "15", "16", "17"]),
    instanceClass: pattern(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "an RDS instance class such as db.t4g.medium", 64),
    storageGb: intIn(20, 65536),
    maxStorageGb: intIn(20, 65536),
    backupRetentionDays: intIn(1, 35),
    multiAz: bool(),
    deletionProtection: bool(),
    readReplica: bool(),
    performanceInsights: bool(),
    slowQueryMs: intIn(-1, 3_600_000),
}).partial();

export const cacheSchema = obj({
    engine: oneOf(["valkey", "redis"]),
    engineVersion: pattern(/^\d+\.\d+$/, "a major.minor engine version such as 8.0", 16),
    nodeType: pattern(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, "an ElastiCache node type such as cache.t4g.small", 64),
    replicas: intIn(0, 5),
    multiAz: bool(),
    snapshotRetentionDays: intIn(0, 35),
}).partial();

export const monitoringSchema = obj({
    alarmEmails: z.array(email(), { error: "a list of email addresses" }),
    error5xxPercent: intIn(1, 100),
    latencyP95Ms: intIn(10, 60_000),
    cpuPercent: intIn(1, 100),
    memoryPercent: intIn(1, 100),
    /** Docker targets: how long Prometheus keeps samples. */
    retentionDays: intIn(1, 3650),
    /** Docker targets: SMTP relay for Alertmanager's email receiver, host:port. */
    smtpSmarthost: pattern(/^[a-z0-9.-]+:\d{1,5}$/, "an SMTP relay as host:port, e.g. smtp.example.com:587", 260),
    smtpFrom: email(),
    smtpUsername: z.string({ error: "a string" }).min(1, { error: "a non-empty string" }).max(256, { error: "at most 256 characters" }),
}).partial();

export const backupsSchema = obj({
    retentionDays: intIn(1, 3650),
    noncurrentVersionDays: intIn(1, 3650),
    transitionToColdAfterDays: intIn(1, 3650),
}).partial();

const sshPublicKey = () =>
    pattern(
        /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,3}( [^\n]*)?$/,
        "an OpenSSH public key line such as ssh-ed25519 AAAA… you@laptop",
        16384,
    );

export const vpsSchema = obj({
    region: pattern(/^[a-z]{3}\d$/, "a DigitalOcean region slug such as fra1", 8),
    size: pattern(/^[a-z0-9]+(-[a-z0-9]+)*$/, "a droplet size slug such as s-2vcpu-4gb", 64),
    image: pattern(/^[a-z0-9]+(-[a-z0-9]+)*$/, "a droplet image slug such as ubuntu-24-04-x64", 64),
    volumeSizeGb: intIn(10, 16384),
    swapGb: intIn(0, 64),
    dropletBackups: bool(),
    sshPublicKeys: z.array(sshPublicKey(), { error: "a list of OpenSSH public key lines" }),
    sshAllowedCidrs: z.array(cidr(), { error: "a list of CIDR blocks allowed to reach SSH, e.g. [203.0.113.7/32]" }).min(1, {
        error: "at least one CIDR block allowed to reach SSH, e.g. [203.0.113.7/32]",
    }),
    dnsZone: hostname(),
    letsEncrypt: oneOf(["staging", "production"]),
    acmeEmail: email(),
}).partial();

export const localSchema = obj({
    httpPort: intIn(1024, 65535),
    httpsPort: intIn(1024, 65535),
    dataDir: pattern(/^(\/|~\/)[\w./-]*$/, "an absolute directory such as /home/me/.slipway/local (or ~/…)", 1024),
}).partial();

/** A non-negative monthly quantity, e.g. GB per month; the unit is named in the error. */
const amount = (max: number, unit: string) => {
    const expected = `a number from 0 to ${max} (${unit})`;
    return z.number({ error: expected }).min(0, { error: expected }).max(max, { error: expected });
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
    serviceLogsGb: amount(1_000_000, "GB ingested per month into each database or cache log group"),
    backupStorageGb: amount(10_000_000, "GB of backups stored"),
    accessLogsStorageGb: amount(10_000_000, "GB of load balancer access logs stored"),
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
    target: oneOf(targets),
    environment: oneOf(environments),
    domain: hostname(),
    owner: pattern(/^[\w .@-]{1,128}$/, "a team or person name (letters, digits, spaces, . @ - _)", 128),
    app: appSchema,
    appSecrets: z.record(envName(), z.string({ error: "a string" }), { error: mapError("a map of NAME: secret value") }),
    network: networkSchema,
    web: webSchema,
    database: databaseSchema,
    cache: cacheSchema,
    monitoring: monitoringSchema,
    backups: backupsSchema,
    vps: vpsSchema,
    local: localSchema,
    alertWebhookUrl: pattern(/^https:\/\/\S+$/, "an https:// URL (Slack or any webhook receiver)", 2048),
    smtpPassword: z.string({ error: "a string" }).min(1, { error: "a non-empty string" }),
    costAssumptions: costAssumptionsSchema,
    tags: z.record(tagKey, z.string({ error: "a string of at most 256 characters" }).max(256, { error: "a string of at most 256 characters" }), {
        error: mapError("a map of tag key: value"),
    }),
}).partial();

export type RawStackConfig = z.infer<typeof stackConfigSchema>;

/** Keys whose value must be set with `pulumi config set --secret` (never plain text). */
export const secretKeys = ["appSecrets", "alertWebhookUrl", "smtpPassword"] as const;

/** Plain `app.env` names that look like credentials: they belong in `appSecrets`. */
export const secretLookingEnvName = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)/;
