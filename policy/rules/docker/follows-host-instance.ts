import { type SlipwayRule, UNKNOWN, read, resourceRule, types } from "../kit";

const dockerImage = ["docker:index/image:Image"] as const;

/** The label (containers, networks) and build argument (locally built images) that carry the host's identity. */
export const HOST_INSTANCE_LABEL = "host.instance";
export const HOST_INSTANCE_BUILD_ARG = "SLIPWAY_HOST_INSTANCE";

function labelValue(labels: unknown, key: string): unknown {
    if (Array.isArray(labels)) return labels.find((l) => (l as { label?: unknown })?.label === key)?.value;
    if (labels && typeof labels === "object") return (labels as Record<string, unknown>)[key];
    return undefined;
}

/**
 * Pulumi's state says a network or an image exists; a rebuilt droplet's Docker has none of
 * them. Only a changed input makes the engine create them again, so everything that lives in
 * the host's Docker carries the host's identity (the droplet id): containers and networks as
 * the `host.instance` label, images built on the host as the `SLIPWAY_HOST_INSTANCE` build
 * argument. Without it the first `pulumi up` after a rebuild fails creating the containers
 * that need them (found by tier 5's droplet-rebuild drill).
 */
export const followsHostInstance: SlipwayRule = resourceRule(
    {
        name: "follows-host-instance",
        group: "docker",
        description:
            "Everything in the host's Docker follows the host: containers and networks carry the host.instance label, images built on the host the SLIPWAY_HOST_INSTANCE build argument, so a rebuilt droplet gets them recreated.",
        sources: ["Slipway tier 5: droplet rebuild"],
        remediation:
            "Add { label: \"host.instance\", value: host.instanceId } to the labels (use hardenedContainerArgs for containers), and build: { args: { SLIPWAY_HOST_INSTANCE: host.instanceId } } to a docker.Image built on the host.",
        level: "mandatory",
    },
    [...types.dockerContainer, ...types.dockerNetwork, ...dockerImage],
    (args, report) => {
        if ((dockerImage as readonly string[]).includes(args.type)) {
            // Pushed images live in a registry, not on the host: a new host pulls them.
            if (read(() => args.props.skipPush) !== true) return;
            const arg = read(() => (args.props.build as { args?: Record<string, unknown> } | undefined)?.args?.[HOST_INSTANCE_BUILD_ARG]);
            if (arg === UNKNOWN) return;
            if (arg === undefined || arg === null || arg === "") {
                report(`this image is built on the host and never pushed, but its build has no ${HOST_INSTANCE_BUILD_ARG} argument: a rebuilt droplet would not build it again and the containers that run it would fail.`);
            }
            return;
        }
        const labels = read(() => args.props.labels);
        if (labels === UNKNOWN) return;
        // The droplet id is an output: unknown at preview, and then it is set.
        const value = read(() => labelValue(labels, HOST_INSTANCE_LABEL));
        if (value === UNKNOWN) return;
        if (value === undefined || value === null || value === "") {
            report(`there is no ${HOST_INSTANCE_LABEL} label: on a rebuilt droplet the engine would believe it still exists, and what needs it would fail.`);
        }
    },
);
