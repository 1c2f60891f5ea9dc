import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runOffline } from "../../offline/run";
import { parseStackConfig } from "../../stacks/config";
import { ConfigError } from "../../stacks/config-errors";
import { providerSecretKeys, secretHint, secretKeys, stackConfigSchema } from "../../stacks/config-schema";
import { checkProviderConfig } from "../../stacks/provider-config";

/**
 * Issue 13, item 6: credentials in plain text are refused for provider keys as for the
 * `slipway:` secrets, and every hint fits its key: `--path 'KEY.NAME'` only for a map. Before,
 * every slipway hint said `--path 'alertWebhookUrl.NAME'`, which stores an object the schema
 * then refuses, and `digitalocean:token: dop_v1_…` in plain text planned with exit 0.
 */

/**
 * What `pulumi config set [--secret] [--path] KEY VALUE` writes, for the forms the hints use:
 * a key without a namespace is the project's (`slipway:`); with `--path`, dots descend into
 * maps. Returns the stack file's top-level key and its value.
 */
function applyConfigSet(command: string, name: string, value: string): { key: string; value: unknown; secret: boolean } {
    const words = command.replace(/'([^']*)'/g, "$1").split(/\s+/);
    expect(words.slice(0, 3)).toEqual(["pulumi", "config", "set"]);
    const flags = words.filter((w) => w.startsWith("--"));
    const [key, placeholder, ...rest] = words.slice(3).filter((w) => !w.startsWith("--"));
    expect(placeholder).toBe("VALUE");
    expect(rest).toEqual([]);
    const full = (key.includes(":") ? key : `slipway:${key}`).replace("NAME", name);
    const [head, ...path] = flags.includes("--path") ? full.split(".") : [full];
    const nested = path.reduceRight<unknown>((inner, segment) => ({ [segment]: inner }), value);
    return { key: head, value: nested, secret: flags.includes("--secret") };
}

/** A value each secret key's schema accepts. */
const sample: Record<(typeof secretKeys)[number], string> = {
    appSecrets: "s3cr3t",
    alertSlackWebhookUrl: "https://hooks.slack.com/services/T000/B000/xyz",
    alertWebhookUrl: "https://alerts.example.com/hook",
    alertDeadMansSwitchUrl: "https://hc-ping.com/5f7a",
    smtpPassword: "s3cr3t",
};

const local = (): Record<string, unknown> => ({ target: "local", monitoring: { alarmEmails: ["ops@example.com"], smtpSmarthost: "smtp.example.com:587" } });

describe("every slipway secret's hint fits its key", () => {
    it.each(secretKeys.map((k) => [k]))("%s", (key) => {
        const hint = secretHint(key);
        const field = stackConfigSchema.shape[key].unwrap();
        const isMap = field.def.type === "record";
        expect(hint.includes("--path"), hint).toBe(isMap);
        expect(hint).toMatch(/^pulumi config set --secret /);

        // The stack file the hint produces is accepted, and its key is the secret one.
        const set = applyConfigSet(hint, "API_TOKEN", sample[key]);
        expect(set.key).toBe(`slipway:${key}`);
        expect(set.secret).toBe(true);
        const name = set.key.slice("slipway:".length);
        const config = parseStackConfig({ ...local(), [name]: set.value }, { stackFile: "Pulumi.local.yaml", secretKeys: new Set([name]) });
        expect(config[key as keyof typeof config]).toEqual(set.value);

        // Plain text is refused with exactly this hint.
        expect(() => parseStackConfig({ ...local(), [name]: set.value }, { stackFile: "Pulumi.local.yaml", secretKeys: new Set() })).toThrow(
            `Pulumi.local.yaml: slipway:${key} is given in plain text; expected a secret: set it with \`${hint}\``,
        );
    });

    it("the old one-size hint would have stored an object a string key refuses (the test can fail)", () => {
        const set = applyConfigSet("pulumi config set --secret --path 'alertWebhookUrl.NAME' VALUE", "X", sample.alertWebhookUrl);
        expect(set.value).toEqual({ X: sample.alertWebhookUrl });
        expect(() => parseStackConfig({ ...local(), alertWebhookUrl: set.value }, { stackFile: "Pulumi.local.yaml", secretKeys: new Set(["alertWebhookUrl"]) })).toThrow(ConfigError);
    });
});

describe("provider credentials in plain text are refused", () => {
    it.each(providerSecretKeys.map((k) => [k]))("%s", (key) => {
        const hint = secretHint(key);
        expect(hint).toBe(`pulumi config set --secret ${key} VALUE`);
        const set = applyConfigSet(hint, "unused", "AKIA-or-dop_v1-value");
        expect(set).toEqual({ key, value: "AKIA-or-dop_v1-value", secret: true });
        for (const target of ["aws", "vps", "local"] as const) {
            const all = { [key]: "AKIA-or-dop_v1-value", "aws:region": "us-east-1" };
            expect(() => checkProviderConfig(all, () => false, { stackFile: "stacks/Pulumi.x.yaml", target })).toThrow(
                `stacks/Pulumi.x.yaml: ${key} is given in plain text; expected a secret: set it with \`${hint}\``,
            );
            checkProviderConfig(all, (k) => k === key, { stackFile: "stacks/Pulumi.x.yaml", target });
        }
    });

    const stack = (name: string) => (parse(readFileSync(join(__dirname, `../../Pulumi.${name}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;
    const refusal = (stackName: string, over: Record<string, unknown>) =>
        runOffline({ stack: stackName, config: { ...stack(stackName), ...over }, stackFile: `Pulumi.${stackName}.yaml` }).then(
            () => undefined,
            (e: Error) => e,
        );

    it("through the program: dev with a plain digitalocean:token, prod with a plain aws:secretKey", async () => {
        const dev = await refusal("dev", { "digitalocean:token": "dop_v1_0123456789abcdef" });
        expect(dev?.name).toBe("ConfigError");
        expect(dev?.message).toBe("Pulumi.dev.yaml: digitalocean:token is given in plain text; expected a secret: set it with `pulumi config set --secret digitalocean:token VALUE`");
        const prod = await refusal("prod", { "aws:secretKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" });
        expect(prod?.message).toBe("Pulumi.prod.yaml: aws:secretKey is given in plain text; expected a secret: set it with `pulumi config set --secret aws:secretKey VALUE`");
    });

    it("through the program: the same keys as secure: values plan", async () => {
        expect(await refusal("dev", { "digitalocean:token": { secure: "AAABAOZW5jcnlwdGVk" }, "digitalocean:spacesSecretKey": { secure: "AAABAOZW5jcnlwdGVk" } })).toBeUndefined();
    });
});
