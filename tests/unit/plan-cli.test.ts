import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");

/** What `npm run plan -- ...args` runs. */
function plan(...args: string[]) {
    return spawnSync(process.execPath, ["scripts/launch.js", "plan", ...args], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20, timeout: 120_000 });
}

describe("npm run plan", () => {
    it("--json prints exactly one document with resources, outputs and no secret values", () => {
        const r = plan("--stack", "prod", "--json");
        expect(r.status, r.stderr).toBe(0);
        const doc = JSON.parse(r.stdout);
        expect(doc.stack).toBe("prod");
        expect(doc.target).toBe("aws");
        expect(doc.resources.length).toBeGreaterThan(100);
        for (const res of doc.resources) expect(Object.keys(res).sort()).toEqual(["inputs", "name", "parent", "type", "urn"]);
        expect(doc.outputs.url).toBe("https://app.example.com");
        // Secrets show as "[secret]" (here a secret's value); outputs name secrets, never hold them.
        const version = doc.resources.find((x: { type: string }) => x.type === "aws:secretsmanager/secretVersion:SecretVersion");
        expect(version.inputs.secretString).toBe("[secret]");
        expect(doc.outputs.databaseAppSecretArn).toMatch(/^arn:aws:secretsmanager:/);
        // The generated credentials never appear in clear anywhere in the document.
        expect(r.stdout).not.toMatch(/offline-[0-9a-f]{8}-x/);
    });

    it("prints a tree by component with counts", () => {
        const r = plan("--stack", "prod");
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toMatch(/\+ web {2}slipway:components:WebTier {2}\(\d+ resources\)/);
        expect(r.stdout).toMatch(/^\+ \d+ resources to create in 6 components \(and 1 provider\)$/m);
    });

    it("exits 2 with one line on stderr for a bad config, and prints nothing on stdout", () => {
        const dir = mkdtempSync(join(tmpdir(), "slipway-plan-"));
        const file = join(dir, "Pulumi.broken.yaml");
        writeFileSync(file, "config:\n  aws:region: us-east-1\n  slipway:target: aws\n  slipway:domain: app.example.com\n  slipway:owner: t\n  slipway:app:\n    image: ghcr.io/a/b:1\n  slipway:database:\n    backupRetentionDays: 0\n");
        const r = plan("--stack", "broken", "--config-file", file, "--json");
        expect(r.status).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr.trim()).toBe(`${file}: slipway:database.backupRetentionDays is 0; expected an integer from 1 to 35`);
    });

    it("reports policy verdicts in --json and exits 3 when a mandatory rule fails", () => {
        const clean = JSON.parse(plan("--stack", "prod", "--json").stdout);
        expect(clean.policy.rules).toBeGreaterThanOrEqual(40);
        expect(clean.policy.violations.filter((v: { level: string }) => v.level === "mandatory")).toEqual([]);

        const dir = mkdtempSync(join(tmpdir(), "slipway-plan-"));
        const file = join(dir, "Pulumi.weak.yaml");
        const prod = readFileSync(resolve(root, "Pulumi.prod.yaml"), "utf8");
        writeFileSync(file, prod.replace("    backupRetentionDays: 30", "    backupRetentionDays: 30\n    multiAz: false"));
        const r = plan("--stack", "weak", "--config-file", file, "--json");
        expect(r.status).toBe(3);
        const doc = JSON.parse(r.stdout);
        expect(doc.policy.violations).toEqual(
            expect.arrayContaining([expect.objectContaining({ policy: "rds-multi-az", level: "mandatory", urn: expect.stringContaining("db-instance") })]),
        );
        const text = plan("--stack", "weak", "--config-file", file);
        expect(text.status).toBe(3);
        expect(text.stdout).toMatch(/\[mandatory\] rds-multi-az: /);
    });

    it("exits 2 for usage errors", () => {
        expect(plan().status).toBe(2);
        expect(plan("--stack", "prod", "--bogus").status).toBe(2);
    });
});
