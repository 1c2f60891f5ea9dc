import { describe, expect, it } from "vitest";
import { Graph } from "../../offline/graph";
import { runPolicies } from "../../offline/policy-run";
import type { RecordedResource } from "../../offline/recorder";
import { dockerHostMemoryBudget } from "../../policy/rules/stack/docker-host-memory-budget";
import { PREVIEW_UNKNOWN } from "./helpers";

const rule = dockerHostMemoryBudget;

interface C {
    name: string;
    memory: unknown;
    /** Fixed-name containers are delete-before-replace; app replicas are not. */
    dbr?: boolean;
}

function graph(size: unknown, containers: C[], droplets = 1): Graph {
    const base = { custom: true, dependencies: [], propertyDependencies: {}, protect: false, retainOnDelete: false, ignoreChanges: [], replaceOnChanges: [], additionalSecretOutputs: [] };
    const res = (type: string, name: string, inputs: Record<string, unknown>, deleteBeforeReplace = false): RecordedResource => ({
        ...base,
        urn: `urn:pulumi:t::slipway::${type}::${name}`,
        id: `${name}-id`,
        type,
        name,
        inputs,
        deleteBeforeReplace,
    });
    return new Graph([
        ...Array.from({ length: droplets }, (_, i) => res("digitalocean:index/droplet:Droplet", `vps-droplet-${i}`, { size })),
        ...containers.map((c) => res("docker:index/container:Container", c.name, { memory: c.memory }, c.dbr ?? true)),
    ]);
}

const messages = async (g: Graph): Promise<string[]> => (await runPolicies(g, [rule])).map((v) => v.message);

/** The shipped dev stack's containers (npm run plan -- --stack dev --json): 3040 MiB of limits, 512 of them app replicas. */
const dev: C[] = [
    { name: "web-app-0", memory: 256, dbr: false },
    { name: "web-app-1", memory: 256, dbr: false },
    { name: "web-edge", memory: 256 },
    { name: "web-certbot", memory: 128 },
    { name: "db-postgres", memory: 768 },
    { name: "cache-redis", memory: 256 },
    { name: "backups-container", memory: 256 },
    { name: "monitoring-prometheus", memory: 384 },
    { name: "monitoring-grafana", memory: 192 },
    { name: "monitoring-alertmanager", memory: 64 },
    { name: "monitoring-exporters", memory: 224 },
];

describe("docker-host-memory-budget", () => {
    it("passes the dev stack on its 4 GiB droplet: 3040 + 512 surge + 512 reserve = 4064 MiB", async () => {
        expect(await messages(graph("s-2vcpu-4gb", dev))).toEqual([]);
    });

    it("flags the dev stack as it was shipped (app 384, certbot 256, PostgreSQL 1024, Redis 512, backups 512, Grafana 256): 4256 MiB of limits, 5536 with surge and reserve", async () => {
        const shipped: Record<string, number> = { "web-app-0": 384, "web-app-1": 384, "web-certbot": 256, "db-postgres": 1024, "cache-redis": 512, "backups-container": 512, "monitoring-grafana": 256 };
        const before = dev.map((c) => ({ ...c, memory: shipped[c.name] ?? c.memory }));
        expect(await messages(graph("s-2vcpu-4gb", before))).toEqual([
            expect.stringMatching(/^vps-droplet-0 .*need 5536 MiB but size s-2vcpu-4gb has 4096 \(limits 4256 \+ roll surge 768 \+ OS reserve 512 = 5536 MiB .*surge from web-app-0, web-app-1\)/),
        ]);
    });

    it("counts create-before-delete containers twice: the same limits fit only when nothing rolls", async () => {
        const tight: C[] = [{ name: "a", memory: 1800, dbr: false }, { name: "b", memory: 1700 }];
        expect(await messages(graph("s-2vcpu-4gb", tight))).toHaveLength(1);
        expect(await messages(graph("s-2vcpu-4gb", tight.map((c) => ({ ...c, dbr: true }))))).toEqual([]);
    });

    it("fits the same stack on a bigger droplet, with the 10% reserve there", async () => {
        const big: C[] = [{ name: "a", memory: 7000 }];
        expect(await messages(graph("s-4vcpu-8gb", big))).toEqual([]);
        expect(await messages(graph("s-4vcpu-8gb", [{ name: "a", memory: 7400 }]))).toEqual([expect.stringMatching(/OS reserve 820/)]);
    });

    it("reports what it cannot decide: an unknown size or memory, a missing limit, an unreadable size", async () => {
        expect(await messages(graph(PREVIEW_UNKNOWN, dev))).toEqual([expect.stringMatching(/size is unknown during preview/)]);
        expect(await messages(graph("s-2vcpu-4gb", [{ name: "a", memory: PREVIEW_UNKNOWN }]))).toEqual([expect.stringMatching(/memory is unknown during preview/)]);
        expect(await messages(graph("s-2vcpu-4gb", [{ name: "a", memory: undefined }]))).toEqual([expect.stringMatching(/has no memory limit/)]);
        expect(await messages(graph("g-weird", dev))).toEqual([expect.stringMatching(/size is "g-weird"; expected a droplet size Slipway can read the memory of/)]);
    });

    it("skips stacks without exactly one droplet (local, aws, several hosts)", async () => {
        expect(await messages(graph("s-1vcpu-1gb", dev, 0))).toEqual([]);
        expect(await messages(graph("s-1vcpu-1gb", dev, 2))).toEqual([]);
    });

    it("is mandatory", async () => {
        const [v] = await runPolicies(graph("s-1vcpu-1gb", dev), [rule]);
        expect(v.level).toBe("mandatory");
    });
});
