import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import { argError } from "../shared/errors";

/**
 * The off-host watch of a droplet: DigitalOcean's uptime check probes the site's health URL
 * from DigitalOcean's regions and its alerts notify by email and/or Slack — all outside the
 * droplet, so they still speak when the droplet (and with it Prometheus and Alertmanager) is
 * dead. The droplet's own monitoring cannot report its own death.
 */
export interface UptimeCheckArgs {
    /** The site's DNS name; `https://<domain><healthPath>` is checked. */
    domain: string;
    /** The health endpoint. @default "/health" */
    healthPath?: string;
    /** Addresses DigitalOcean emails (it sends them itself: no SMTP needed). @default [] */
    emails?: string[];
    /** A Slack incoming webhook (secret) and the channel DigitalOcean names in its post. @default no Slack */
    slack?: { channel: string; url: pulumi.Input<string> };
    /** Notify after the site has been down from every region this long. @default "2m" */
    downPeriod?: "2m" | "3m" | "5m" | "10m" | "15m" | "30m" | "1h";
    /** Also alert when the certificate expires in fewer days than this (a second watch on renewal). @default 14 */
    tlsExpiryDays?: number;
}

/** What the uptime check and its alerts are (names, settings), before any resource exists. */
export function normalizeUptimeCheckArgs(a: UptimeCheckArgs) {
    const healthPath = a.healthPath ?? "/health";
    if (!/^\/\S*$/.test(healthPath)) throw argError("healthPath", healthPath, "an absolute URL path such as /health", { where: "the uptime check" });
    const emails = [...(a.emails ?? [])];
    if (emails.length === 0 && !a.slack) {
        throw argError("emails", a.emails, "someone to notify: emails, or slack { channel, url }, or the droplet can die unnoticed", { where: "the uptime check" });
    }
    const tlsExpiryDays = a.tlsExpiryDays ?? 14;
    if (!Number.isInteger(tlsExpiryDays) || tlsExpiryDays < 1) throw argError("tlsExpiryDays", tlsExpiryDays, "a whole number of days from 1", { where: "the uptime check" });
    return { target: `https://${a.domain}${healthPath}`, emails, slack: a.slack, downPeriod: a.downPeriod ?? "2m", tlsExpiryDays };
}

/**
 * Creates the uptime check and two alerts on it — down from every region (`down_global`, so one
 * region's network trouble does not page) and certificate expiry — as children of `parent`,
 * named `<name>-check`, `<name>-down`, `<name>-tls-expiry`.
 */
export function createUptimeCheck(name: string, args: UptimeCheckArgs, parent: pulumi.Resource) {
    const a = normalizeUptimeCheckArgs(args);
    const check = new digitalocean.UptimeCheck(
        `${name}-check`,
        // All four regions (us_east, us_west, eu_west, se_asia): down_global needs several.
        { name: `${args.domain} health`, target: a.target, type: "https", enabled: true, regions: ["us_east", "us_west", "eu_west", "se_asia"] },
        { parent },
    );
    const notifications = [{ emails: a.emails, slacks: a.slack ? [{ channel: a.slack.channel, url: a.slack.url }] : [] }];
    const down = new digitalocean.UptimeAlert(
        `${name}-down`,
        { checkId: check.id, name: `${args.domain} is down`, type: "down_global", comparison: "less_than", threshold: 1, period: a.downPeriod, notifications },
        { parent },
    );
    const tlsExpiry = new digitalocean.UptimeAlert(
        `${name}-tls-expiry`,
        {
            checkId: check.id,
            name: `${args.domain} certificate expires soon`,
            type: "ssl_expiry",
            comparison: "less_than",
            threshold: a.tlsExpiryDays,
            period: "1h",
            notifications,
        },
        { parent },
    );
    return { check, down, tlsExpiry };
}
