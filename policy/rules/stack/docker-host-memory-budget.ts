import { dropletMemoryMiB } from "../../../components/host/droplet-sizes";
import { type BudgetContainer, budgetSummary, memoryBudget } from "../../../components/shared/memory-budget";
import { type SlipwayRule, UNKNOWN, stackRule, types } from "../kit";
import { label, ofType, prop } from "./resources";

/**
 * The containers on a droplet fit in its memory: every container's limit, once more for each
 * container replaced create-before-delete (Pulumi deletes the old one only at the end of the
 * update), and the OS reserve — the same arithmetic the stacks check before registering
 * (components/shared/memory-budget.ts), here on what the graph really holds, so a component
 * that grows a container or adds one cannot slip past the plan-time check.
 */
export const dockerHostMemoryBudget: SlipwayRule = stackRule(
    {
        name: "docker-host-memory-budget",
        group: "stack",
        description:
            "On a stack with one DigitalOcean droplet, the Docker containers' memory limits, plus the create-before-delete ones again (a roll runs both), plus an OS reserve of max(512 MiB, 10%), must fit in the droplet size's memory.",
        sources: ["Docker docs: resource constraints (memory)", "Linux OOM killer behaviour under over-commit"],
        remediation: "Lower slipway:app.memoryMiB or app.replicas, slipway:database.memoryMiB, cache.memoryMiB, backups.memoryMiB, or choose a bigger slipway:vps.size.",
        level: "mandatory",
    },
    (args, report) => {
        const droplets = ofType(args.resources, types.doDroplet);
        // One host: with several droplets the graph does not say which container runs where.
        if (droplets.length !== 1) return;
        const droplet = droplets[0];
        const size = prop(droplet, "size");
        if (size === UNKNOWN) return report(`${label(droplet)}: size is unknown during preview, so the memory budget cannot be verified.`, droplet.urn);
        let hostMiB: number;
        try {
            hostMiB = dropletMemoryMiB(String(size));
        } catch (e) {
            return report(`${label(droplet)}: ${(e as Error).message}`, droplet.urn);
        }
        const containers: BudgetContainer[] = [];
        for (const c of ofType(args.resources, types.dockerContainer)) {
            const memory = prop(c, "memory");
            if (memory === UNKNOWN) return report(`${label(c)}: memory is unknown during preview, so the host memory budget cannot be verified.`, c.urn);
            if (typeof memory !== "number" || memory <= 0) return report(`${label(c)} has no memory limit, so it can take the whole host; set one.`, c.urn);
            containers.push({ name: c.name, memoryMiB: memory, createBeforeDelete: c.opts.deleteBeforeReplace !== true });
        }
        const b = memoryBudget(hostMiB, containers);
        if (!b.fits) {
            const surge = containers.filter((c) => c.createBeforeDelete).map((c) => c.name);
            report(
                `${label(droplet)}: the ${containers.length} containers need ${b.totalMiB} MiB but size ${String(size)} has ${hostMiB} (${budgetSummary(b)}; surge from ${surge.join(", ") || "none"}).`,
                droplet.urn,
            );
        }
    },
);
