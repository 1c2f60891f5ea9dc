import { cidrContains, cidrsOverlap, isValidCidr, planSubnetCidrs } from "../components/network/subnet-plan";
import { SECRET_PLACEHOLDER } from "../offline/stack-config";
import { ConfigError, configLine, formatIssues, keyName } from "./config-errors";
import {
    type Environment,
    type RawStackConfig,
    type Target,
    secretKeys as secretConfigKeys,
    secretHint,
    secretLookingEnvName,
    stackConfigSchema,
} from "./config-schema";

/** A stack config that passed validation, with the target-dependent defaults applied. */
export interface SlipwayConfig extends Omit<RawStackConfig, "target" | "environment"> {
    target: Target;
    environment: Environment;
    /** True for `environment: production`: stateful resources protected, deletion protection on. */
    production: boolean;
    /** The stack file the config came from, for messages. */
    stackFile: string;
}

export interface ParseContext {
    /** Named in every message, e.g. `Pulumi.prod.yaml`. */
    stackFile: string;
    /** The `slipway:` keys (without the namespace) that Pulumi holds as secrets. */
    secretKeys: ReadonlySet<string>;
}

/**
 * Validates the raw `slipway:` namespace (key → value, objects already parsed from JSON) and
 * returns the config. Throws one `ConfigError` whose message is one line naming the stack
 * file, the key, the value given and what is allowed.
 */
export function parseStackConfig(raw: Record<string, unknown>, ctx: ParseContext): SlipwayConfig {
    const fail = (path: PropertyKey[], value: unknown, expected: string): never => {
        throw new ConfigError(configLine(ctx.stackFile, path, value, expected));
    };

    const parsed = stackConfigSchema.safeParse(withOfflineStandIns(raw, ctx.secretKeys), { reportInput: true });
    if (!parsed.success) {
        // A secret with a bad form is still a secret: the message names the key, never the value.
        const issues = parsed.error.issues.map((i) =>
            (secretConfigKeys as readonly PropertyKey[]).includes(i.path[0]) && "input" in i ? ({ ...i, input: "[secret]" } as typeof i) : i,
        );
        throw new ConfigError(formatIssues(ctx.stackFile, issues));
    }
    const c = parsed.data;

    if (!c.target) fail(["target"], undefined, `one of "aws", "vps", "local"`);
    const target = c.target as Target;

    // Secrets must arrive encrypted: a plain-text value is in the stack file for anyone to read.
    for (const key of secretConfigKeys) {
        if (raw[key] !== undefined && !ctx.secretKeys.has(key)) {
            throw new ConfigError(
                `${ctx.stackFile}: slipway:${key} is given in plain text; expected a secret: set it with \`${secretHint(key)}\``,
            );
        }
    }
    for (const name of Object.keys(c.app?.env ?? {})) {
        if (secretLookingEnvName.test(name)) {
            fail(["app", "env", name], "[plain text]", `no credentials in plain env; move ${name} to slipway:appSecrets (a secret)`);
        }
        if (c.appSecrets && name in c.appSecrets) {
            fail(["app", "env", name], c.app?.env?.[name], `a name not also set in slipway:appSecrets`);
        }
    }

    // What each target cannot run without.
    if (target !== "local") {
        if (!c.domain) fail(["domain"], undefined, `a DNS name such as app.example.com (required when target is ${target})`);
        if (!c.app?.image) fail(["app", "image"], undefined, `a pinned image reference (required when target is ${target})`);
    }
    if (target === "vps") {
        if (!c.vps?.sshAllowedCidrs) fail(["vps", "sshAllowedCidrs"], undefined, "the CIDR blocks allowed to reach SSH, e.g. [203.0.113.7/32] (required when target is vps)");
        if (!c.vps?.sshPublicKeys?.length) {
            fail(["vps", "sshPublicKeys"], c.vps?.sshPublicKeys, "at least one OpenSSH public key whose private key is in your ssh-agent: Docker is driven over SSH with it (required when target is vps)");
        }
        if (!c.vps?.acmeEmail) fail(["vps", "acmeEmail"], undefined, "an email for the Let's Encrypt account contact (required when target is vps)");
    }
    if (c.local?.httpPort !== undefined && c.local.httpPort === c.local.httpsPort) {
        fail(["local", "httpsPort"], c.local.httpsPort, "a port different from local.httpPort");
    }
    if (target === "aws") {
        if (!c.owner) fail(["owner"], undefined, "the owning team, tagged on every resource (required when target is aws)");
        if (c.app?.replicas !== undefined && c.app.replicas < 2) {
            fail(["app", "replicas"], c.app.replicas, "at least 2 on aws, so one task can fail or deploy while another serves");
        }
    }

    // Relations between keys.
    const replicas = c.app?.replicas ?? 2;
    if (c.app?.maxReplicas !== undefined && c.app.maxReplicas < replicas) {
        fail(["app", "maxReplicas"], c.app.maxReplicas, `at least app.replicas (${replicas})`);
    }
    const storage = c.database?.storageGb ?? 50;
    if (c.database?.maxStorageGb !== undefined && c.database.maxStorageGb < storage) {
        fail(["database", "maxStorageGb"], c.database.maxStorageGb, `at least database.storageGb (${storage})`);
    }
    if ((c.cache?.multiAz ?? true) && c.cache?.replicas === 0) {
        fail(["cache", "replicas"], 0, "at least 1 while cache.multiAz is true (Multi-AZ needs a replica to fail over to)");
    }
    const retention = c.backups?.retentionDays ?? 90;
    if (c.backups?.transitionToColdAfterDays !== undefined && c.backups.transitionToColdAfterDays >= retention) {
        fail(["backups", "transitionToColdAfterDays"], c.backups.transitionToColdAfterDays, `fewer days than backups.retentionDays (${retention})`);
    }
    validateNetwork(c, fail);
    if (target !== "aws") validateAlerting(c, target, ctx.stackFile, fail);

    const environment: Environment = c.environment ?? (target === "aws" ? "production" : "development");
    return { ...c, target, environment, production: environment === "production", stackFile: ctx.stackFile };
}

type Fail = (path: PropertyKey[], value: unknown, expected: string) => never;

/**
 * Secret URLs the offline plan cannot decrypt: `npm run plan` hands the program a placeholder
 * for every `secure:` value, which no URL pattern accepts. Each becomes a stand-in of the right
 * form under the reserved `.invalid` domain (RFC 2606), so the shipped stack files — whose
 * secrets are encrypted — plan, render and pass `amtool check-config`. `pulumi up` decrypts the
 * real value, and that is what the schema checks there.
 */
const offlineStandIns: Record<string, string> = {
    alertSlackWebhookUrl: "https://hooks.slack.com/services/offline.invalid/secret/alertSlackWebhookUrl",
    alertWebhookUrl: "https://offline.invalid/secret/alertWebhookUrl",
    alertDeadMansSwitchUrl: "https://offline.invalid/secret/alertDeadMansSwitchUrl",
};

function withOfflineStandIns(raw: Record<string, unknown>, secretKeys: ReadonlySet<string>): Record<string, unknown> {
    const out = { ...raw };
    for (const [key, standIn] of Object.entries(offlineStandIns)) {
        if (secretKeys.has(key) && out[key] === SECRET_PLACEHOLDER) out[key] = standIn;
    }
    return out;
}

/**
 * Docker targets: alerts must reach someone. Without a receiver Alertmanager would route
 * every alert to one with no integrations, silently; a stack must say `monitoring.silent: true`
 * to accept that, and a vps stack may not (its off-host uptime alert needs someone too).
 */
function validateAlerting(c: RawStackConfig, target: Target, stackFile: string, fail: Fail): void {
    const m = c.monitoring ?? {};
    const emails = (m.alarmEmails ?? []).length > 0;
    const receivers = [
        c.alertSlackWebhookUrl !== undefined && "slipway:alertSlackWebhookUrl",
        c.alertWebhookUrl !== undefined && "slipway:alertWebhookUrl",
        emails && m.smtpSmarthost !== undefined && "slipway:monitoring.alarmEmails",
    ].filter((r): r is string => typeof r === "string");
    if (m.slackChannel !== undefined && c.alertSlackWebhookUrl === undefined) {
        fail(["monitoring", "slackChannel"], m.slackChannel, "unset, or set together with slipway:alertSlackWebhookUrl (the Slack webhook it posts through)");
    }
    if (m.silent === true) {
        if (target === "vps") {
            fail(["monitoring", "silent"], true, "false on target vps: a droplet that dies must page someone — set slipway:alertSlackWebhookUrl (secret) with slipway:monitoring.slackChannel, or slipway:monitoring.alarmEmails");
        }
        if (receivers.length > 0) fail(["monitoring", "silent"], true, `false or unset: ${receivers.join(" and ")} ${receivers.length > 1 ? "are" : "is"} set, so alerts are not silent`);
        return;
    }
    if (receivers.length === 0) {
        throw new ConfigError(
            `${stackFile}: slipway:monitoring.silent is missing and no alert receiver is set, so every alert would stay unseen in Alertmanager; ` +
                "expected slipway:alertSlackWebhookUrl (secret, a Slack incoming webhook), slipway:alertWebhookUrl (secret) or slipway:monitoring.alarmEmails with slipway:monitoring.smtpSmarthost" +
                (target === "vps" ? "" : " — or slipway:monitoring.silent: true to deploy without one"),
        );
    }
    // The off-host uptime alert (DigitalOcean) notifies by email itself, or Slack with a channel.
    if (target === "vps" && !emails && m.slackChannel === undefined) {
        // Either key will do, so the message names the first and offers the other.
        fail(["monitoring", "alarmEmails"], undefined, "addresses (or slipway:monitoring.slackChannel with slipway:alertSlackWebhookUrl) for DigitalOcean's off-host uptime alert, which tells someone when the droplet is down (target vps)");
    }
}

function validateNetwork(c: RawStackConfig, fail: Fail): void {
    const vpc = c.network?.cidr ?? "10.0.0.0/16";
    const prefix = Number(vpc.split("/")[1]);
    if (prefix < 16 || prefix > 24) fail(["network", "cidr"], vpc, "a VPC block from /16 to /24 (AWS allows no larger; smaller leaves no room for 9 subnets)");
    // The schema checked the form; what is left to be invalid is host bits after the prefix.
    if (!isValidCidr(vpc)) fail(["network", "cidr"], vpc, "a network address with no host bits set, such as 10.0.0.0/16");
    const subnets = c.network?.subnets;
    if (!subnets) return;
    const azCount = c.network?.azCount ?? 3;
    const seen: { path: PropertyKey[]; cidr: string }[] = [];
    for (const tier of ["public", "private", "isolated"] as const) {
        const list = subnets[tier];
        if (!list) continue;
        if (list.length !== azCount) fail(["network", "subnets", tier], list, `exactly ${azCount} CIDR blocks, one per AZ (network.azCount)`);
        list.forEach((block, i) => {
            const path = ["network", "subnets", tier, i];
            if (!isValidCidr(block)) fail(path, block, "a network address with no host bits set, such as 10.0.4.0/22");
            if (!cidrContains(vpc, block)) fail(path, block, `a block inside network.cidr ${vpc}`);
            const clash = seen.find((s) => cidrsOverlap(s.cidr, block));
            if (clash) fail(path, block, `a block that does not overlap ${keyName(clash.path)} (${clash.cidr})`);
            seen.push({ path, cidr: block });
        });
    }
    // Overrides must also clear the tiers the planner fills in around them.
    try {
        planSubnetCidrs({ cidr: vpc, azCount, overrides: subnets });
    } catch (e) {
        fail(["network", "subnets"], subnets, `blocks that leave room for the planned tiers (${(e as Error).message})`);
    }
}
