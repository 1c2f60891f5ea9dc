import type { PolicyResource } from "@pulumi/policy";
import { type SlipwayRule, UNKNOWN, stackRule } from "../kit";
import { dependsVia, entries, label, ofType, path, prop } from "./resources";

export const uptimeTypes = {
    check: ["digitalocean:index/uptimeCheck:UptimeCheck"],
    alert: ["digitalocean:index/uptimeAlert:UptimeAlert"],
} as const;

/** Whether an alert notifies anyone: an email address or a Slack channel (unknown counts: a secret URL). */
function notifiesSomeone(alert: PolicyResource): boolean | typeof UNKNOWN {
    const list = entries(prop(alert, "notifications"));
    if (list === UNKNOWN) return UNKNOWN;
    let unknown = false;
    for (const n of list ?? []) {
        for (const key of ["emails", "slacks"]) {
            const items = entries(path(n, key));
            if (items === UNKNOWN) unknown = true;
            else if ((items ?? []).length > 0) return true;
        }
    }
    return unknown ? UNKNOWN : false;
}

/**
 * A droplet's own Prometheus and Alertmanager die with it: every stack with a droplet must
 * also be watched from outside, by a DigitalOcean uptime check with an alert that notifies
 * someone.
 */
export const offHostUptime: SlipwayRule = stackRule(
    {
        name: "vps-off-host-uptime",
        group: "stack",
        description: "A stack with a DigitalOcean droplet must have an off-host uptime check (digitalocean.UptimeCheck) with an UptimeAlert on it that notifies someone (emails or Slack).",
        sources: ["Google SRE book ch. 6 (black-box monitoring)", "CIS Controls v8 8.11"],
        remediation:
            "Create digitalocean.UptimeCheck on the site's https URL and a digitalocean.UptimeAlert (type down_global) whose checkId is check.id and whose notifications list emails or a Slack channel — components/monitoring/uptime.ts does both.",
        level: "mandatory",
    },
    (args, report) => {
        const droplets = ofType(args.resources, ["digitalocean:index/droplet:Droplet"]);
        if (droplets.length === 0) return;
        const checks = ofType(args.resources, uptimeTypes.check);
        const alerts = ofType(args.resources, uptimeTypes.alert);
        const where = droplets.map(label).join(", ");
        if (checks.length === 0) {
            report(`${where}: no DigitalOcean uptime check watches the site from outside, so a dead droplet (and the Prometheus and Alertmanager on it) alerts no one.`);
            return;
        }
        const verdicts = checks.flatMap((c) => alerts.filter((a) => dependsVia(a, "checkId", c)).map(notifiesSomeone));
        if (verdicts.includes(true)) return;
        if (verdicts.includes(UNKNOWN)) {
            report(`${where}: the uptime alerts' notifications are unknown during preview, so whether anyone is told cannot be verified.`);
        } else if (verdicts.length === 0) {
            report(`${where}: the uptime check ${checks.map(label).join(", ")} has no UptimeAlert on it (checkId), so its failures notify no one.`);
        } else {
            report(`${where}: the uptime alerts on ${checks.map(label).join(", ")} list no email or Slack channel in notifications, so they notify no one.`);
        }
    },
);
