import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { remediateResourceOfType, validateResourceOfType, validateStackResourcesOfType } from "@pulumi/policy";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { loadPolicyPack, runPolicyPacks } from "../../offline/policy-pack";
import { type PolicyPackRun, type Violation, runPack, runPolicies } from "../../offline/policy-run";
import { SecretValue } from "../../offline/secret-value";
import { stackRule } from "../../policy/rules/kit";
import { PREVIEW_UNKNOWN, fakeGraph, urnOf } from "./helpers";

/**
 * Issue 13 item 9: the in-process runner gives policies what the policy server of
 * node_modules/@pulumi/policy/server.js gives them, and the CLI's config reconciliation
 * (ReconcilePolicyPackConfig), so any pack written against `@pulumi/policy` runs offline.
 */

// Classes as SDK-generated resources carry them; one with only isInstance (the server's fallback).
const Bucket = { __pulumiType: "aws:s3/bucket:Bucket" };
const Key = { isInstance: (o: { __pulumiType?: string }) => o?.__pulumiType === "aws:kms/key:Key" };

const graph = () =>
    fakeGraph([
        { type: "pulumi:providers:aws", name: "east", props: { region: "us-east-1" } },
        { type: "slipway:components:BackupBucket", name: "backups", props: {} },
        { type: "aws:kms/key:Key", name: "key", props: { enableKeyRotation: false }, parent: urnOf("slipway:components:BackupBucket", "backups"), provider: urnOf("pulumi:providers:aws", "east") },
        {
            type: "aws:s3/bucket:Bucket",
            name: "logs",
            props: { tags: { owner: "ops" }, secretNote: new SecretValue("s3cr3t"), region: PREVIEW_UNKNOWN },
            parent: urnOf("slipway:components:BackupBucket", "backups"),
            dependencies: [urnOf("aws:kms/key:Key", "key")],
            propertyDependencies: { kmsKeyId: [urnOf("aws:kms/key:Key", "key")] },
            protect: true,
        },
        { type: "aws:s3/bucket:Bucket", name: "data", props: { tags: {} } },
    ]);

type Policy = ResourceValidationPolicy | StackValidationPolicy;
const pack = (policies: Policy[], extra: Partial<PolicyPackRun> = {}): PolicyPackRun => ({ name: "test-pack", version: "1.0.0", enforcementLevel: "advisory", policies, ...extra });
const brief = (vs: Violation[]) => vs.map((v) => [v.policy, v.level, v.urn.split("::").pop(), v.message]);

describe("resource policies get the server's arguments", () => {
    it("isType/asType answer by the class's type token, else its isInstance; the typed helpers filter on them", async () => {
        const seen: string[] = [];
        const policies: Policy[] = [
            {
                name: "typed",
                description: "d",
                validateResource: validateResourceOfType(Bucket as never, (bucket: any, args, report) => {
                    seen.push(args.name);
                    expect(args.isType(Bucket as never)).toBe(true);
                    expect(args.asType(Bucket as never)).toBe(args.props);
                    expect(args.isType(Key as never)).toBe(false);
                    expect(args.asType(Key as never)).toBeUndefined();
                    if (!bucket.tags.owner) report("no owner");
                }),
            },
            {
                name: "by-instance",
                description: "d",
                validateResource: (args, report) => {
                    if (args.isType(Key as never)) report(`key rotation ${(args.asType(Key as never) as any).enableKeyRotation}`);
                },
            },
        ];
        expect(brief(await runPack(graph(), pack(policies)))).toEqual([
            ["typed", "advisory", "data", "no owner"],
            ["by-instance", "advisory", "key", "key rotation false"],
        ]);
        expect(seen).toEqual(["logs", "data"]);
    });

    it("passes urn, name, opts (with parent), provider and unpacked secrets; an unknown read is an advisory", async () => {
        let got: any;
        const policy: Policy = {
            name: "inspect",
            description: "d",
            validateResource: (args) => {
                if (args.name !== "logs") return;
                got = { urn: args.urn, opts: args.opts, secret: args.props.secretNote };
                got.region = args.props.region; // unknown at preview: throws
            },
        };
        const findings = await runPack(graph(), pack([policy]));
        expect(got.urn).toBe(urnOf("aws:s3/bucket:Bucket", "logs"));
        expect(got.opts).toMatchObject({ protect: true, parent: urnOf("slipway:components:BackupBucket", "backups"), aliases: [] });
        expect(got.secret).toBe("s3cr3t");
        expect(brief(findings)).toEqual([["inspect", "advisory", "logs", expect.stringMatching(/^can't run policy 'inspect' during preview: string value at \.region/)]]);

        let provider: any;
        await runPack(graph(), pack([{ name: "p", description: "d", validateResource: (a) => void (a.name === "key" && (provider = a.provider)) } as Policy]));
        expect(provider).toMatchObject({ type: "pulumi:providers:aws", name: "east", urn: urnOf("pulumi:providers:aws", "east") });
        expect(provider.props.region).toBe("us-east-1");
    });

    it("notApplicable skips; reportViolation also takes an object; any other error fails the run naming policy and pack", async () => {
        const policies: Policy[] = [
            { name: "na", description: "d", validateResource: (a, report) => (a.notApplicable("not mine"), report("never")) },
            { name: "obj", description: "fallback", validateResource: (a, report) => void (a.name === "data" && (report as any)({ message: "as object", enforcementLevel: "mandatory" })) },
        ];
        expect(brief(await runPack(graph(), pack(policies)))).toEqual([["obj", "mandatory", "data", "as object"]]);
        const broken = pack([{ name: "boom", description: "d", validateResource: () => { throw new Error("bad"); } }]);
        await expect(runPack(graph(), broken)).rejects.toThrow("Error validating resource with policy 'boom' from policy pack 'test-pack@v1.0.0': bad");
    });
});

describe("stack policies get linked resources", () => {
    it("resources answer isType/asType, and parent, dependencies and propertyDependencies are the resource objects", async () => {
        let logs: PolicyResource | undefined;
        let bucketNames: string[] = [];
        const policies: Policy[] = [
            {
                name: "stack",
                description: "d",
                validateStack: validateStackResourcesOfType(Bucket as never, (buckets, args) => {
                    bucketNames = args.resources.map((r) => r.name);
                    logs = args.resources.find((r) => r.name === "logs");
                    expect(buckets).toHaveLength(2);
                }),
            },
        ];
        expect(await runPack(graph(), pack(policies))).toEqual([]);
        expect(bucketNames).toEqual(["logs", "data"]);
        expect(logs!.isType(Bucket as never)).toBe(true);
        expect(logs!.asType(Key as never)).toBeUndefined();
        expect(logs!.parent?.name).toBe("backups");
        expect(logs!.dependencies.map((d) => d.name)).toEqual(["key"]);
        expect(logs!.propertyDependencies.kmsKeyId.map((d) => d.name)).toEqual(["key"]);
        expect(logs!.dependencies[0].isType(Key as never)).toBe(true);
        expect(logs!.provider).toBeUndefined();
    });
});

describe("levels and config as the CLI reconciles them", () => {
    const configured: Policy = {
        name: "configured",
        description: "d",
        configSchema: { properties: { tag: { type: "string", default: "owner" }, min: { type: "number" } }, required: ["tag"] },
        validateResource: (a, report) => void (a.name === "data" && report(JSON.stringify(a.getConfig()))),
    };
    const other: Policy = { name: "other", description: "d", enforcementLevel: "advisory", validateResource: (a, report) => void (a.name === "data" && report("x")) };
    const levels = async (p: Partial<PolicyPackRun>, config?: Record<string, unknown>) => brief(await runPack(graph(), pack([configured, other], p), { config }));

    it("defaults come from the schema; the pack level applies where a policy has none", async () => {
        expect(await levels({ enforcementLevel: "mandatory" })).toEqual([
            ["configured", "mandatory", "data", '{"tag":"owner"}'],
            ["other", "advisory", "data", "x"],
        ]);
    });

    it("initial config, then the user's file: `all`, a level string, or settings with enforcementLevel", async () => {
        expect(await levels({ initialConfig: { all: "mandatory" } })).toEqual([
            ["configured", "mandatory", "data", '{"tag":"owner"}'],
            ["other", "mandatory", "data", "x"],
        ]);
        expect(await levels({ initialConfig: { all: "mandatory" } }, { other: "disabled", configured: { enforcementLevel: "advisory", min: 2 } })).toEqual([
            ["configured", "advisory", "data", '{"tag":"owner","min":2}'],
        ]);
        expect(await levels({}, { all: "disabled" })).toEqual([]);
    });

    it("refuses config the schema or the CLI would refuse", async () => {
        await expect(levels({}, { configured: { min: "two" } })).rejects.toThrow(/configured: min: invalid type, expected number, given string/);
        await expect(levels({}, { other: "strict" })).rejects.toThrow(/"other": "strict" is not a valid enforcement level/);
        await expect(levels({}, { other: 3 })).rejects.toThrow(/must be a string or object/);
    });

    it("a Slipway rule's offline level applies offline only, and not over the user's level", async () => {
        const rule = stackRule(
            { name: "placeholder-ish", group: "stack", description: "d", sources: [], remediation: "r", level: "mandatory", offline: { level: "advisory", note: "why" } },
            (_a, report) => report("found"),
        );
        expect(brief(await runPolicies(graph(), [rule]))).toEqual([["placeholder-ish", "advisory", "", "found (why)"]]);
        expect(brief(await runPolicies(graph(), [rule], { enforcement: "server" }))).toEqual([["placeholder-ish", "mandatory", "", "found"]]);
        expect(brief(await runPolicies(graph(), [rule], { config: { all: "mandatory" } }))).toEqual([["placeholder-ish", "mandatory", "", "found"]]);
    });
});

describe("remediations", () => {
    it("run first at level remediate, keep secrets secret, and the validations see their output; a violation left is mandatory", async () => {
        let validated: any;
        const policy: ResourceValidationPolicy = {
            name: "tag-it",
            description: "d",
            remediateResource: remediateResourceOfType(Bucket as never, (bucket: any) => {
                bucket.tags = { ...bucket.tags, owner: "platform" };
                bucket.secretNote = "rotated";
                return bucket;
            }),
            validateResource: (a, report) => {
                if (a.name !== "data") return;
                validated = { tags: a.props.tags, secret: a.props.secretNote };
                report("still checked");
            },
        };
        const vs = await runPack(graph(), pack([policy]), { config: { "tag-it": "remediate" } });
        expect(brief(vs)).toEqual([
            ["tag-it", "remediate", "logs", "remediated tags, secretNote"],
            ["tag-it", "remediate", "data", "remediated tags, secretNote"],
            ["tag-it", "mandatory", "data", "still checked"],
        ]);
        expect(validated).toEqual({ tags: { owner: "platform" }, secret: "rotated" });

        // Stack policies see the remediated props too.
        let stackSaw: unknown;
        const both = pack([policy, { name: "s", description: "d", validateStack: (a) => void (stackSaw = a.resources.find((r) => r.name === "logs")!.props.secretNote) }]);
        await runPack(graph(), both, { config: { "tag-it": "remediate" } });
        expect(stackSaw).toBe("rotated");
        // Not at remediate: the remediation does not run.
        expect(brief(await runPack(graph(), pack([policy])))).toEqual([["tag-it", "advisory", "data", "still checked"]]);
    });
});

describe("loading a pack directory", () => {
    const dir = join(__dirname, "fixtures/packs/basic");

    it("records `new PolicyPack(...)` without serving it, with its level, initial config and package version", async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const server = require("@pulumi/policy/server") as { serve: (...a: unknown[]) => void };
        const serve = vi.spyOn(server, "serve");
        const p = loadPolicyPack(dir);
        expect(serve).not.toHaveBeenCalled();
        serve.mockRestore();
        expect({ name: p.name, version: p.version, level: p.enforcementLevel, policies: p.policies.map((x) => x.name), initial: p.initialConfig }).toEqual({
            name: "basic",
            version: "2.3.4",
            level: "mandatory",
            policies: ["bucket-tagged", "few-buckets"],
            initial: { "few-buckets": "mandatory" },
        });
        // The real PolicyPack is back once the pack has loaded.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        expect((require("@pulumi/policy") as { PolicyPack: { name: string } }).PolicyPack.name).toBe("PolicyPack");
    });

    it("runs it beside ours: its initial config, then the --policy-pack-config file paired with it", async () => {
        const show = (vs: Violation[]) => vs.map((v) => [v.pack, v.policy, v.level, v.urn.split("::").pop(), v.message]);
        expect(show(await runPolicyPacks(graph(), [dir]))).toEqual([
            ["basic", "bucket-tagged", "mandatory", "data", "missing tag owner"],
            ["basic", "few-buckets", "mandatory", "", "2 buckets: logs, data"],
        ]);
        const file = join(mkdtempSync(join(tmpdir(), "slipway-pack-")), "config.json");
        writeFileSync(file, JSON.stringify({ "bucket-tagged": { tag: "team" }, "few-buckets": "disabled" }));
        expect(show(await runPolicyPacks(graph(), [dir], [file]))).toEqual([
            ["basic", "bucket-tagged", "mandatory", "logs", "missing tag team"],
            ["basic", "bucket-tagged", "mandatory", "data", "missing tag team"],
        ]);
    });

    it("refuses what the CLI would: not a pack, a config count that does not pair up, Slipway's own pack with a config", async () => {
        await expect(runPolicyPacks(graph(), [join(__dirname, "fixtures")])).rejects.toThrow(/not a policy pack \(no PulumiPolicy\.yaml/);
        await expect(runPolicyPacks(graph(), [dir], ["a.json", "b.json"])).rejects.toThrow(/--policy-pack-config given 2 times for 1 --policy-pack/);
        await expect(runPolicyPacks(graph(), [join(__dirname, "../../policy")], ["a.json"])).rejects.toThrow(/Slipway's own pack/);
        expect(await runPolicyPacks(graph(), [join(__dirname, "../../policy")])).toEqual([]);
    });
});
