import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { show } from "./values";

/** Advisory half of the do-droplet-backups-monitoring row: the free metrics agent feeds DigitalOcean's graphs and alert policies. */
export const doDropletMonitoring: SlipwayRule = resourceRule(
    {
        name: "do-droplet-monitoring",
        group: "digitalocean",
        description: "Droplets should run DigitalOcean's monitoring agent (monitoring: true): free CPU, memory and disk metrics and alert policies.",
        sources: ["Slipway POLICIES.md (DigitalOcean)"],
        // No remediateResource: the flag is fixed at creation, so flipping it would replace the droplet.
        remediation: "Set monitoring: true (installs the agent at creation; on an existing droplet install do-agent by hand, since changing the flag replaces the droplet).",
        level: "advisory",
    },
    types.doDroplet,
    (args, report) => {
        const monitoring = read(() => args.props.monitoring);
        if (monitoring === UNKNOWN) return reportUnknown(report, "monitoring");
        if (monitoring !== true) report(`monitoring is ${show(monitoring)}; enable the monitoring agent (monitoring: true).`);
    },
);
