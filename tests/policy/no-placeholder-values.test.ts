import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type Violation, runPolicies } from "../../offline/policy-run";
import { type OfflineRun, runOffline } from "../../offline/run";
import { allRules } from "../../policy/rules";
import { noPlaceholderValues, placeholderIn, shippedExamples } from "../../policy/rules/stack/no-placeholder-values";

/**
 * Issue 13 item 7: the shipped stacks' example values fail `pulumi preview --policy-pack policy`
 * (server enforcement: mandatory) and still render in the offline plan (advisory, with a note);
 * the same stacks with the values replaced pass.
 */

const root = join(__dirname, "../..");
const shippedConfig = (stack: string): Record<string, any> =>
    (parse(readFileSync(join(root, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, any> }).config;

/** The shipped stack with every example value replaced by one a user would own. */
function replaced(stack: "prod" | "dev"): Record<string, unknown> {
    const c = structuredClone(shippedConfig(stack));
    if (stack === "prod") {
        c["slipway:domain"] = "app.acme-shop.io";
        c["slipway:web"] = { ...c["slipway:web"], hostedZoneId: "Z07419452UYV0H1EXAMPL" };
        c["slipway:monitoring"] = { ...c["slipway:monitoring"], alarmEmails: ["oncall@acme-shop.io"] };
    } else {
        c["slipway:domain"] = "dev.acme-shop.io";
        c["slipway:vps"] = {
            ...c["slipway:vps"],
            dnsZone: "acme-shop.io",
            acmeEmail: "ops@acme-shop.io",
            sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGm3jTq8c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9 me@work"],
            sshAllowedCidrs: ["81.2.69.160/32"],
        };
    }
    return c;
}

const runs: Record<string, OfflineRun> = {};
const serverVerdicts: Record<string, Violation[]> = {};
const offlineVerdicts: Record<string, Violation[]> = {};
const leaf = (v: Violation) => v.urn.split("::").pop();

beforeAll(async () => {
    // Sequential: the mock runtime is process-global.
    for (const stack of ["prod", "dev", "local"]) runs[stack] = await runOffline({ stack });
    runs.prodReplaced = await runOffline({ stack: "prod", config: replaced("prod"), stackFile: "Pulumi.prod-replaced.yaml" });
    runs.devReplaced = await runOffline({ stack: "dev", config: replaced("dev"), stackFile: "Pulumi.dev-replaced.yaml" });
    for (const [name, run] of Object.entries(runs)) {
        serverVerdicts[name] = await runPolicies(run.graph, [noPlaceholderValues], { enforcement: "server" });
        offlineVerdicts[name] = await runPolicies(run.graph, [noPlaceholderValues]);
    }
}, 300_000);

describe("no-placeholder-values: what counts as a placeholder", () => {
    it.each([
        ["app.example.com", /RFC 2606/],
        ["example.org", /RFC 2606/],
        ["_e237e2ae.app.example.net.", /RFC 2606/],
        ["oncall@example.com", /RFC 2606/],
        ["https://dev.example.com/health", /RFC 2606/],
        ["*.shop.test", /\.test is a reserved top-level domain/],
        ["api.invalid:443", /\.invalid/],
        ["www.example", /\.example/],
        ["203.0.113.7/32", /documentation address range/],
        ["198.51.100.0/24", /documentation address range/],
        ["192.0.2.1/32", /documentation address range/],
        ["2001:db8::/48", /documentation address range/],
        [`ssh-ed25519 ${shippedExamples.sshKeyBody} you@laptop`, /example SSH public key/],
        [shippedExamples.hostedZoneId, /hosted zone id/],
    ])("%s is one", (value, why) => {
        expect(placeholderIn(value)).toMatch(why);
    });

    it.each([
        "app.localhost", // the local target's own domain: loopback, not a placeholder
        "example.com.au",
        "myexample.com",
        "examples.org",
        "app.acme-shop.io",
        "203.0.112.0/23", // wider than a documentation range: a real block that contains one
        "0.0.0.0/0",
        "10.20.0.0/16",
        "aws:s3/bucket:Bucket",
        "slipway.test.yml\nwith text",
    ])("%s is not", (value) => {
        expect(placeholderIn(value)).toBeUndefined();
    });

    it("counts a bare documentation address only where a user lists it (the mocks answer computed IPs from those ranges)", () => {
        expect(placeholderIn("203.0.113.149", "connection.host")).toBeUndefined();
        expect(placeholderIn("203.0.113.149", "inboundRules[2].sourceAddresses[0]")).toMatch(/documentation address range/);
    });

    it("knows the example values the shipped stack files carry, verbatim", () => {
        expect(shippedConfig("dev")["slipway:vps"].sshPublicKeys[0]).toContain(shippedExamples.sshKeyBody);
        expect(shippedConfig("prod")["slipway:web"].hostedZoneId).toBe(shippedExamples.hostedZoneId);
    });

    it("is registered in the pack at mandatory, advisory only in the offline plan", () => {
        const rule = allRules.find((r) => r.meta.name === "no-placeholder-values");
        expect(rule?.meta.level).toBe("mandatory");
        expect(rule?.policy.enforcementLevel).toBe("mandatory");
        expect(rule?.meta.offline?.level).toBe("advisory");
    });
});

describe("no-placeholder-values on the shipped stacks, as `pulumi preview --policy-pack policy` enforces it", () => {
    it("fails prod on its example domain, alarm email and hosted zone", () => {
        const v = serverVerdicts.prod;
        expect(v.every((x) => x.level === "mandatory")).toBe(true);
        const by = Object.fromEntries(v.map((x) => [leaf(x), x.message]));
        expect(by["web-certificate"]).toMatch(/domainName "app\.example\.com"/);
        expect(by["monitoring-email-oncall-example-com"]).toMatch(/endpoint "oncall@example\.com"/);
        expect(by["web-dns-a"]).toMatch(/zoneId "Z0123456789ABCDEFGHIJ" \(the example Route 53 hosted zone id/);
        expect(by["monitoring-health"]).toMatch(/fqdn "app\.example\.com"/);
    });

    it("fails dev on its DNS zone, SSH allow list, SSH key and ACME email", () => {
        const v = serverVerdicts.dev;
        expect(v.every((x) => x.level === "mandatory")).toBe(true);
        const by = Object.fromEntries(v.map((x) => [leaf(x), x.message]));
        expect(by["vps-dns"]).toMatch(/domain "example\.com"/);
        expect(by["vps-firewall"]).toMatch(/sourceAddresses\[0\] "203\.0\.113\.7\/32" \(203\.0\.113\.0\/24 is a documentation address range/);
        expect(by["vps-authorized-keys"]).toMatch(/example SSH public key shipped in Pulumi\.dev\.yaml/);
        expect(by["web-acme-issue"]).toMatch(/"ops@example\.com"/);
        // The mocks' reserved IP (203.0.113.x, a computed output) is not reported.
        expect(v.map((x) => x.message).join("\n")).not.toMatch(/connection\.host/);
    });

    it("passes local (app.localhost is loopback, not a placeholder)", () => {
        expect(serverVerdicts.local).toEqual([]);
    });

    it.each(["prodReplaced", "devReplaced"])("passes %s: the shipped stack with every example value replaced", (name) => {
        expect(runs[name].graph.resources.length).toBeGreaterThan(50);
        expect(serverVerdicts[name]).toEqual([]);
        expect(offlineVerdicts[name]).toEqual([]);
    });
});

describe("no-placeholder-values in the offline plan", () => {
    it.each(["prod", "dev"])("reports the same findings on %s as advisories, saying they are mandatory under pulumi preview", (stack) => {
        const offline = offlineVerdicts[stack];
        expect(offline.map((v) => [leaf(v), v.level])).toEqual(serverVerdicts[stack].map((v) => [leaf(v), "advisory"]));
        for (const v of offline) expect(v.message).toMatch(/\(mandatory under `pulumi preview --policy-pack policy`; advisory in the offline plan/);
    });

    it("keeps a level the user's policy config sets", async () => {
        const strict = await runPolicies(runs.prod.graph, [noPlaceholderValues], { config: { "no-placeholder-values": "mandatory" } });
        expect(strict.length).toBe(serverVerdicts.prod.length);
        expect(strict.every((v) => v.level === "mandatory" && !/advisory in the offline plan/.test(v.message))).toBe(true);
        const off = await runPolicies(runs.prod.graph, [noPlaceholderValues], { config: { all: "disabled" } });
        expect(off).toEqual([]);
    });
});
