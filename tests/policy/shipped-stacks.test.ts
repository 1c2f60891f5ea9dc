import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Graph } from "../../offline/graph";
import { type Violation, runPolicies } from "../../offline/policy-run";
import type { RecordedResource } from "../../offline/recorder";
import { type OfflineRun, runOffline } from "../../offline/run";
import { allRules } from "../../policy/rules";

/**
 * The whole pack over every shipped stack's mocked graph, as `pulumi preview --policy-pack`
 * would run it: no mandatory violation. Then weakened stacks, each of which must be caught.
 *
 * The rule groups are written in parallel: an expectation on a rule that is not in the pack yet
 * is skipped (its test name says which rule), never passed by accident.
 */

const root = join(__dirname, "../..");
const has = (rule: string): boolean => allRules.some((r) => r.meta.name === rule);
const itWith = (rule: string) => (has(rule) ? it : it.skip);

/** The `config:` section of a shipped stack file. */
const shippedConfig = (stack: string): Record<string, unknown> =>
    (parse(readFileSync(join(root, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;

/** The shipped config with one `slipway:` object key's fields changed. */
function weakened(stack: string, key: string, change: Record<string, unknown>): Record<string, unknown> {
    const config = shippedConfig(stack);
    return { ...config, [key]: { ...(config[key] as object), ...change } };
}

const show = (vs: Violation[]): string => vs.map((v) => `[${v.level}] ${v.policy} ${v.urn.split("::").pop() || "(stack)"}: ${v.message}`).join("\n");
const mandatory = (vs: Violation[]): Violation[] => vs.filter((v) => v.level === "mandatory");
const of = (vs: Violation[], policy: string): Violation[] => vs.filter((v) => v.policy === policy);

/** A copy of the graph with one recorded resource's inputs changed. */
function mutate(graph: Graph, name: string, change: (inputs: Record<string, unknown>) => Record<string, unknown>): Graph {
    const target = graph.byName(name);
    return new Graph(graph.resources.map((r): RecordedResource => (r === target ? { ...r, inputs: change(structuredClone(r.inputs)) } : r)));
}

const runs: Record<string, OfflineRun> = {};
const results: Record<string, Violation[]> = {};

beforeAll(async () => {
    // Sequential: the mock runtime is process-global.
    for (const stack of ["prod", "dev", "local"]) {
        runs[stack] = await runOffline({ stack });
        results[stack] = await runPolicies(runs[stack].graph, allRules);
    }

    const noMultiAzDb = weakened("prod", "slipway:database", { multiAz: false });
    runs.prodSingleAzDb = await runOffline({ stack: "prod", config: noMultiAzDb, stackFile: "Pulumi.prod-single-az-db.yaml" });
    results.prodSingleAzDb = await runPolicies(runs.prodSingleAzDb.graph, allRules);

    const noReplicaCache = weakened("prod", "slipway:cache", { replicas: 0, multiAz: false });
    runs.prodSingleCache = await runOffline({ stack: "prod", config: noReplicaCache, stackFile: "Pulumi.prod-single-cache.yaml" });
    results.prodSingleCache = await runPolicies(runs.prodSingleCache.graph, allRules);
}, 300_000);

describe("the pack over the shipped stacks", () => {
    it("has rules from every group it will run", () => {
        expect(allRules.length).toBeGreaterThan(0);
        expect(new Set(allRules.map((r) => r.meta.name)).size).toBe(allRules.length);
    });

    it.each(["prod", "dev", "local"])("finds no mandatory violation on %s", (stack) => {
        // One line per violation, so a failure reads as the list of what to fix.
        const found = show(mandatory(results[stack])).split("\n").filter(Boolean);
        expect(found, `mandatory violations on ${stack}`).toEqual([]);
    });

    it("ran the stack rules on real graphs (not an empty stack)", () => {
        expect(runs.prod.graph.ofType("aws:rds/instance:Instance")).toHaveLength(1);
        expect(runs.dev.graph.ofType("digitalocean:index/droplet:Droplet")).toHaveLength(1);
        expect(runs.local.graph.ofType("docker:index/container:Container").length).toBeGreaterThan(3);
    });
});

describe("weakened stacks are caught", () => {
    itWith("rds-multi-az")("prod with slipway:database.multiAz false → rds-multi-az", () => {
        expect(runs.prodSingleAzDb.graph.one("aws:rds/instance:Instance").inputs.multiAz).toBe(false);
        const found = of(results.prodSingleAzDb, "rds-multi-az");
        expect(found, show(results.prodSingleAzDb)).not.toEqual([]);
        expect(found.every((v) => v.level === "mandatory")).toBe(true);
    });

    itWith("redis-ha-backup")("prod with slipway:cache.replicas 0 and multiAz false → redis-ha-backup", () => {
        const group = runs.prodSingleCache.graph.one("aws:elasticache/replicationGroup:ReplicationGroup").inputs;
        expect(group.multiAzEnabled).not.toBe(true);
        const found = of(results.prodSingleCache, "redis-ha-backup");
        expect(found, show(results.prodSingleCache)).not.toEqual([]);
        expect(found.every((v) => v.level === "mandatory")).toBe(true);
    });

    // Stack config cannot open a port on the droplet's firewall (the rules are fixed: 80/443 world,
    // 22 from sshAllowedCidrs), so the weakening is made on the recorded graph: a world-open 5432.
    describe("dev with the firewall open on 5432 (graph-level weakening)", () => {
        let found: Violation[] = [];
        beforeAll(async () => {
            const open = mutate(runs.dev.graph, "vps-firewall", (inputs) => ({
                ...inputs,
                inboundRules: [...(inputs.inboundRules as unknown[]), { protocol: "tcp", portRange: "5432", sourceAddresses: ["0.0.0.0/0", "::/0"] }],
            }));
            found = await runPolicies(open, allRules);
        });

        itWith("do-firewall-ingress")("→ do-firewall-ingress", () => {
            const v = of(found, "do-firewall-ingress");
            expect(v, show(found)).toContainEqual(expect.objectContaining({ level: "mandatory", message: expect.stringMatching(/5432/) }));
        });
    });

    // A bucket made public: the config has no switch for it, so the recorded PublicAccessBlock is edited.
    describe("prod with the backup bucket's public access block turned off (graph-level weakening)", () => {
        let found: Violation[] = [];
        let bucketUrn = "";
        beforeAll(async () => {
            bucketUrn = runs.prod.graph.byName("backups-bucket").urn;
            const open = mutate(runs.prod.graph, "backups-public-access-block", (inputs) => ({
                ...inputs,
                blockPublicAcls: false,
                blockPublicPolicy: false,
                ignorePublicAcls: false,
                restrictPublicBuckets: false,
            }));
            found = await runPolicies(open, allRules);
        });

        it("→ bucket-completeness on the bucket", () => {
            expect(of(found, "bucket-completeness"), show(found)).toEqual([
                expect.objectContaining({ level: "mandatory", urn: bucketUrn, message: expect.stringMatching(/blockPublicAcls is false/) }),
            ]);
        });

        itWith("s3-block-public")("→ s3-block-public", () => {
            expect(of(found, "s3-block-public"), show(found)).toContainEqual(expect.objectContaining({ level: "mandatory" }));
        });
    });
});
