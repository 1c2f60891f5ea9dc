import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { type ArgKeyResolver, showValue as showArgValue } from "../components/shared/errors";

/**
 * A bad stack config. It extends `pulumi.RunError` so `pulumi up` prints the one-line message
 * without a stack trace; the offline plan prints it to stderr and exits 2.
 */
export class ConfigError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}

/**
 * How a given value is shown in a message: short, and never a secret's content. The same
 * rendering as component errors (components/shared/errors.ts), so both read alike; a config
 * secret given without --secret says so instead.
 */
export function showValue(value: unknown, secret = false): string {
    return secret && value !== undefined ? "given in plain text" : showArgValue(value);
}

/** `slipway:database.backupRetentionDays` from a path into the namespace. */
export function keyName(path: readonly PropertyKey[]): string {
    const [head, ...rest] = path.map(String);
    return `slipway:${head ?? ""}${rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("")}`;
}

/** The one line a user sees for one problem. */
export function configLine(stackFile: string, path: readonly PropertyKey[], value: unknown, expected: string): string {
    const shown = showValue(value);
    return `${stackFile}: ${keyName(path)} ${shown === "missing" ? "is missing" : `is ${shown}`}; expected ${expected}`;
}

/** Turns zod's first issue into the one-line message (and counts the rest). */
export function formatIssues(stackFile: string, issues: readonly z.core.$ZodIssue[]): string {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
    if (first.code === "unrecognized_keys") {
        const path = [...first.path, first.keys[0]];
        const where = first.path.length === 0 ? "" : ` under ${keyName(first.path)}`;
        return `${stackFile}: ${keyName(path)} is not a known key${where}; expected ${first.message}${more}`;
    }
    if (first.code === "invalid_key") {
        const inner = first.issues[0]?.message ?? "a valid key";
        return `${stackFile}: ${keyName(first.path)} is not an allowed key; expected ${inner}${more}`;
    }
    return `${configLine(stackFile, first.path, (first as { input?: unknown }).input, first.message)}${more}`;
}

type Target = "aws" | "vps" | "local";

/**
 * Which `slipway:` key feeds each component argument, as the stacks (stacks/aws.ts, vps.ts,
 * local.ts, docker-payload.ts, shared-args.ts) pass config into components. A component check
 * that fails then names the key the user sets, not the argument. Keys are matched by the
 * longest prefix, so `env.FOO` maps through `env` to `app.env.FOO`. An argument missing here
 * is not set from config on that target (the stack fixes it), and its error keeps the
 * component's own form.
 */
const argKeys: Record<string, (target: Target) => Record<string, string>> = {
    WebTier: (target) => ({
        domain: "domain",
        image: "app.image",
        port: "app.port",
        healthPath: "app.healthPath",
        replicas: "app.replicas",
        maxReplicas: "app.maxReplicas",
        cpu: "app.cpu",
        memoryMiB: "app.memoryMiB",
        env: "app.env",
        secrets: "appSecrets",
        rateLimitPerMinute: "web.rateLimitPerMinute",
        logRetentionDays: "web.logRetentionDays",
        accessLogsRetentionDays: "web.accessLogsRetentionDays",
        hostedZoneId: "web.hostedZoneId",
        certificateArn: "web.certificateArn",
        wafRateWindowSeconds: "web.wafRateWindowSeconds",
        wafCountedRules: "web.wafCountedRules",
        wafLogRetentionDays: "web.wafLogRetentionDays",
        ...(target === "vps" ? { "tls.email": "vps.acmeEmail" } : {}),
        ...(target === "local" ? { "publish.http": "local.httpPort", "publish.https": "local.httpsPort" } : {}),
    }),
    Database: () => prefixed("database", ["engineVersion", "instanceClass", "storageGb", "maxStorageGb", "backupRetentionDays", "multiAz", "deletionProtection", "readReplica", "performanceInsights", "slowQueryMs", "memoryMiB"]),
    Cache: () => prefixed("cache", ["engine", "engineVersion", "nodeType", "replicas", "multiAz", "snapshotRetentionDays", "memoryMiB"]),
    Network: () => prefixed("network", ["cidr", "azCount", "nat", "flowLogRetentionDays", "subnets"]),
    Monitoring: () => ({
        alarmEmails: "monitoring.alarmEmails",
        retentionDays: "monitoring.retentionDays",
        "thresholds.error5xxPercent": "monitoring.error5xxPercent",
        "thresholds.latencyP95Ms": "monitoring.latencyP95Ms",
        "thresholds.cpuPercent": "monitoring.cpuPercent",
        "thresholds.memoryPercent": "monitoring.memoryPercent",
        "smtp.smarthost": "monitoring.smtpSmarthost",
        "smtp.from": "monitoring.smtpFrom",
        "smtp.username": "monitoring.smtpUsername",
        "smtp.password": "smtpPassword",
        webhookUrl: "alertWebhookUrl",
        "slack.webhookUrl": "alertSlackWebhookUrl",
        "slack.channel": "monitoring.slackChannel",
        deadMansSwitchUrl: "alertDeadMansSwitchUrl",
        "healthCheck.domain": "domain",
        "healthCheck.path": "app.healthPath",
        emails: "monitoring.alarmEmails",
        domain: "domain",
        healthPath: "app.healthPath",
    }),
    BackupBucket: () => prefixed("backups", ["retentionDays", "noncurrentVersionDays", "transitionToColdAfterDays", "pointInTimeRecovery", "memoryMiB"]),
    Host: () => ({
        region: "vps.region",
        size: "vps.size",
        image: "vps.image",
        volumeSizeGb: "vps.volumeSizeGb",
        swapGb: "vps.swapGb",
        backups: "vps.dropletBackups",
        sshPublicKeys: "vps.sshPublicKeys",
        sshAllowedCidrs: "vps.sshAllowedCidrs",
        domain: "domain",
        dnsZone: "vps.dnsZone",
    }),
};

function prefixed(section: string, keys: readonly string[]): Record<string, string> {
    return Object.fromEntries(keys.map((k) => [k, `${section}.${k}`]));
}

/** The config key (without `slipway:`) that feeds a component argument on a target, if any. */
export function configKeyForArg(target: Target, component: string, key: string): string | undefined {
    const table = argKeys[component]?.(target);
    if (!table) return undefined;
    for (let cut = key.length; cut > 0; cut = key.lastIndexOf(".", cut - 1)) {
        const head = key.slice(0, cut);
        if (head in table) return `${table[head]}${key.slice(cut)}`;
        if (cut <= 0) break;
    }
    return undefined;
}

/** The resolver read-config.ts installs: component errors name this stack file and key. */
export function argKeyResolver(stackFile: string, target: Target): ArgKeyResolver {
    return (component, key) => {
        const mapped = configKeyForArg(target, component, key);
        return mapped === undefined ? undefined : { stackFile, key: `slipway:${mapped}` };
    };
}
