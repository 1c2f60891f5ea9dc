/**
 * Tier 4, an alert driven by a real fault: the payload on loopback with Prometheus (the rendered
 * prometheus.yml and alert rules), Alertmanager (the rendered alertmanager.yml) and a loopback
 * webhook receiver. Redis is stopped: redis_exporter reports `redis_up 0`, the rendered
 * `RedisDown` rule goes pending and then firing in Prometheus, Alertmanager receives it and
 * notifies the webhook. Redis is started again: the alert resolves in Prometheus and the
 * webhook gets the resolved notification.
 *
 * The rule's `for` (1m as shipped) is shortened to 5 s through the renderer's own
 * `forOverrides` option and everything scrapes and evaluates every second, so the drill takes
 * seconds; the expression, labels and routing are the shipped ones. Prints the times to fire,
 * to notify and to resolve.
 */
import { afterAll, describe, expect, it } from "vitest";
import { jobNames } from "../../components/monitoring/prometheus-yml";
import { usePayload } from "./harness/lifecycle";
import type { Payload } from "./harness/payload";
import { waitFor } from "./harness/processes";
import { receiverNames, watchdogAlertName } from "../../components/monitoring/alertmanager-yml";
import type { AlertNotification } from "./harness/webhook";

const ALERT = "RedisDown";
const ALERT_FOR = "5s";
/** Fault to firing: a scrape or two, 5 s of `for`, an evaluation; generous for 2 busy cores. */
const FIRE_WITHIN_MS = 45_000;
const RESOLVE_WITHIN_MS = 45_000;

const timings: Record<string, number> = {};

const seconds = (ms: number): number => Number((ms / 1000).toFixed(2));

function monitoring(p: Payload): NonNullable<Payload["monitoring"]> {
    if (!p.monitoring) throw new Error("the payload was started without monitoring");
    return p.monitoring;
}

/** RedisDown's state in Prometheus: "pending", "firing", or undefined when inactive. */
async function alertState(p: Payload): Promise<"pending" | "firing" | undefined> {
    return (await monitoring(p).alerts()).find((a) => a.labels.alertname === ALERT)?.state;
}

async function redisUp(p: Payload): Promise<number | undefined> {
    return (await monitoring(p).query(`redis_up{job="${jobNames.redis}"}`))[0]?.value;
}

/** The webhook's notifications about RedisDown with the given status. */
const notified = (p: Payload, status: AlertNotification["status"]): AlertNotification[] =>
    monitoring(p).webhook.notifications.filter((n) => n.status === status && n.alerts.some((a) => a.labels.alertname === ALERT && a.status === status));

const payload = usePayload({
    label: "alert-firing",
    monitoring: { scrapeIntervalSeconds: 1, evaluationIntervalSeconds: 1, alertForOverrides: { [ALERT]: ALERT_FOR, [watchdogAlertName]: "1s" } },
});
// Registered after usePayload's, so it runs before the payload stops.
afterAll(() => {
    console.log(`alert-firing timings (s): ${JSON.stringify(timings)}`);
});

describe(`${ALERT} driven by stopping Redis`, () => {
    let stoppedAt = 0;
    let startedAt = 0;

    it(`starts quiet: Redis scraped up, ${ALERT} loaded with for ${ALERT_FOR} and inactive`, async () => {
        const p = payload();
        await waitFor(async () => (await redisUp(p)) === 1, { timeoutMs: 30_000, intervalMs: 250, what: "redis_up == 1" });
        const res = await fetch(`${monitoring(p).prometheusUrl}/api/v1/rules?type=alert`, { signal: AbortSignal.timeout(5_000) });
        const body = (await res.json()) as { data: { groups: { rules: { name: string; duration: number; query: string }[] }[] } };
        const rule = body.data.groups.flatMap((g) => g.rules).find((r) => r.name === ALERT);
        expect(rule, `${ALERT} is not among Prometheus's rules`).toBeDefined();
        expect(rule?.duration).toBe(5);
        expect(rule?.query).toBe(`redis_up{job="${jobNames.redis}"} == 0`);
        expect(await alertState(p)).toBeUndefined();
        expect(notified(p, "firing")).toEqual([]);
    });

    it(`fires in Prometheus when Redis stops`, async () => {
        const p = payload();
        stoppedAt = Date.now();
        await p.redis.stop();
        await waitFor(async () => (await redisUp(p)) === 0, { timeoutMs: FIRE_WITHIN_MS, intervalMs: 200, what: "redis_up == 0" });
        timings.redisUpZero = seconds(Date.now() - stoppedAt);
        await waitFor(async () => (await alertState(p)) !== undefined, { timeoutMs: FIRE_WITHIN_MS, intervalMs: 200, what: `${ALERT} pending` });
        timings.pending = seconds(Date.now() - stoppedAt);
        await waitFor(async () => (await alertState(p)) === "firing", { timeoutMs: FIRE_WITHIN_MS, intervalMs: 200, what: `${ALERT} firing` });
        timings.firing = seconds(Date.now() - stoppedAt);
        // `for` is honoured: not firing before 5 s after it went pending.
        expect(timings.firing - timings.pending).toBeGreaterThanOrEqual(4);
        console.log(`alert-firing: Redis stopped → redis_up 0 after ${timings.redisUpZero} s, ${ALERT} pending after ${timings.pending} s, firing after ${timings.firing} s`);
    });

    it("reaches Alertmanager and the webhook receiver", async () => {
        const p = payload();
        const n = await waitFor(() => notified(p, "firing")[0], { timeoutMs: FIRE_WITHIN_MS, intervalMs: 200, what: `a firing ${ALERT} notification` });
        timings.notified = seconds(Date.now() - stoppedAt);
        const alert = n.alerts.find((a) => a.labels.alertname === ALERT);
        expect(alert?.labels.severity).toBe("critical");
        expect(alert?.annotations.summary).toBe("Redis is down");
        expect(n.receiver).toBe(receiverNames.notify);
        console.log(`alert-firing: webhook notified (firing) ${timings.notified} s after Redis stopped`);
    });

    it("reaches Slack through slack_configs (URL from api_url_file) as Slack's JSON: text and attachments", async () => {
        const p = payload();
        const body = (await waitFor(() => monitoring(p).slack.notifications[0], { timeoutMs: FIRE_WITHIN_MS, intervalMs: 200, what: "a Slack post" })) as unknown as Record<string, unknown>;
        // Slack's incoming-webhook shape, not Alertmanager's webhook JSON (which Slack rejects).
        expect(body.alerts).toBeUndefined();
        const attachments = body.attachments as { title?: string; text?: string }[];
        expect(attachments).toHaveLength(1);
        expect(attachments[0].title).toMatch(new RegExp(`^\\[FIRING:1\\] ${ALERT}$`));
        expect(attachments[0].text).toContain("*Redis is down* (critical)");
        // The heartbeat never reaches people.
        expect(JSON.stringify(monitoring(p).slack.notifications)).not.toContain(watchdogAlertName);
        expect(JSON.stringify(monitoring(p).webhook.notifications)).not.toContain(watchdogAlertName);
    });

    it("sends the Watchdog heartbeat to the dead man's switch, and only it", async () => {
        const p = payload();
        const n = await waitFor(() => monitoring(p).deadMansSwitch.notifications[0], { timeoutMs: FIRE_WITHIN_MS, intervalMs: 200, what: "a Watchdog ping" });
        expect(n.receiver).toBe(receiverNames.deadMansSwitch);
        expect(n.status).toBe("firing");
        expect(monitoring(p).deadMansSwitch.notifications.flatMap((x) => x.alerts.map((a) => a.labels.alertname))).toEqual(expect.arrayContaining([watchdogAlertName]));
        expect(monitoring(p).deadMansSwitch.notifications.every((x) => x.alerts.every((a) => a.labels.alertname === watchdogAlertName))).toBe(true);
    });

    it("resolves when Redis is back, in Prometheus and at the webhook", async () => {
        const p = payload();
        startedAt = Date.now();
        await p.redis.start();
        await waitFor(async () => (await alertState(p)) === undefined, { timeoutMs: RESOLVE_WITHIN_MS, intervalMs: 200, what: `${ALERT} to resolve` });
        timings.resolved = seconds(Date.now() - startedAt);
        await waitFor(() => notified(p, "resolved")[0], { timeoutMs: RESOLVE_WITHIN_MS, intervalMs: 200, what: `a resolved ${ALERT} notification` });
        timings.resolvedNotified = seconds(Date.now() - startedAt);
        expect(await redisUp(p)).toBe(1);
        console.log(`alert-firing: Redis started → ${ALERT} inactive after ${timings.resolved} s, resolved notification after ${timings.resolvedNotified} s`);
    });
});
