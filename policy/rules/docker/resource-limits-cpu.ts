import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { show } from "../digitalocean/values";

const positive = (v: unknown): boolean => (typeof v === "number" || typeof v === "string") && Number(v) > 0;

/**
 * Advisory half of the resource-limits row. A limit caps a runaway process: `cpus`, `cpuQuota`
 * (with `cpuPeriod`) or `cpuSet`. `cpuShares` is not a limit: it only weights containers against
 * each other when the CPU is contended, and an idle host lets one container take every core.
 */
export const resourceLimitsCpu: SlipwayRule = resourceRule(
    {
        name: "resource-limits-cpu",
        group: "docker",
        description: "Containers should have a CPU limit (cpus, cpuQuota or cpuSet); cpuShares alone only weights contention and caps nothing.",
        sources: ["CIS Docker 1.2.0 5.11 (pattern)"],
        remediation: "Set cpus (e.g. cpus: \"1.5\") or cpuQuota with cpuPeriod, sized from the container's observed peak.",
        level: "advisory",
    },
    types.dockerContainer,
    (args, report) => {
        const values = read(() => [args.props.cpus, args.props.cpuQuota, args.props.cpuSet, args.props.cpuShares]);
        if (values === UNKNOWN) return reportUnknown(report, "the CPU settings (cpus, cpuQuota, cpuSet)");
        const [cpus, quota, set, shares] = values;
        if (positive(cpus) || positive(quota) || (typeof set === "string" && set.trim() !== "")) return;
        const sharesNote = shares === undefined ? "" : ` (cpuShares ${show(shares)} only weights contention)`;
        report(`no CPU limit: cpus, cpuQuota and cpuSet are unset${sharesNote}; set cpus (e.g. "1") so one container cannot take every core.`);
    },
);
