/**
 * Tier 4, replica loss: the payload on loopback (2 app replicas behind the rendered nginx,
 * Prometheus scraping them), a steady stream of GETs from 5 clients for 10 s, and one replica
 * killed with SIGKILL in the middle of it, as a crash or an OOM kill would.
 *
 * Proves: no request fails (nginx's proxy_next_upstream retries a GET that hit the dead replica
 * on the healthy one, and the access log shows those retries); Prometheus reports the dead
 * replica's scrape target `up == 0` within a bounded time and the healthy one stays up; once
 * the replica is back, Prometheus sees it `up == 1` and nginx sends it traffic again.
 */
import { afterAll, describe, expect, it } from "vitest";
import { jobNames } from "../../components/monitoring/prometheus-yml";
import { readAccessLog, upstreamsTried } from "./harness/access-log";
import { edgeRequest } from "./harness/clients";
import { usePayload } from "./harness/lifecycle";
import type { Payload } from "./harness/payload";
import { waitFor } from "./harness/processes";
import { failed, outcomes, startedBetween, startTraffic, type TrafficSample } from "./harness/traffic";

/** Logged (not /health, whose location has access_log off) so every retry shows in the access log. */
const STREAM_PATHS = ["/api/visits", "/static/app.css", "/"];
const STREAM_MS = 10_000;
const KILL_AFTER_MS = 4_000;
/** Prometheus scrapes every second here; a down target must show within a few scrapes. */
const DETECT_WITHIN_MS = 15_000;

const timings: Record<string, number> = {};

const seconds = (ms: number): number => Number((ms / 1000).toFixed(2));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The `up` sample of one app replica's scrape target, or undefined before its first scrape. */
async function appUp(p: Payload, address: string): Promise<number | undefined> {
    const samples = await p.monitoring!.query(`up{job="${jobNames.app}",instance="${address}"}`);
    return samples[0]?.value;
}

const payload = usePayload({
    label: "replica-loss",
    // The stream is one client address far beyond the per-IP limit: this drill is about
    // replicas, so loopback is exempt (the renderer's own option); the limit has its own test.
    edge: { rateLimit: { exemptCidrs: ["127.0.0.1", "::1"] } },
    monitoring: { scrapeIntervalSeconds: 1, evaluationIntervalSeconds: 1 },
});
// Registered after usePayload's, so it runs before the payload stops.
afterAll(() => {
    console.log(`replica-loss timings (s): ${JSON.stringify(timings)}`);
});

describe("replica loss under load", () => {
    let killedAtMs = 0;
    let samples: TrafficSample[] = [];
    /** Watches Prometheus from the moment of the kill, while the stream still runs. */
    let downReported: Promise<number> | undefined;

    it("starts with both replicas scraped up == 1", async () => {
        const p = payload();
        for (const r of p.app.replicas) {
            await waitFor(async () => (await appUp(p, r.address)) === 1, { timeoutMs: 30_000, intervalMs: 250, what: `${r.name} up == 1 in Prometheus` });
        }
    });

    it("serves every request of the stream while one replica is SIGKILLed", async () => {
        const p = payload();
        const traffic = startTraffic(p.edge, { paths: STREAM_PATHS, concurrency: 5, durationMs: STREAM_MS, maxRequests: 20_000 });
        await sleep(KILL_AFTER_MS);
        const [victim, healthy] = p.app.replicas;
        const victimProcess = victim.process;
        killedAtMs = traffic.elapsed();
        const killedAt = Date.now();
        await victim.kill();
        downReported = waitFor(async () => (await appUp(p, victim.address)) === 0, {
            timeoutMs: DETECT_WITHIN_MS,
            intervalMs: 200,
            what: `${victim.name} up == 0 in Prometheus`,
        }).then(async () => {
            // Read at once, while the kill is fresh: the healthy replica must not have dropped out.
            expect(await appUp(p, healthy.address)).toBe(1);
            return Date.now() - killedAt;
        });
        downReported.catch(() => undefined); // awaited (and reported) by the Prometheus test
        samples = await traffic.done;
        const exit = await victimProcess?.exited;

        const after = startedBetween(samples, killedAtMs);
        console.log(
            `replica-loss stream: ${samples.length} requests (${after.length} after the kill at ${seconds(killedAtMs)} s), outcomes ${JSON.stringify(outcomes(samples))}, app-1 exit ${JSON.stringify(exit)}`,
        );
        expect(exit?.signal).toBe("SIGKILL");
        expect(samples.filter(failed), `failed requests: ${JSON.stringify(outcomes(samples.filter(failed)))}`).toEqual([]);
        // The stream really ran on both sides of the kill.
        expect(startedBetween(samples, 0, killedAtMs).length).toBeGreaterThan(50);
        expect(after.length).toBeGreaterThan(50);
    });

    it("owes that to nginx retrying the dead replica's requests on the healthy one", () => {
        const p = payload();
        const [dead, healthy] = p.app.replicas.map((r) => r.address);
        const retried = readAccessLog(p.nginx.accessLog).filter((e) => upstreamsTried(e).length > 1);
        console.log(`replica-loss: ${retried.length} requests retried on the other replica (upstream_status ${[...new Set(retried.map((e) => e.upstream_status))].join(" | ")})`);
        expect(retried.length).toBeGreaterThan(0);
        for (const e of retried) {
            expect(upstreamsTried(e)).toEqual([dead, healthy]);
            expect(e.status).toBe(200);
        }
    });

    it("is reported by Prometheus: the killed replica's target goes up == 0, the other stays up", async () => {
        const p = payload();
        const [dead, healthy] = p.app.replicas;
        if (!downReported) throw new Error("no replica was killed (see the previous test)");
        timings.downReportedAfterKill = seconds(await downReported);
        expect(await appUp(p, healthy.address)).toBe(1);
        const target = (await p.monitoring!.targets()).find((t) => t.job === jobNames.app && t.instance === dead.address);
        expect(target?.health).toBe("down");
        console.log(`replica-loss: Prometheus reported ${dead.name} up == 0 ${timings.downReportedAfterKill} s after the kill (${target?.lastError})`);
    });

    it("is up == 1 again and back in nginx's rotation once restarted", async () => {
        const p = payload();
        const replica = p.app.replicas[0];
        const t0 = Date.now();
        await replica.start();
        timings.replicaRestart = seconds(Date.now() - t0);
        await waitFor(async () => (await appUp(p, replica.address)) === 1, { timeoutMs: DETECT_WITHIN_MS, intervalMs: 200, what: `${replica.name} up == 1 again` });
        timings.upReportedAfterRestart = seconds(Date.now() - t0);
        // nginx holds a failed server out for fail_timeout (10 s by default), then tries it again.
        const logged = readAccessLog(p.nginx.accessLog).length;
        await waitFor(
            async () => {
                const res = await edgeRequest(p.edge, "/api/visits");
                expect(res.status).toBe(200);
                return readAccessLog(p.nginx.accessLog)
                    .slice(logged)
                    .some((e) => e.status === 200 && upstreamsTried(e).join() === replica.address);
            },
            { timeoutMs: 30_000, intervalMs: 250, what: `nginx to send a request to ${replica.name} again` },
        );
        timings.servingAgainAfterRestart = seconds(Date.now() - t0);
        console.log(`replica-loss: ${replica.name} restarted in ${timings.replicaRestart} s, up == 1 after ${timings.upReportedAfterRestart} s, serving through nginx after ${timings.servingAgainAfterRestart} s`);
    });
});
