import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { show } from "../digitalocean/values";

/**
 * Without a memory limit one leaking container takes the whole host (and the OOM killer picks
 * the database). The POLICIES row "memory (and CPU) limits" is two rules, because a rule has one
 * level: memory here (mandatory), CPU in resource-limits-cpu (advisory).
 */
export const resourceLimits: SlipwayRule = resourceRule(
    {
        name: "resource-limits",
        group: "docker",
        description: "Containers must have a memory limit (memory > 0, in MiB). CPU limits are advised separately by resource-limits-cpu.",
        sources: ["CIS Docker 1.2.0 5.10"],
        remediation: "Set memory (MiB) to the container's working set plus headroom, e.g. memory: 512, and memorySwap equal to it so the limit is not doubled by swap.",
        level: "mandatory",
    },
    types.dockerContainer,
    (args, report) => {
        const memory = read(() => args.props.memory);
        if (memory === UNKNOWN) return reportUnknown(report, "memory");
        if (!(typeof memory === "number" && memory > 0)) report(`memory is ${show(memory)}; set a memory limit in MiB greater than 0 (e.g. memory: 512).`);
    },
);
