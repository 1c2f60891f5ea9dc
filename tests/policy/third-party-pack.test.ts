import type { Policy, StackValidationPolicy } from "@pulumi/policy";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Graph } from "../../offline/graph";
import { loadPolicyPack } from "../../offline/policy-pack";
import { type PolicyPackRun, type Violation, runPack } from "../../offline/policy-run";
import type { RecordedResource } from "../../offline/recorder";
import { type OfflineRun, runOffline } from "../../offline/run";

/**
 * Issue 13 item 9: a published CrossGuard pack, @pulumi/awsguard (a devDependency), runs on the
 * prod graph through `plan --policy-pack DIR`. The fixture pack is what `pulumi policy new
 * awsguard-typescript` creates, with the three policies that call AWS APIs from inside the
 * policy (ACM DescribeCertificate, IAM ListAccessKeys / ListMFADevices) disabled: offline runs
 * send no traffic.
 *
 * AWSGuard 0.3.1 is built on @pulumi/aws 4 (npm installs that copy beside our 7): its classes'
 * type tokens are what the server compares, so it sees our RDS instance, KMS keys and S3
 * buckets, and not our ALB (it checks the v4-era aws:applicationloadbalancing and
 * aws:elasticloadbalancingv2 tokens, not aws:lb). Its S3 check reads the v4 bucket's inline
 * `loggings`, which aws 7 moved to BucketLogging, so it reports all three buckets.
 */

const root = resolve(__dirname, "../..");
const packDir = join(__dirname, "fixtures/packs/awsguard");

/** The pack with each policy counting the resources it actually evaluated (not notApplicable). */
function counting(pack: PolicyPackRun, seen: Map<string, string[]>): PolicyPackRun {
    const note = (policy: string, what: string) => seen.set(policy, [...(seen.get(policy) ?? []), what]);
    const policies = pack.policies.map((p): Policy => {
        const q = { ...p } as Record<string, any>;
        if ("validateResource" in p && p.validateResource) {
            q.validateResource = ([] as any[]).concat(p.validateResource).map((v) => async (args: any, report: any) => {
                await v(args, report);
                note(p.name, args.name);
            });
        }
        const validateStack = (p as StackValidationPolicy).validateStack;
        if (typeof validateStack === "function") {
            q.validateStack = async (args: any, report: any) => {
                await validateStack(args, report);
                note(p.name, "(stack)");
            };
        }
        return q as Policy;
    });
    return { ...pack, policies };
}

/** A copy of the graph with one resource's inputs changed. */
function mutate(graph: Graph, name: string, change: Record<string, unknown>): Graph {
    return new Graph(graph.resources.map((r): RecordedResource => (r.name === name ? { ...r, inputs: { ...r.inputs, ...change } } : r)));
}

/** The policies that call AWS from inside the policy, as the fixture pack disables them. */
const apiCalling = { "acm-certificate-expiration": "disabled", "access-keys-rotated": "disabled", "mfa-enabled-for-iam-console-access": "disabled" };

let prod: OfflineRun;
let pack: PolicyPackRun;
const seen = new Map<string, string[]>();
let found: Violation[] = [];

beforeAll(async () => {
    prod = await runOffline({ stack: "prod" });
    pack = loadPolicyPack(packDir);
    found = await runPack(prod.graph, counting(pack, seen));
}, 120_000);

const names = (type: string) => prod.graph.ofType(type).map((r) => r.name);

describe("@pulumi/awsguard on the prod graph", () => {
    it("is the published pack, loaded with its own initial config", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const version = (require(require.resolve("@pulumi/awsguard/package.json", { paths: [packDir] })) as { version: string }).version;
        expect(version.replace(/^v/, "")).toBe("0.3.1");
        expect(pack.name).toBe("pulumi-awsguard");
        expect(pack.policies.length).toBeGreaterThanOrEqual(25);
        expect(pack.initialConfig).toMatchObject({ all: "advisory", ...apiCalling });
    });

    it("evaluates every resource of the types it knows, and nothing crashed or was skipped", () => {
        expect(names("aws:rds/instance:Instance")).toHaveLength(1);
        for (const p of ["rds-instance-backup-enabled", "rds-instance-multi-az-enabled", "rds-instance-public-access", "rds-storage-encrypted"]) {
            expect(seen.get(p), p).toEqual(names("aws:rds/instance:Instance"));
        }
        expect(names("aws:kms/key:Key").length).toBeGreaterThan(3);
        expect(seen.get("cmk-backing-key-rotation-enabled")).toEqual(names("aws:kms/key:Key"));
        expect(seen.get("s3-bucket-logging-enabled")).toEqual(names("aws:s3/bucket:Bucket"));
        // The API-calling policies never ran.
        for (const p of ["acm-certificate-expiration", "access-keys-rotated", "mfa-enabled-for-iam-console-access"]) expect(seen.get(p), p).toBeUndefined();
    });

    it("reports its S3 logging check on every bucket (its aws 4 view of the bucket), and passes our RDS and KMS settings", () => {
        expect(found.map((v) => [v.pack, v.policy, v.level, v.urn.split("::").pop(), v.message])).toEqual(
            names("aws:s3/bucket:Bucket").map((b) => ["pulumi-awsguard", "s3-bucket-logging-enabled", "advisory", b, "Bucket logging must be defined."]),
        );
        expect(names("aws:s3/bucket:Bucket")).toEqual(expect.arrayContaining(["backups-bucket", "web-access-logs"]));
    });

    it("catches a weakened prod graph: an unencrypted, single-AZ database and a key without rotation", async () => {
        let weak = mutate(prod.graph, "db-instance", { storageEncrypted: false, multiAz: false });
        weak = mutate(weak, "db-key", { enableKeyRotation: false });
        const vs = (await runPack(weak, pack)).filter((v) => v.policy !== "s3-bucket-logging-enabled");
        expect(vs.map((v) => [v.policy, v.urn.split("::").pop()]).sort()).toEqual([
            ["cmk-backing-key-rotation-enabled", "db-key"],
            ["rds-instance-multi-az-enabled", "db-instance"],
            ["rds-storage-encrypted", "db-instance"],
        ]);
        // A user's `all` overrides the pack's initial config (the CLI's order), so the API-calling
        // policies are disabled again after it.
        const strict = await runPack(weak, pack, { config: { all: "mandatory", ...apiCalling } });
        expect(strict.filter((v) => v.policy === "rds-storage-encrypted").map((v) => v.level)).toEqual(["mandatory"]);
    });
});

describe("npm run plan -- --policy-pack DIR", () => {
    it("runs the pack beside ours and keeps the exit code on its mandatory findings", () => {
        const plan = (...args: string[]) =>
            spawnSync(process.execPath, ["scripts/launch.js", "plan", "--stack", "prod", "--json", ...args], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20, timeout: 180_000 });
        const r = plan("--policy-pack", "tests/policy/fixtures/packs/awsguard");
        expect(r.status, r.stderr).toBe(0);
        const doc = JSON.parse(r.stdout) as { policy: { violations: Violation[] } };
        const theirs = doc.policy.violations.filter((v) => v.pack === "pulumi-awsguard");
        expect(theirs.map((v) => v.urn.split("::").pop()).sort()).toEqual(names("aws:s3/bucket:Bucket").sort());
        // Ours ran too.
        expect(doc.policy.violations.some((v) => v.pack === undefined)).toBe(true);

        // Its config file, paired by position: every policy mandatory → the plan exits 3.
        const config = join(mkdtempSync(join(tmpdir(), "slipway-awsguard-")), "awsguard.json");
        writeFileSync(config, JSON.stringify({ all: "mandatory", ...apiCalling }));
        const strict = plan("--policy-pack", "tests/policy/fixtures/packs/awsguard", "--policy-pack-config", config);
        expect(strict.status, strict.stderr).toBe(3);
        const mandatory = (JSON.parse(strict.stdout) as { policy: { violations: Violation[] } }).policy.violations.filter((v) => v.level === "mandatory");
        expect(mandatory.map((v) => v.pack)).toEqual(names("aws:s3/bucket:Bucket").map(() => "pulumi-awsguard"));

        const bad = plan("--policy-pack", "tests/policy/fixtures");
        expect(bad.status).toBe(2);
        expect(bad.stdout).toBe("");
        // One line for the bad input (the program's own warnings may precede it).
        expect(bad.stderr.trim().split("\n").filter((l) => !l.startsWith("warning:"))).toEqual([expect.stringMatching(/^--policy-pack tests\/policy\/fixtures: not a policy pack \(no PulumiPolicy\.yaml/)]);
    }, 240_000);
});
