import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { show } from "./values";

/**
 * The POLICIES row "backups on (M); monitoring on (A)" is two rules, because a rule has one
 * level: this one (the row's name) requires backups; `do-droplet-monitoring` advises monitoring.
 */
export const doDropletBackupsMonitoring: SlipwayRule = resourceRule(
    {
        name: "do-droplet-backups-monitoring",
        group: "digitalocean",
        description:
            "Droplets must have DigitalOcean backups enabled (backups: true), a second line of defence beside off-box data backups. Monitoring is advised separately by do-droplet-monitoring.",
        sources: ["CIS Controls v8 11.2"],
        remediation: "Set backups: true (about 20% of the droplet's price for weekly backups) with a backupPolicy, or set this rule's level to advisory for a throwaway stack.",
        level: "mandatory",
    },
    types.doDroplet,
    (args, report) => {
        const backups = read(() => args.props.backups);
        if (backups === UNKNOWN) return reportUnknown(report, "backups");
        if (backups !== true) report(`backups is ${show(backups)}; droplet backups must be enabled (backups: true).`);
    },
);
