import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { letsEncryptStagingRootFingerprints, letsEncryptStagingRootsPem } from "../../components/monitoring/letsencrypt-staging";
import { normalizeUptimeCheckArgs } from "../../components/monitoring/uptime";
import { SECRET_PLACEHOLDER } from "../../offline/stack-config";
import { parseStackConfig } from "../../stacks/config";
import { ConfigError } from "../../stacks/config-errors";

const root = resolve(__dirname, "../..");

const vps = {
    target: "vps",
    domain: "dev.example.com",
    app: { image: "ghcr.io/a/b:1.0.0" },
    vps: { sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJvMea+q7HzKV6BRycAmSC/TlwebBjeLoYLf5LnELPPE me"], sshAllowedCidrs: ["203.0.113.7/32"], acmeEmail: "ops@example.com" },
};
const slackUrl = "https://hooks.slack.com/services/T0/B0/x";

function errorOf(raw: Record<string, unknown>, secrets: string[] = []): string {
    try {
        parseStackConfig(raw, { stackFile: "Pulumi.dev.yaml", secretKeys: new Set(secrets) });
    } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as Error).message.split("\n")).toHaveLength(1);
        return (e as Error).message;
    }
    throw new Error("the config was accepted");
}
const ok = (raw: Record<string, unknown>, secrets: string[] = []) => parseStackConfig(raw, { stackFile: "Pulumi.dev.yaml", secretKeys: new Set(secrets) });

describe("alert receivers in the stack config", () => {
    it("refuses a Docker stack without any receiver, naming the file, the keys and the explicit way out", () => {
        const m = errorOf({ target: "local" });
        expect(m).toMatch(/^Pulumi\.dev\.yaml: slipway:monitoring\.silent is missing and no alert receiver is set/);
        expect(m).toContain("slipway:alertSlackWebhookUrl");
        expect(m).toContain("slipway:monitoring.silent: true");
        // alarmEmails without an SMTP relay cannot be emailed by Alertmanager: not a receiver.
        expect(errorOf({ target: "local", monitoring: { alarmEmails: ["a@example.com"] } })).toMatch(/no alert receiver is set/);
    });

    it("accepts a receiver, or silence said explicitly", () => {
        expect(ok({ target: "local", monitoring: { silent: true } }).monitoring?.silent).toBe(true);
        expect(ok({ target: "local", alertSlackWebhookUrl: slackUrl }, ["alertSlackWebhookUrl"]).alertSlackWebhookUrl).toBe(slackUrl);
        expect(ok({ target: "local", alertWebhookUrl: "https://hooks.example.com/x" }, ["alertWebhookUrl"])).toBeDefined();
        expect(ok({ target: "local", monitoring: { alarmEmails: ["a@example.com"], smtpSmarthost: "smtp.example.com:587" } })).toBeDefined();
        // aws alerts through SNS subscriptions: not this rule's business.
        expect(ok({ target: "aws", domain: "a.example.com", owner: "t", app: { image: "ghcr.io/a/b:1" } })).toBeDefined();
    });

    it("refuses silence that contradicts a receiver, and silence on vps", () => {
        expect(errorOf({ target: "local", alertSlackWebhookUrl: slackUrl, monitoring: { silent: true } }, ["alertSlackWebhookUrl"])).toContain(
            "slipway:monitoring.silent is true; expected false or unset: slipway:alertSlackWebhookUrl is set",
        );
        expect(errorOf({ ...vps, monitoring: { silent: true } })).toContain("slipway:monitoring.silent is true; expected false on target vps");
    });

    it("on vps, needs someone for DigitalOcean's off-host alert: alarmEmails or a Slack channel", () => {
        expect(errorOf({ ...vps, alertSlackWebhookUrl: slackUrl }, ["alertSlackWebhookUrl"])).toMatch(/slipway:monitoring\.alarmEmails is missing; expected addresses \(or slipway:monitoring\.slackChannel/);
        expect(ok({ ...vps, alertSlackWebhookUrl: slackUrl, monitoring: { slackChannel: "#ops" } }, ["alertSlackWebhookUrl"])).toBeDefined();
        expect(errorOf({ ...vps, monitoring: { slackChannel: "#ops", alarmEmails: ["a@example.com"], smtpSmarthost: "smtp.example.com:587" } })).toContain(
            "slipway:monitoring.slackChannel is \"#ops\"; expected unset, or set together with slipway:alertSlackWebhookUrl",
        );
    });

    it("sends Slack URLs to the Slack key: the generic webhook refuses hooks.slack.com", () => {
        expect(errorOf({ target: "local", alertWebhookUrl: slackUrl }, ["alertWebhookUrl"])).toMatch(/slipway:alertWebhookUrl .*for Slack use alertSlackWebhookUrl/);
        expect(errorOf({ target: "local", alertSlackWebhookUrl: "https://example.com/x" }, ["alertSlackWebhookUrl"])).toMatch(/expected a Slack incoming-webhook URL/);
    });

    it("the receiver URLs must be secrets, and a malformed secret is never echoed", () => {
        for (const [key, url] of [["alertSlackWebhookUrl", slackUrl], ["alertWebhookUrl", "https://hooks.example.com/x"], ["alertDeadMansSwitchUrl", "https://hc-ping.com/x"]]) {
            expect(errorOf({ target: "local", [key]: url })).toMatch(new RegExp(`slipway:${key} is given in plain text; expected a secret`));
        }
        const m = errorOf({ target: "local", alertWebhookUrl: "https://hooks.slack.com/services/T0/B0/hunter2" }, ["alertWebhookUrl"]);
        expect(m).toContain('slipway:alertWebhookUrl is "[secret]"');
        expect(m).not.toContain("hunter2");
    });

    it("the offline plan's placeholder for an encrypted URL becomes a stand-in under .invalid, still a secret key", () => {
        const c = ok({ ...vps, alertSlackWebhookUrl: SECRET_PLACEHOLDER, alertDeadMansSwitchUrl: SECRET_PLACEHOLDER, monitoring: { slackChannel: "#ops" } }, ["alertSlackWebhookUrl", "alertDeadMansSwitchUrl"]);
        expect(c.alertSlackWebhookUrl).toMatch(/^https:\/\/hooks\.slack\.com\/services\/offline\.invalid\//);
        expect(c.alertDeadMansSwitchUrl).toBe("https://offline.invalid/secret/alertDeadMansSwitchUrl");
    });

    it("the shipped dev stack holds its Slack URL as an encrypted secure: value, never in clear", () => {
        const doc = parse(readFileSync(resolve(root, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
        expect(doc.config["slipway:alertSlackWebhookUrl"]).toEqual({ secure: expect.any(String) });
        expect(doc.config["slipway:monitoring"]).toMatchObject({ slackChannel: "#dev-alerts" });
        const local = parse(readFileSync(resolve(root, "Pulumi.local.yaml"), "utf8")) as { config: Record<string, unknown> };
        expect(local.config["slipway:monitoring"]).toMatchObject({ silent: true });
    });
});

describe("the uptime check's arguments", () => {
    it("checks https://<domain><healthPath> and needs someone to notify", () => {
        expect(normalizeUptimeCheckArgs({ domain: "dev.example.com", emails: ["a@example.com"] })).toMatchObject({ target: "https://dev.example.com/health", downPeriod: "2m", tlsExpiryDays: 14 });
        expect(() => normalizeUptimeCheckArgs({ domain: "dev.example.com" })).toThrow(/the uptime check: emails is missing; expected someone to notify: emails, or slack/);
    });
});

describe("Let's Encrypt staging roots", () => {
    it("are the two self-signed staging roots with the recorded SHA-256 fingerprints", () => {
        const pems = letsEncryptStagingRootsPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
        expect(pems).toHaveLength(2);
        const certs = pems.map((p) => new X509Certificate(p));
        for (const cert of certs) {
            expect(cert.ca).toBe(true);
            expect(cert.subject).toBe(cert.issuer);
            expect(cert.verify(cert.publicKey)).toBe(true);
            const cn = /CN=(.+)$/m.exec(cert.subject)?.[1] as keyof typeof letsEncryptStagingRootFingerprints;
            expect(letsEncryptStagingRootFingerprints[cn], cert.subject).toBe(cert.fingerprint256);
        }
        expect(certs.map((c) => /CN=(.+)$/m.exec(c.subject)?.[1])).toEqual(["(STAGING) Pretend Pear X1", "(STAGING) Bogus Broccoli X2"]);
    });
});

/** `npm run render` of the dev stack file, edited by `edit`. */
function render(edit: (text: string) => string = (t) => t): string {
    const dir = mkdtempSync(join(tmpdir(), "slipway-alerting-"));
    const file = join(dir, "Pulumi.devvariant.yaml");
    writeFileSync(file, edit(readFileSync(resolve(root, "Pulumi.dev.yaml"), "utf8")));
    const out = join(dir, "out");
    const r = spawnSync(process.execPath, ["scripts/launch.js", "render", "--stack", "devvariant", "--config-file", file, "--out", out], { cwd: root, encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    return out;
}

describe("the dev stack's rendered monitoring files", () => {
    it("staging issuer: the blackbox probes trust the staging roots through ca_file; Alertmanager posts to Slack from a file", () => {
        const out = render();
        const blackbox = parse(readFileSync(join(out, "blackbox/blackbox.yml"), "utf8"));
        for (const m of ["http_2xx", "tls_connect"]) {
            const tls = m === "http_2xx" ? blackbox.modules[m].http.tls_config : blackbox.modules[m].tcp.tls_config;
            expect(tls).toEqual({ insecure_skip_verify: false, ca_file: "/etc/blackbox_exporter/ca.pem" });
        }
        expect(readFileSync(join(out, "blackbox/ca.pem"), "utf8")).toBe(letsEncryptStagingRootsPem);
        const am = parse(readFileSync(join(out, "alertmanager/alertmanager.yml"), "utf8"));
        expect(am.receivers[0].slack_configs[0].api_url_file).toBe("/etc/alertmanager/slack-api-url");
        expect(readFileSync(join(out, "alertmanager/slack-api-url"), "utf8")).toMatch(/^https:\/\/hooks\.slack\.com\//);
    });

    it("production issuer: the system roots, no ca_file", () => {
        const out = render((t) => t.replace("letsEncrypt: staging", "letsEncrypt: production"));
        const blackbox = parse(readFileSync(join(out, "blackbox/blackbox.yml"), "utf8"));
        expect(blackbox.modules.http_2xx.http.tls_config).toEqual({ insecure_skip_verify: false });
        expect(existsSync(join(out, "blackbox/ca.pem"))).toBe(false);
    });
});
