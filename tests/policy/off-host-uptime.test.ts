import { describe, expect, it } from "vitest";
import { offHostUptime } from "../../policy/rules/stack/off-host-uptime";
import { PREVIEW_UNKNOWN } from "./helpers";
import { dropletStack } from "./stack-fixtures";
import { type Node, patch, run, violations, without } from "./stack-graph";

const rule = offHostUptime;

/** The vps graph in miniature with the uptime check and its down alert, as stacks/vps.ts makes them. */
const watched = (notifications: unknown = [{ emails: [], slacks: [{ channel: "#ops", url: "https://hooks.slack.com/services/x" }] }]): Node[] => [
    ...dropletStack(),
    { type: "digitalocean:index/uptimeCheck:UptimeCheck", name: "monitoring-uptime-check", props: { target: "https://dev.example.com/health", type: "https", enabled: true } },
    {
        type: "digitalocean:index/uptimeAlert:UptimeAlert",
        name: "monitoring-uptime-down",
        props: { checkId: "monitoring-uptime-check-id", type: "down_global", period: "2m", notifications },
        deps: { checkId: ["monitoring-uptime-check"] },
    },
];

describe("vps-off-host-uptime", () => {
    it("passes a droplet watched by an uptime check whose alert notifies Slack or email", async () => {
        expect(await run(rule, watched())).toEqual([]);
        expect(await run(rule, watched([{ emails: ["ops@example.com"] }]))).toEqual([]);
    });

    it("does not apply to stacks without a droplet", async () => {
        expect(await run(rule, [])).toEqual([]);
    });

    it("flags a droplet with no uptime check (the shipped vps stack before the fix)", async () => {
        expect(await run(rule, dropletStack())).toEqual([expect.stringMatching(/^stack: vps-droplet .*no DigitalOcean uptime check/)]);
    });

    it("flags a check with no alert on it, and an alert on another check", async () => {
        expect(await run(rule, without(watched(), "monitoring-uptime-down"))).toEqual([expect.stringMatching(/has no UptimeAlert on it/)]);
        expect(await run(rule, patch(watched(), "monitoring-uptime-down", {}, { deps: {} }))).toEqual([expect.stringMatching(/has no UptimeAlert on it/)]);
    });

    it("flags an alert that notifies no one, and reports notifications unknown at preview", async () => {
        expect(await run(rule, watched([{ emails: [], slacks: [] }]))).toEqual([expect.stringMatching(/list no email or Slack channel/)]);
        expect(await run(rule, watched(PREVIEW_UNKNOWN))).toEqual([expect.stringMatching(/unknown during preview/)]);
    });

    it("is mandatory", async () => {
        const [v] = await violations(rule, dropletStack());
        expect(v.level).toBe("mandatory");
    });
});
