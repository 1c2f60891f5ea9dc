import { describe, expect, it } from "vitest";
import { DockerNetwork, dockerNetworkNames } from "../../components/network/docker";
import type { Graph } from "../../offline/graph";
import type { RecordedResource } from "../../offline/recorder";
import { expectArgError } from "../helpers/arg-error";
import { testDockerHost } from "../helpers/docker-host";
import { expectParentedAndPrefixed, isTestProvider } from "../helpers/children";
import { recordResources, resolve } from "../helpers/record";

const T = { component: "slipway:components:Network", network: "docker:index/network:Network", provider: "pulumi:providers:docker" };

async function build(stack = "test") {
    const { graph, result } = await recordResources(() => {
        const { networks: _unused, ...host } = testDockerHost({ stack });
        return new DockerNetwork("net", { host });
    });
    const byRole = (role: string): RecordedResource => graph.byName(`net-${role}`);
    return { graph, net: result, edge: byRole("edge"), data: byRole("data") };
}

const labels = (r: RecordedResource): Record<string, unknown> =>
    Object.fromEntries((r.inputs.labels as { label: string; value: unknown }[]).map((l) => [l.label, l.value]));

/** Every resource but the component and the test's provider is a direct child named `${prefix}-…`. */
function expectChildren(graph: Graph, prefix: string): RecordedResource[] {
    return expectParentedAndPrefixed(graph, T.component, prefix, isTestProvider);
}

describe("DockerNetwork", () => {
    it("creates an edge bridge with outbound access and an internal data bridge, named after the stack", async () => {
        const { graph, edge, data } = await build();
        expect(graph.ofType(T.network)).toHaveLength(2);
        expect(edge.inputs).toMatchObject({ name: "test-edge", driver: "bridge", internal: false, attachable: false, ipv6: false });
        expect(data.inputs).toMatchObject({ name: "test-data", driver: "bridge", internal: true, attachable: false, ipv6: false });
        expect(dockerNetworkNames("prod")).toEqual({ edge: "prod-edge", data: "prod-data" });
        const other = await build("dev");
        expect([other.edge.inputs.name, other.data.inputs.name]).toEqual(["dev-edge", "dev-data"]);
    });

    it("labels both with the host instance (a rebuilt host recreates them), stack and role", async () => {
        const { edge, data } = await build();
        expect(labels(edge)).toEqual({ "host.instance": "droplet-123", "slipway.stack": "test", "slipway.component": "network", "slipway.network": "edge" });
        expect(labels(data)).toMatchObject({ "host.instance": "droplet-123", "slipway.network": "data" });
    });

    it("deletes before replacing (fixed names), uses the host's provider, and protects nothing", async () => {
        const { graph, edge, data } = await build();
        const provider = graph.one(T.provider);
        for (const n of [edge, data]) {
            expect(n.deleteBeforeReplace).toBe(true);
            expect(n.protect).toBe(false);
            expect(n.provider?.startsWith(`${provider.urn}::`)).toBe(true);
        }
    });

    it("parents and prefixes every child", async () => {
        const { graph } = await build();
        expect(expectChildren(graph, "net")).toHaveLength(2);
    });

    it("outputs the network names, also in the DockerHost.networks shape", async () => {
        const { graph, net } = await build();
        expect((await resolve(net.edgeNetworkName)).value).toBe("test-edge");
        expect((await resolve(net.dataNetworkName)).value).toBe("test-data");
        expect((await resolve(net.hostNetworks.data)).value).toBe("test-data");
        expect(graph.one(T.component).outputs).toMatchObject({ edgeNetworkName: "test-edge", dataNetworkName: "test-data" });
    });

    it("says what is missing without a host", () => {
        expectArgError(() => new DockerNetwork("net", {} as never), { key: "host", value: undefined, allowed: "the DockerHost the payload runs on", component: "Network", resourceName: "net" });
    });
});
