import { describe, expect, it } from "vitest";
import { statefulProtected } from "../../policy/rules/stack/stateful-protected";
import { PREVIEW_UNKNOWN } from "./helpers";
import { awsProvider, awsStack, dockerStack, dropletStack, T } from "./stack-fixtures";
import { type Node, patch, run, violations } from "./stack-graph";

const rule = statefulProtected;
const unprotect = (nodes: Node[], name: string) => nodes.map((n) => (n.name === name ? { ...n, protect: false } : n));
const withEnv = (nodes: Node[], environment: unknown) =>
    nodes.map((n) => (n.name === "aws" ? awsProvider({ project: "p", stack: "s", owner: "o", environment: environment as string }) : n));

describe("stateful-protected", () => {
    it("passes a production stack whose stateful resources are protected", async () => {
        expect(await run(rule, awsStack())).toEqual([]);
    });

    it.each(["db-instance", "cache-group", "backups-bucket", "db-key", "cache-key", "backups-key"])("fails %s unprotected in production", async (name) => {
        expect(await run(rule, unprotect(awsStack(), name))).toEqual([
            expect.stringMatching(new RegExp(`^${name}: .*is stateful and not protected \\(protect: false\\) in a production stack \\(AWS provider default tag environment=production\\)`)),
        ]);
    });

    it("leaves stateless resources and non-data keys alone", async () => {
        const loose = awsStack().map((n) => (["web-access-logs", "web-key", "net-vpc"].includes(n.name) ? { ...n, protect: false } : n));
        expect(await run(rule, loose)).toEqual([]);
        expect(await run(rule, loose, { config: { "stateful-protected": { allBuckets: true } } })).toEqual([expect.stringMatching(/^web-access-logs: /)]);
    });

    it("finds data keys by use, outside any component", async () => {
        const key: Node = { type: T.kms, name: "loose-key", provider: "aws", props: {} };
        const nodes = [...awsStack(), key].map((n) => (n.name === "db-instance" ? { ...n, deps: { ...n.deps, performanceInsightsKmsKeyId: ["loose-key"] } } : n));
        expect(await run(rule, nodes)).toEqual([expect.stringMatching(/^loose-key: /)]);
    });

    it("is not applicable outside production", async () => {
        const dev = unprotect(withEnv(awsStack(), "development"), "db-instance");
        expect(await run(rule, dev)).toEqual([]);
        expect(await run(rule, unprotect(dropletStack(), "vps-data"))).toEqual([]);
    });

    it("decides production by stack name for Docker and DigitalOcean stacks", async () => {
        const nodes = unprotect(dropletStack(), "vps-data");
        expect(await run(rule, nodes, {}, "prod")).toEqual([expect.stringMatching(/^vps-data: .*stack "prod" is listed in productionStacks/)]);
        expect(await run(rule, nodes, { config: { "stateful-protected": { productionStacks: ["live"] } } }, "live")).toHaveLength(1);
        expect(await run(rule, nodes, { config: { "stateful-protected": { productionStacks: [] } } }, "prod")).toEqual([]);
        const spaces = patch(dockerStack(), "backups-bucket", {}, { protect: false });
        expect(await run(rule, spaces, {}, "prod")).toEqual([expect.stringMatching(/^backups-bucket: /)]);
    });

    it("honours productionEnvironments and stack tags, and treats an unknown environment as production", async () => {
        const staging = unprotect(withEnv(awsStack(), "staging"), "db-instance");
        expect(await run(rule, staging)).toEqual([]);
        expect(await run(rule, staging, { config: { "stateful-protected": { productionEnvironments: ["staging"] } } })).toHaveLength(1);
        const dev = unprotect(withEnv(awsStack(), "development"), "db-instance");
        expect(await run(rule, dev, { stackTags: new Map([["environment", "production"]]) })).toHaveLength(1);
        // Provider inputs are JSON strings: a computed tag makes the whole defaultTags unknown.
        const unknown = patch(unprotect(awsStack(), "db-instance"), "aws", { defaultTags: PREVIEW_UNKNOWN });
        expect(await run(rule, unknown)).toEqual([expect.stringMatching(/unknown at preview \(treated as production\)/)]);
    });

    it("is mandatory by default", async () => {
        const [v] = await violations(rule, unprotect(awsStack(), "db-instance"));
        expect(v.level).toBe("mandatory");
    });
});
