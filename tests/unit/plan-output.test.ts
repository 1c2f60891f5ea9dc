/**
 * The plan reads like Pulumi (issue 13, item 8): `+` for every create, type tokens spelled as
 * `pulumi preview` spells them, one resource count in the tree, --json, the cost section and the
 * benchmark, advisories grouped by rule, only the usage assumptions a stack is priced from,
 * --json with --diagram refused, and the stack files' cost comments equal to the estimate.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { Violation } from "../../offline/policy-run";
import { renderPolicy, shortType } from "../../offline/tree";

const root = resolve(__dirname, "../..");
const stacks = ["prod", "dev", "local"] as const;

/** What `npm run plan -- ...args` runs. */
function plan(...args: string[]) {
    return spawnSync(process.execPath, ["scripts/launch.js", "plan", ...args], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20, timeout: 120_000 });
}

const text: Record<string, string> = {};
interface PlanDoc {
    counts: { resources: number; providers: number; components: number };
    resources: { type: string }[];
    cost: { monthlyUsd: number; lines: unknown[]; notPriced: unknown[]; assumptionsUsed: string[] };
}
const json: Record<string, PlanDoc> = {};
const planned = (stack: string) => {
    if (!text[stack]) {
        const t = plan("--stack", stack);
        const j = plan("--stack", stack, "--json");
        expect(t.status, t.stderr).toBe(0);
        expect(j.status, j.stderr).toBe(0);
        text[stack] = t.stdout;
        json[stack] = JSON.parse(j.stdout);
    }
    return { text: text[stack], doc: json[stack] };
};
/** The plan text without its Outputs block (values there are the program's, not ours). */
const withoutOutputs = (t: string) => t.replace(/\nOutputs:\n(?: {2}.*\n)*/, "\n");

describe("type tokens: one spelling, Pulumi's", () => {
    it("shortType is pulumi preview's simplifyTypeName", () => {
        expect(shortType("aws:rds/instance:Instance")).toBe("aws:rds:Instance");
        expect(shortType("random:index/randomPassword:RandomPassword")).toBe("random:index:RandomPassword");
        expect(shortType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")).toBe("aws:vpc:SecurityGroupIngressRule");
        // The module file is not the camel-cased name: Pulumi leaves the token whole.
        expect(shortType("aws:s3/bucketV2:Bucket")).toBe("aws:s3/bucketV2:Bucket");
        expect(shortType("pulumi:providers:aws")).toBe("pulumi:providers:aws");
        expect(shortType("slipway:components:Network")).toBe("slipway:components:Network");
    });

    it.each(stacks)("%s: the text names no type in its long form", (stack) => {
        const longTypes = planned(stack).doc.resources.map((r) => r.type).filter((t) => shortType(t) !== t);
        expect(longTypes.length).toBeGreaterThan(0);
        const body = withoutOutputs(planned(stack).text);
        for (const t of new Set(longTypes)) expect(body, t).not.toContain(t);
    });
});

describe("the tree", () => {
    it.each(stacks)("%s: every resource is a `+` line, as a create in pulumi preview", (stack) => {
        const { text: t, doc } = planned(stack);
        const tree = t.split("\n\n")[1].split("\n");
        expect(tree).toHaveLength(doc.resources.length);
        for (const line of tree) expect(line).toMatch(/^(?: {2})+\+ \S+ {2}\S+/);
    });
});

describe("one resource count", () => {
    it.each(stacks)("%s: summary, component counts, --json counts and the cost section agree", (stack) => {
        const { text: t, doc } = planned(stack);
        const n = doc.counts.resources;
        const nonCounted = doc.resources.filter((r) => r.type.startsWith("pulumi:providers:") || r.type.startsWith("slipway:components:")).length;
        expect(n).toBe(doc.resources.length - nonCounted);
        expect(t).toMatch(new RegExp(`^\\+ ${n} resources to create in ${doc.counts.components} components \\(and ${doc.counts.providers} provider\\)$`, "m"));
        // The top level's components (by their counts) and resources outside any component add up to the total.
        const tops = [...t.matchAll(/^ {2}\+ \S+ {2}slipway:components:\w+ {2}\((\d+) resources?\)/gm)].map((m) => Number(m[1]));
        const loose = [...t.matchAll(/^ {2}\+ \S+ {2}(\S+)/gm)].filter((m) => !/^(slipway:components|pulumi:providers):/.test(m[1])).length;
        expect(tops.reduce((a, b) => a + b, 0) + loose).toBe(n);
        // Priced, free and not priced: each resource is exactly one cost line or one not-priced entry.
        expect(doc.cost.lines.length + doc.cost.notPriced.length).toBe(n);
        const [, priced, free] = t.match(/total for (\d+) priced resources; (\d+) more at no charge/) ?? [];
        const notPriced = Number(t.match(/Not priced \((\d+),/)?.[1] ?? 0);
        expect(Number(priced) + Number(free) + notPriced).toBe(n);
    });

    it("the plan benchmark reports the same count", () => {
        const r = spawnSync(process.execPath, ["--import", "tsx", "tests/bench/plan-time.ts", "--stack", "local", "--runs", "1"], { cwd: root, encoding: "utf8", timeout: 120_000 });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toContain(`plan --stack local --json: ${planned("local").doc.counts.resources} resources,`);
    });
});

describe("the policy section", () => {
    const v = (policy: string, level: "mandatory" | "advisory", name: string, message: string): Violation => ({
        policy,
        level,
        urn: name ? `urn:pulumi:s::slipway::t::${name}` : "",
        message,
    });

    it("groups findings by rule with counts, mandatory first, each message once with its resources", () => {
        const out = renderPolicy(10, [
            v("cpu", "advisory", "a", "no CPU limit"),
            v("rds-multi-az", "mandatory", "db", "multiAz is false"),
            v("cpu", "advisory", "b", "no CPU limit"),
            v("cpu", "advisory", "c", "no CPU limit (shares)"),
            v("tags", "advisory", "", "stack has no owner tag"),
        ]);
        expect(out).toEqual([
            "Policy: 10 rules; 1 mandatory and 4 advisory findings from 3 rules",
            "  [mandatory] rds-multi-az: 1 finding",
            "    db: multiAz is false",
            "  [advisory] cpu: 3 findings",
            "    a, b: no CPU limit",
            "    c: no CPU limit (shares)",
            "  [advisory] tags: 1 finding",
            "    (stack): stack has no owner tag",
        ]);
        expect(renderPolicy(10, [])).toEqual(["Policy: 10 rules; 0 mandatory and 0 advisory findings"]);
    });

    it.each(stacks)("%s: one header per rule, and the counts add up to the summary", (stack) => {
        const t = planned(stack).text;
        const [, , advisory] = t.match(/^Policy: \d+ rules; (\d+) mandatory and (\d+) advisory findings/m) ?? [];
        const headers = [...t.matchAll(/^ {2}\[advisory\] (\S+): (\d+) findings?$/gm)];
        expect(new Set(headers.map((h) => h[1])).size).toBe(headers.length);
        expect(headers.reduce((a, h) => a + Number(h[2]), 0)).toBe(Number(advisory));
    });

    it("prod: an image pinned by tag only is an advisory finding, and no warning on the side", () => {
        const r = plan("--stack", "prod");
        expect(r.status, r.stderr).toBe(0);
        expect(r.stderr).not.toMatch(/pinned by digest/);
        expect(r.stdout).toMatch(/^ {2}\[advisory\] image-pinned-digest: 1 finding\n {4}web-task: container "app": image "ghcr\.io\/slipway-dev\/sample-app:1\.0\.0" has no digest/m);
    });
});

describe("cost assumptions", () => {
    it("are printed only when a line was priced from them: the AWS ones for aws only", () => {
        const aws = /natProcessedGb|wafLogsGb|flowLogsGb|albLcus|containerInsightsMetrics/;
        expect(planned("prod").text).toMatch(/Assumptions \(override with slipway:costAssumptions\): .*natProcessedGb=50/);
        expect(planned("dev").text).toMatch(/^ {2}Assumptions \(override with slipway:costAssumptions\): dataTransferOutGb=100, backupStorageGb=20$/m);
        expect(planned("dev").text).not.toMatch(aws);
        expect(planned("local").text).not.toMatch(/Assumptions/);
        expect(planned("dev").doc.cost.assumptionsUsed).toEqual(["dataTransferOutGb", "backupStorageGb"]);
    });
});

describe("--json with --diagram", () => {
    it("is refused with exit 2, one line on stderr and nothing on stdout", () => {
        for (const args of [["--json", "--diagram"], ["--diagram", "--json"]]) {
            const r = plan("--stack", "local", ...args);
            expect(r.status).toBe(2);
            expect(r.stdout).toBe("");
            expect(r.stderr.trim().split("\n")).toEqual(["--json and --diagram cannot be combined: each prints a whole document; run the plan once for each"]);
        }
    });
});

describe("the shipped stack files' cost comments", () => {
    const files = readdirSync(root).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
    it.each(files)("%s: every $/month figure in its comments is the plan's estimate", (file) => {
        const stack = file.slice("Pulumi.".length, -".yaml".length);
        const comments = readFileSync(resolve(root, file), "utf8")
            .split("\n")
            .filter((l) => l.trimStart().startsWith("#"))
            .join("\n");
        const figures = [...comments.matchAll(/(~?)\$([\d,.]+)\s*(?:\/|a |per )month/g)];
        const estimate = planned(stack).doc.cost.monthlyUsd;
        for (const [whole, approx, amount] of figures) {
            expect(approx, `${whole}: give the estimate itself, not an approximation`).toBe("");
            expect(Number(amount.replace(/,/g, "")), whole).toBe(estimate);
        }
    });

    it("dev's comment states its estimate", () => {
        expect(readFileSync(resolve(root, "Pulumi.dev.yaml"), "utf8")).toContain(`($${planned("dev").doc.cost.monthlyUsd.toFixed(2)}/month`);
    });
});
