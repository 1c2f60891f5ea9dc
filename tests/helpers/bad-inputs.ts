import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * Bad inputs a user can give, each one mutation of a shipped stack file (or a broken command
 * line), with the exit code and the one line `npm run plan` must print for it. The guard in
 * tests/unit/bad-inputs.test.ts runs every row; scripts/bad-inputs.ts prints them as a table.
 * `{file}` in a message stands for the config path as given on the command line.
 */
export interface BadInput {
    /** What the user did, as the table shows it. */
    input: string;
    /** The shipped stack the mutation starts from. */
    stack: "prod" | "dev" | "local";
    /** The stack file's text after the mutation; undefined keeps the --config-file path missing. */
    mutate?: (text: string) => string;
    exit: number;
    /** The exact one line on stderr. */
    message: string;
}

const root = resolve(__dirname, "../..");
export const shippedStackText = (stack: string): string => readFileSync(resolve(root, `Pulumi.${stack}.yaml`), "utf8");

/** Replaces one exact line fragment; throws when the shipped file no longer has it (the row must be updated). */
export function swap(from: string, to: string): (text: string) => string {
    return (text) => {
        if (!text.includes(from)) throw new Error(`bad-inputs: the shipped file no longer contains ${JSON.stringify(from)}`);
        return text.replace(from, to);
    };
}
/** Inserts lines after an exact line. */
export const after = (line: string, added: string): ((text: string) => string) => swap(line, `${line}\n${added}`);

export const badInputs: BadInput[] = [
    { stack: "prod", input: "app.cpu 512 → 300 (not a Fargate size)", mutate: swap("    cpu: 512", "    cpu: 300"), exit: 2, message: "{file}: slipway:app.cpu is 300; expected one of the Fargate CPU sizes 256, 512, 1024, 2048, 4096" },
    { stack: "prod", input: "app.memoryMiB 1024 → 5120 (does not fit cpu 512 on Fargate)", mutate: swap("    memoryMiB: 1024", "    memoryMiB: 5120"), exit: 2, message: "{file}: slipway:app.memoryMiB is 5120; expected a Fargate memory size for cpu 512: 1024, 2048, 3072, 4096" },
    { stack: "prod", input: "app.replicas 3 → 1 (aws runs at least 2 tasks)", mutate: swap("    replicas: 3", "    replicas: 1"), exit: 2, message: "{file}: slipway:app.replicas is 1; expected at least 2 on aws, so one task can fail or deploy while another serves" },
    { stack: "prod", input: "app.port 8080 → 80 (below 1024, non-root app)", mutate: swap("    port: 8080", "    port: 80"), exit: 2, message: "{file}: slipway:app.port is 80; expected a port from 1024 to 65535: the app runs as a non-root user without capabilities and cannot bind below 1024" },
    { stack: "prod", input: "app.maxReplicas 12 → 2 (below replicas)", mutate: swap("    maxReplicas: 12", "    maxReplicas: 2"), exit: 2, message: "{file}: slipway:app.maxReplicas is 2; expected at least app.replicas (3)" },
    { stack: "prod", input: "network.cidr → 10.20.0.0/25 (too small for the subnets)", mutate: swap("    cidr: 10.20.0.0/16", "    cidr: 10.20.0.0/25"), exit: 2, message: "{file}: slipway:network.cidr is \"10.20.0.0/25\"; expected a VPC block from /16 to /24 (AWS allows no larger; smaller leaves no room for 9 subnets)" },
    { stack: "prod", input: "network.cidr → 10.20.0.1/16 (host bits set)", mutate: swap("    cidr: 10.20.0.0/16", "    cidr: 10.20.0.1/16"), exit: 2, message: "{file}: slipway:network.cidr is \"10.20.0.1/16\"; expected a network address with no host bits set, such as 10.0.0.0/16" },
    { stack: "prod", input: "network.cidr → 10.0.0.0/8 (larger than AWS allows)", mutate: swap("    cidr: 10.20.0.0/16", "    cidr: 10.0.0.0/8"), exit: 2, message: "{file}: slipway:network.cidr is \"10.0.0.0/8\"; expected a VPC block from /16 to /24 (AWS allows no larger; smaller leaves no room for 9 subnets)" },
    { stack: "prod", input: "network.nat per-az → sometimes", mutate: swap("    nat: per-az", "    nat: sometimes"), exit: 2, message: "{file}: slipway:network.nat is \"sometimes\"; expected one of \"per-az\", \"single\", \"none\"" },
    { stack: "prod", input: "network.azCount 3 → 4", mutate: swap("    azCount: 3", "    azCount: 4"), exit: 2, message: "{file}: slipway:network.azCount is 4; expected an integer from 2 to 3" },
    { stack: "prod", input: "database.storageGb 100 → 600 (above maxStorageGb 500)", mutate: swap("    storageGb: 100", "    storageGb: 600"), exit: 2, message: "{file}: slipway:database.maxStorageGb is 500; expected at least database.storageGb (600)" },
    { stack: "prod", input: "database.instanceClass → db.t4g", mutate: swap("    instanceClass: db.t4g.large", "    instanceClass: db.t4g"), exit: 2, message: "{file}: slipway:database.instanceClass is \"db.t4g\"; expected an RDS for PostgreSQL instance class such as db.t4g.medium (the catalog of 2025-06-01 in components/database/instance-classes.ts)" },
    { stack: "prod", input: "database.backupRetentionDays 30 → 0", mutate: swap("    backupRetentionDays: 30", "    backupRetentionDays: 0"), exit: 2, message: "{file}: slipway:database.backupRetentionDays is 0; expected an integer from 1 to 35" },
    { stack: "prod", input: "cache.replicas 1 → 0 (multiAz needs a replica)", mutate: swap("    replicas: 1\n  slipway:monitoring", "    replicas: 0\n  slipway:monitoring"), exit: 2, message: "{file}: slipway:cache.replicas is 0; expected at least 1 while cache.multiAz is true (Multi-AZ needs a replica to fail over to)" },
    { stack: "prod", input: "cache.engineVersion 6.2 (not a Valkey version)", mutate: after("    nodeType: cache.t4g.medium", "    engineVersion: \"6.2\""), exit: 2, message: "{file}: slipway:cache.engineVersion is \"6.2\"; expected a major.minor version of valkey with major 7 or 8 or 9, e.g. \"8.0\"" },
    { stack: "prod", input: "cache.nodeType → m5.large", mutate: swap("    nodeType: cache.t4g.medium", "    nodeType: m5.large"), exit: 2, message: "{file}: slipway:cache.nodeType is \"m5.large\"; expected an ElastiCache node type such as cache.t4g.small (the catalog of 2025-06-01 in components/cache/node-types.ts); did you mean \"cache.m5.large\"?" },
    { stack: "prod", input: "web.wafLogRetentionDays 15 (not a CloudWatch retention)", mutate: after("    rateLimitPerMinute: 1000", "    wafLogRetentionDays: 15"), exit: 2, message: "{file}: slipway:web.wafLogRetentionDays is 15; expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653" },
    { stack: "prod", input: "web.hostedZoneId removed (nothing validates the certificate)", mutate: swap("    hostedZoneId: Z0123456789ABCDEFGHIJ\n", ""), exit: 2, message: "{file}: slipway:web.hostedZoneId is missing; expected the Route 53 hosted zone id of app.example.com (pulumi up validates the certificate through it), or set slipway:web.certificateArn to an issued ACM certificate in us-east-1" },
    { stack: "prod", input: "web.rateLimitPerMinute 1000 → 5", mutate: swap("    rateLimitPerMinute: 1000", "    rateLimitPerMinute: 5"), exit: 2, message: "{file}: slipway:web.rateLimitPerMinute is 5; expected an integer from 10 to 100000" },
    { stack: "prod", input: "aws:region → mars-1", mutate: swap("  aws:region: us-east-1", "  aws:region: mars-1"), exit: 2, message: "{file}: aws:region is \"mars-1\"; expected a commercial AWS region (catalog of 2025-06-01): af-south-1, ap-east-1, ap-east-2, ap-northeast-1, ap-northeast-2, ap-northeast-3, ap-south-1, ap-south-2, ap-southeast-1, ap-southeast-2, ap-southeast-3, ap-southeast-4, ap-southeast-5, ap-southeast-6, ap-southeast-7, ca-central-1, ca-west-1, eu-central-1, eu-central-2, eu-north-1, eu-south-1, eu-south-2, eu-west-1, eu-west-2, eu-west-3, il-central-1, me-central-1, me-south-1, mx-central-1, sa-east-1, us-east-1, us-east-2, us-west-1, us-west-2" },
    { stack: "prod", input: "monitoring.alarmEmails removed (no receiver)", mutate: swap("  slipway:monitoring:\n    alarmEmails:\n      - oncall@example.com\n", ""), exit: 2, message: "{file}: slipway:monitoring.silent is missing and no alert receiver is set, so every alarm would notify a topic nobody reads; expected slipway:monitoring.alarmEmails (SNS email), slipway:alertSlackWebhookUrl (secret, a Slack incoming webhook) or slipway:alertWebhookUrl (secret, a receiver of Alertmanager's webhook JSON)" },
    { stack: "prod", input: "app.healthPath /health → health", mutate: swap("    healthPath: /health", "    healthPath: health"), exit: 2, message: "{file}: slipway:app.healthPath is \"health\"; expected an absolute URL path such as /health" },
    { stack: "prod", input: `domain → "not a domain"`, mutate: swap("  slipway:domain: app.example.com", "  slipway:domain: not a domain"), exit: 2, message: "{file}: slipway:domain is \"not a domain\"; expected a lowercase DNS name such as app.example.com" },
    { stack: "prod", input: "app.env PORT set (reserved)", mutate: after("      LOG_LEVEL: info", "      PORT: \"9000\""), exit: 2, message: "{file}: slipway:app.env.PORT is \"9000\"; expected no PORT: it is reserved, set the port with the port argument" },
    { stack: "prod", input: "YAML: a tab-broken mapping", mutate: swap("    port: 8080", "    port: 8080\n  bad: [unclosed"), exit: 2, message: "{file}:16:9: YAML syntax error: Implicit keys of flow sequence pairs need to be on a single line; expected a valid YAML stack file" },
    { stack: "dev", input: "vps.sshAllowedCidrs → 0.0.0.0/0", mutate: swap("      - 203.0.113.7/32", "      - 0.0.0.0/0"), exit: 2, message: "{file}: slipway:vps.sshAllowedCidrs is \"0.0.0.0/0\"; expected addresses that do not open SSH to the whole internet; list the addresses you deploy from, e.g. 203.0.113.7/32" },
    { stack: "dev", input: "vps.sshAllowedCidrs → 10.0.0.0/4 (wider than /8)", mutate: swap("      - 203.0.113.7/32", "      - 10.0.0.0/4"), exit: 2, message: "{file}: slipway:vps.sshAllowedCidrs is \"10.0.0.0/4\"; expected ranges no wider than a /8 (wider exposes SSH to a large part of the internet); list the addresses you deploy from, e.g. 203.0.113.7/32" },
    { stack: "dev", input: "vps.sshAllowedCidrs → not-an-ip", mutate: swap("      - 203.0.113.7/32", "      - not-an-ip"), exit: 2, message: "{file}: slipway:vps.sshAllowedCidrs[0] is \"not-an-ip\"; expected an IPv4 CIDR block such as 10.0.0.0/16" },
    { stack: "dev", input: "vps.dnsZone → example.org (domain not in the zone)", mutate: swap("    dnsZone: example.com", "    dnsZone: example.org"), exit: 2, message: "{file}: slipway:vps.dnsZone is \"example.org\"; expected the DNS zone that holds domain \"dev.example.com\" (e.g. \"example.com\" for \"app.example.com\"), or unset to point DNS yourself" },
    { stack: "dev", input: "vps.size → s-1vcpu-2gb (payload does not fit)", mutate: swap("    size: s-2vcpu-4gb", "    size: s-1vcpu-2gb"), exit: 2, message: "{file}: the Docker payload needs 3552 MiB but slipway:vps.size s-1vcpu-2gb has 2048 MiB (limits 2528 + roll surge 512 + OS reserve 512 = 3552 MiB of the host's 2048); expected it to fit: lower slipway:app.memoryMiB (256 × 2 replicas, twice while a deploy rolls) or slipway:app.replicas, slipway:database.memoryMiB (384), slipway:cache.memoryMiB (128), slipway:backups.memoryMiB (256), or raise slipway:vps.size" },
    { stack: "dev", input: "vps.size → tiny (memory unknown)", mutate: swap("    size: s-2vcpu-4gb", "    size: tiny"), exit: 2, message: "{file}: slipway:vps.size is \"tiny\"; expected a DigitalOcean droplet size slug such as s-2vcpu-4gb (the catalog of 2025-06-01 in components/host/droplet-sizes.ts)" },
    { stack: "dev", input: "app.memoryMiB 256 → 1536 (payload does not fit)", mutate: swap("    memoryMiB: 256", "    memoryMiB: 1536"), exit: 2, message: "{file}: the Docker payload needs 9184 MiB but slipway:vps.size s-2vcpu-4gb has 4096 MiB (limits 5600 + roll surge 3072 + OS reserve 512 = 9184 MiB of the host's 4096); expected it to fit: lower slipway:app.memoryMiB (1536 × 2 replicas, twice while a deploy rolls) or slipway:app.replicas, slipway:database.memoryMiB (768), slipway:cache.memoryMiB (256), slipway:backups.memoryMiB (256), or raise slipway:vps.size" },
    { stack: "dev", input: "vps.swapGb 2 → 100", mutate: swap("    swapGb: 2", "    swapGb: 100"), exit: 2, message: "{file}: slipway:vps.swapGb is 100; expected an integer from 0 to 64" },
    { stack: "dev", input: "vps.acmeEmail → not-an-email", mutate: swap("    acmeEmail: ops@example.com", "    acmeEmail: not-an-email"), exit: 2, message: "{file}: slipway:vps.acmeEmail is \"not-an-email\"; expected an email address such as ops@example.com" },
    { stack: "dev", input: "app.port 8080 → 80 (below 1024, non-root app)", mutate: swap("    port: 8080", "    port: 80"), exit: 2, message: "{file}: slipway:app.port is 80; expected a port from 1024 to 65535: the app runs as a non-root user without capabilities and cannot bind below 1024" },
    { stack: "dev", input: "database.engineVersion 15 (Docker runs the pinned image)", mutate: swap("    slowQueryMs: 500", "    slowQueryMs: 500\n    engineVersion: \"15\""), exit: 2, message: "{file}: slipway:database.engineVersion is \"15\"; expected \"16\": Docker runs the pinned postgres:16.15-alpine@sha256:721873c34ceb9f8d8fc265984940dc982404c105f19ad51be9fdc5970a6080ea (or bump images.postgres and upgrade the data directory with pg_upgrade)" },
    { stack: "dev", input: "database.slowQueryMs 500 → -5", mutate: swap("    slowQueryMs: 500", "    slowQueryMs: -5"), exit: 2, message: "{file}: slipway:database.slowQueryMs is -5; expected an integer from -1 to 3600000" },
    { stack: "dev", input: "vps.sshPublicKeys → an ssh-dss key", mutate: swap("      - \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJvMea+q7HzKV6BRycAmSC/TlwebBjeLoYLf5LnELPPE you@laptop (example: replace with your own)\"", "      - \"ssh-dss AAAAB3NzaC1kc3MAAACBAP you@laptop\""), exit: 2, message: "{file}: slipway:vps.sshPublicKeys[0] is \"ssh-dss AAAAB3NzaC1kc3MAAACBAP you@laptop\"; expected an OpenSSH public key line such as ssh-ed25519 AAAA… you@laptop (and 1 more problem)" },
    { stack: "dev", input: "vps.region fra1 → frankfurt", mutate: swap("    region: fra1", "    region: frankfurt"), exit: 2, message: "{file}: slipway:vps.region is \"frankfurt\"; expected a DigitalOcean region that takes new droplets (catalog of 2025-06-01): ams3, atl1, blr1, fra1, lon1, nyc1, nyc3, sfo2, sfo3, sgp1, syd1, tor1" },
    { stack: "dev", input: "YAML: bad indentation", mutate: swap("    region: fra1", "   region: fra1"), exit: 2, message: "{file}:31:12: YAML syntax error: Nested mappings are not allowed in compact mappings; expected a valid YAML stack file" },
    { stack: "local", input: "local.httpsPort 8443 → 8080 (same as httpPort)", mutate: swap("    httpsPort: 8443", "    httpsPort: 8080"), exit: 2, message: "{file}: slipway:local.httpsPort is 8080; expected a port different from local.httpPort" },
    { stack: "local", input: "local.memoryMiB 1024 (payload does not fit)", mutate: after("    httpsPort: 8443", "    memoryMiB: 1024"), exit: 2, message: "{file}: the Docker payload needs 3232 MiB but slipway:local.memoryMiB 1024 has 1024 MiB (limits 2208 + roll surge 512 + OS reserve 512 = 3232 MiB of the host's 1024); expected it to fit: lower slipway:app.memoryMiB (256 × 2 replicas, twice while a deploy rolls) or slipway:app.replicas, slipway:database.memoryMiB (256), slipway:cache.memoryMiB (64), slipway:backups.memoryMiB (256), or raise slipway:local.memoryMiB" },
    { stack: "local", input: "app.replicas 2 → 20 (payload does not fit)", mutate: swap("    replicas: 2", "    replicas: 20"), exit: 2, message: "{file}: the Docker payload needs 13152 MiB but slipway:local.memoryMiB 4096 has 4096 MiB (limits 7520 + roll surge 5120 + OS reserve 512 = 13152 MiB of the host's 4096); expected it to fit: lower slipway:app.memoryMiB (256 × 20 replicas, twice while a deploy rolls) or slipway:app.replicas, slipway:database.memoryMiB (768), slipway:cache.memoryMiB (256), slipway:backups.memoryMiB (256), or raise slipway:local.memoryMiB" },
    { stack: "local", input: "app.port 8080 → 443", mutate: swap("    port: 8080", "    port: 443"), exit: 2, message: "{file}: slipway:app.port is 443; expected a port from 1024 to 65535: the app runs as a non-root user without capabilities and cannot bind below 1024" },
    { stack: "local", input: "local.dataDir → relative/dir", mutate: swap("    dataDir: ~/.slipway/local", "    dataDir: relative/dir"), exit: 2, message: "{file}: slipway:local.dataDir is \"relative/dir\"; expected an absolute directory such as /home/me/.slipway/local (or ~/…)" },
    { stack: "local", input: "monitoring.retentionDays 7 → 0", mutate: swap("    retentionDays: 7", "    retentionDays: 0"), exit: 2, message: "{file}: slipway:monitoring.retentionDays is 0; expected an integer from 1 to 3650" },
    { stack: "local", input: "backups.transitionToColdAfterDays 7 → 40 (after retention)", mutate: swap("    transitionToColdAfterDays: 7", "    transitionToColdAfterDays: 40"), exit: 2, message: "{file}: slipway:backups.transitionToColdAfterDays is 40; expected fewer days than backups.retentionDays (30)" },
    { stack: "local", input: "monitoring.silent removed (no receiver)", mutate: swap("    silent: true\n", ""), exit: 2, message: "{file}: slipway:monitoring.silent is missing and no alert receiver is set, so every alert would stay unseen in Alertmanager; expected slipway:alertSlackWebhookUrl (secret, a Slack incoming webhook), slipway:alertWebhookUrl (secret) or slipway:monitoring.alarmEmails with slipway:monitoring.smtpSmarthost — or slipway:monitoring.silent: true to deploy without one" },
    { stack: "local", input: "cache.memoryMiB 32", mutate: after("    memoryMiB: 256", "  slipway:cache:\n    memoryMiB: 32"), exit: 2, message: "{file}: slipway:cache.memoryMiB is 32; expected an integer from 64 to 262144" },
    { stack: "local", input: "YAML: unclosed quote", mutate: swap("  slipway:owner: me", "  slipway:owner: \"me"), exit: 2, message: "{file}:24:1: YAML syntax error: Missing closing \"quote; expected a valid YAML stack file" },
    { stack: "prod", input: "--config-file pointing at a file that does not exist", exit: 2, message: "{file}: no such file; expected the path of an existing stack file (absolute, or relative to the current directory)" },
];

/** The stack file a row's plan reads: the mutated shipped file in `dir`, or a path that does not exist. */
export function writeBadInput(row: BadInput, dir: string, index: number): string {
    const file = resolve(dir, `case-${index}`, `Pulumi.${row.stack}.yaml`);
    if (!row.mutate) return file;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, row.mutate(shippedStackText(row.stack)));
    return file;
}

/**
 * Plans a row in this process, with the plan CLI's exit-code contract (scripts/plan.ts): a
 * `ConfigError` is 2 with its message, anything else thrown is 1, a plan is 0.
 */
export async function planBadInput(row: BadInput, file: string): Promise<{ exit: number; message: string }> {
    const { runOffline } = await import("../../offline/run");
    try {
        await runOffline({ stack: row.stack, configFile: file });
        return { exit: 0, message: "" };
    } catch (e) {
        const err = e as Error;
        return err.name === "ConfigError" ? { exit: 2, message: err.message } : { exit: 1, message: `plan failed: ${err.message}` };
    }
}
