import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { SlipwayComponent } from "../shared/component";
import type { DockerHost } from "../shared/docker";
import { ComponentArgError } from "../shared/errors";

/**
 * The host the networks are created on. The networks do not exist yet, so this is a
 * `DockerHost` without them; the neutral `NetworkArgs` (address ranges, zones, NAT, flow logs)
 * have no meaning on one Docker daemon, which hands each network a subnet from its own pools.
 */
export interface DockerNetworkArgs {
    /**
     * The Docker host to create the networks on.
     * @default required
     * @example
     * ```ts
     * { host: { provider, stack: "dev", instanceId: droplet.id, dataDir: "/mnt/data", files, memoryMiB: 4096 } }
     * ```
     */
    host: Omit<DockerHost, "networks">;
}

/** The two network names of a stack: fixed, so containers and operators can rely on them. */
export const dockerNetworkNames = (stack: string): { edge: string; data: string } => ({ edge: `${stack}-edge`, data: `${stack}-data` });

/**
 * The payload's two user-defined bridge networks: `edge` (nginx ↔ app replicas, with outbound
 * access) and `data` (`internal`: no route in or out of the host; PostgreSQL, Redis, the app
 * replicas and the exporters). A data container joins `data` only, so it can neither be
 * reached from, nor reach, anything beyond the host.
 *
 * ## Cost
 * Free: Docker networks on a host you already pay for.
 */
export class DockerNetwork extends SlipwayComponent {
    /** Name of the edge network (nginx ↔ apps, outbound allowed). */
    public readonly edgeNetworkName: pulumi.Output<string>;
    /** Name of the internal data network (databases, cache, apps, exporters; no outside route). */
    public readonly dataNetworkName: pulumi.Output<string>;

    constructor(name: string, args: DockerNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        if (!args?.host) throw new ComponentArgError({ component: "Network", resourceName: name, key: "host", value: undefined, allowed: "the DockerHost the payload runs on" });
        super("Network", name, opts);
        const host = args.host;
        const names = dockerNetworkNames(host.stack);

        // Network labels force replacement, like container labels: a rebuilt droplet
        // (new host.instance) gets its networks recreated along with its containers.
        const labels = (role: string): docker.types.input.NetworkLabel[] => [
            { label: "host.instance", value: host.instanceId },
            { label: "slipway.stack", value: host.stack },
            { label: "slipway.component", value: "network" },
            { label: "slipway.network", value: role },
        ];
        // Fixed names (containers join by name), so a replacement must delete the old one first.
        const childOpts = (): pulumi.CustomResourceOptions => this.childOpts({ provider: host.provider, deleteBeforeReplace: true });

        const edge = new docker.Network(
            this.childName("edge"),
            { name: names.edge, driver: "bridge", internal: false, attachable: false, ipv6: false, labels: labels("edge") },
            childOpts(),
        );
        const data = new docker.Network(
            this.childName("data"),
            { name: names.data, driver: "bridge", internal: true, attachable: false, ipv6: false, labels: labels("data") },
            childOpts(),
        );

        this.edgeNetworkName = edge.name;
        this.dataNetworkName = data.name;
        this.registerOutputs({ edgeNetworkName: this.edgeNetworkName, dataNetworkName: this.dataNetworkName });
    }

    /** The names in the shape `DockerHost.networks` takes. */
    public get hostNetworks(): { edge: pulumi.Output<string>; data: pulumi.Output<string> } {
        return { edge: this.edgeNetworkName, data: this.dataNetworkName };
    }
}
