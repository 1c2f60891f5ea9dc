/**
 * Tier 4, monitoring: Prometheus with the payload's prometheus.yml and rules scrapes every
 * target on loopback (the Debian exporters, the app replicas, Alertmanager, itself) and the
 * blackbox probes reach the edge over verified TLS.
 */
import { describe, expect, it } from "vitest";
import { jobNames } from "../../components/monitoring/prometheus-yml";
import { usePayload } from "./harness/lifecycle";
import type { PromSample } from "./harness/monitoring";
import { waitFor } from "./harness/processes";

const payload = usePayload({ label: "monitoring", monitoring: true });

const monitoring = () => {
    const m = payload().monitoring;
    if (!m) throw new Error("monitoring was not started");
    return m;
};
const describeSamples = (samples: PromSample[]): string => samples.map((s) => `${s.metric.job}/${s.metric.instance}=${s.value}`).join(", ");

describe("Prometheus", () => {
    it("scrapes every target with up == 1", async () => {
        const replicas = payload().app.replicas.length;
        // One target per job, the app once per replica.
        const expectedTargets = Object.values(jobNames).length - 1 + replicas;
        const t0 = performance.now();
        const up = await waitFor(
            async () => {
                const samples = await monitoring().query("up");
                return samples.length === expectedTargets && samples.every((s) => s.value === 1) ? samples : undefined;
            },
            { timeoutMs: 60_000, intervalMs: 500, what: "every scrape target to report up == 1" },
        ).catch(async (e: Error) => {
            const targets = await monitoring().targets();
            throw new Error(`${e.message}\ntargets: ${targets.map((t) => `${t.job}/${t.instance} ${t.health} ${t.lastError}`).join("\n")}`);
        });
        console.log(`all ${up.length} targets up after ${((performance.now() - t0) / 1000).toFixed(1)} s: ${describeSamples(up)}`);
        expect(new Set(up.map((s) => s.metric.job))).toEqual(new Set(Object.values(jobNames)));
        expect(up.filter((s) => s.metric.job === jobNames.app).map((s) => s.metric.instance).sort()).toEqual([...payload().app.addresses].sort());
    });

    it("sees through each exporter: PostgreSQL, Redis and nginx reachable, the edge probed over verified TLS", async () => {
        const health = await waitFor(
            async () => {
                const samples = await monitoring().query("pg_up or redis_up or nginx_up or probe_success");
                return samples.length === 5 && samples.every((s) => s.value === 1) ? samples : undefined;
            },
            { timeoutMs: 30_000, intervalMs: 500, what: "pg_up, redis_up, nginx_up and both probe_success to be 1" },
        );
        expect(health.map((s) => s.metric.__name__).sort()).toEqual(["nginx_up", "pg_up", "probe_success", "probe_success", "redis_up"]);
        // The HTTP probe got its answer over TLS from a certificate valid for the server name.
        const [expiry] = await monitoring().query(`probe_ssl_earliest_cert_expiry{job="${jobNames.blackboxHttp}"}`);
        expect(expiry.value * 1000).toBeGreaterThan(Date.now());
    });

    it("loaded the alert rules and found its Alertmanager", async () => {
        const [discovered] = await monitoring().query("prometheus_notifications_alertmanagers_discovered");
        expect(discovered.value).toBe(1);
        const [rules] = await monitoring().query("count(prometheus_rule_group_rules)");
        expect(rules.value).toBeGreaterThan(0);
    });
});
