/**
 * Tier 4, dependency restarts: the payload on loopback (PostgreSQL, Redis, 2 app replicas behind
 * the rendered nginx) under a steady stream of /health and /api/visits (a write to both stores)
 * from 4 clients; PostgreSQL is restarted, then Redis, each during its own stream.
 *
 * Proves, for each: the app recovers WITHOUT being restarted (same processes throughout):
 * within a bounded time of the server being back, every replica's /health is 200 again and a
 * write through the edge succeeds; from then on not one request fails. The failures inside the
 * outage window (503s from the app's dependency checks, expected) are counted and printed, and
 * the data written before the restart is still there after it.
 */
import * as fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { getLocal } from "./harness/app";
import { edgeRequest } from "./harness/clients";
import { usePayload } from "./harness/lifecycle";
import type { Payload } from "./harness/payload";
import { waitFor } from "./harness/processes";
import { failed, outcomes, startedBetween, startTraffic } from "./harness/traffic";

const STREAM_PATHS = ["/health", "/api/visits"];
/** Traffic before the restart, to show the stream is clean before the fault. */
const BEFORE_MS = 3_000;
/** How long after the server is back the app may take to serve again. */
const RECOVER_WITHIN_MS = 30_000;
/** The app reconnects in ~0.1 s; the edge adds at most a health-poll interval and a retry. */
const EDGE_RECOVERS_WITHIN_SECONDS = 3;
/** Traffic after recovery that must all succeed. */
const AFTER_MS = 5_000;

const report: Record<string, Record<string, unknown>> = {};

const seconds = (ms: number): number => Number((ms / 1000).toFixed(2));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Both counters from one visit through the edge (a write to PostgreSQL and to Redis). */
async function visit(p: Payload): Promise<{ redis: number; postgres: number }> {
    const res = await edgeRequest(p.edge, "/api/visits");
    if (res.status !== 200) throw new Error(`/api/visits answered ${res.status}: ${res.body.toString("utf8")}`);
    return (JSON.parse(res.body.toString("utf8")) as { visits: { redis: number; postgres: number } }).visits;
}

/** How many times nginx has found no replica in rotation so far (its error log). */
function noLiveUpstreams(p: Payload): number {
    const log = fs.existsSync(p.nginx.errorLog) ? fs.readFileSync(p.nginx.errorLog, "utf8") : "";
    return log.split("no live upstreams").length - 1;
}

/**
 * Restarts one dependency under the stream and checks the app's recovery; returns the counts
 * the report prints.
 */
async function restartUnderTraffic(p: Payload, dependency: string, restart: () => Promise<void>): Promise<Record<string, unknown>> {
    const pids = p.app.replicas.map((r) => r.process?.pid);
    const before = await visit(p);
    const noLiveBefore = noLiveUpstreams(p);
    const traffic = startTraffic(p.edge, { paths: STREAM_PATHS, concurrency: 4, durationMs: BEFORE_MS + RECOVER_WITHIN_MS + AFTER_MS + 60_000, maxRequests: 50_000 });
    try {
        await sleep(BEFORE_MS);
        const outageAt = traffic.elapsed();
        await restart();
        const backAt = traffic.elapsed();
        // The app has recovered when every replica's own /health is 200 and a write on each succeeds…
        await waitFor(
            async () => {
                for (const r of p.app.replicas) {
                    if ((await getLocal(r.port, "/health")).status !== 200 || (await getLocal(r.port, "/api/visits")).status !== 200) return false;
                }
                return true;
            },
            { timeoutMs: RECOVER_WITHIN_MS, intervalMs: 100, what: `every replica to serve again after the ${dependency} restart` },
        );
        const appRecoveredAt = traffic.elapsed();
        // …and users see it when the same holds through the edge.
        await waitFor(async () => (await edgeRequest(p.edge, "/health")).status === 200 && (await visit(p)).postgres > 0, {
            timeoutMs: RECOVER_WITHIN_MS,
            intervalMs: 100,
            what: `the edge to serve again after the ${dependency} restart`,
        });
        const recoveredAt = traffic.elapsed();
        await sleep(AFTER_MS);
        const samples = await traffic.stop();

        // A request still in flight when the server went down belongs to the outage.
        const beforeOutage = samples.filter((s) => s.endMs <= outageAt);
        const during = samples.filter((s) => s.endMs > outageAt && s.startMs < recoveredAt);
        const after = startedBetween(samples, recoveredAt);
        const result = {
            restartSeconds: seconds(backAt - outageAt),
            appRecoveredSecondsAfterServerBack: seconds(appRecoveredAt - backAt),
            edgeRecoveredSecondsAfterServerBack: seconds(recoveredAt - backAt),
            outageWindowSeconds: seconds(recoveredAt - outageAt),
            requests: samples.length,
            failedBefore: beforeOutage.filter(failed).length,
            requestsDuringOutage: during.length,
            failedDuringOutage: during.filter(failed).length,
            outcomesDuringOutage: outcomes(during),
            // nginx's "no live upstreams": every replica taken out of rotation (max_fails).
            noLiveUpstreams: noLiveUpstreams(p) - noLiveBefore,
            requestsAfterRecovery: after.length,
            failedAfterRecovery: after.filter(failed).length,
        };
        console.log(`restarts: ${dependency} ${JSON.stringify(result)}`);
        // The app's 503s during the outage must not take the replicas out of rotation: with
        // http_503 in proxy_next_upstream, a 1 s restart became ~10 s of 502s (max_fails).
        expect(result.noLiveUpstreams, "nginx marked every replica down during a dependency outage").toBe(0);
        expect(result.edgeRecoveredSecondsAfterServerBack).toBeLessThan(EDGE_RECOVERS_WITHIN_SECONDS);

        expect(beforeOutage.filter(failed), `failures before the ${dependency} restart`).toEqual([]);
        expect(after.filter(failed), `failures after recovery: ${JSON.stringify(outcomes(after.filter(failed)))}`).toEqual([]);
        expect(after.length).toBeGreaterThan(20);
        // The same app processes served throughout: it recovered, nobody restarted it.
        expect(p.app.replicas.map((r) => r.process?.pid)).toEqual(pids);
        expect(p.app.replicas.every((r) => r.process?.running())).toBe(true);
        // Writes land, and what was written before the restart survived it.
        const afterVisit = await visit(p);
        expect(afterVisit.postgres).toBeGreaterThan(before.postgres);
        expect(afterVisit.redis).toBeGreaterThan(before.redis);
        return result;
    } finally {
        await traffic.stop();
    }
}

const payload = usePayload({
    label: "restarts",
    // One client address far beyond the per-IP limit: loopback is exempt (the renderer's own
    // option), so every failure counted here is the outage's.
    edge: { rateLimit: { exemptCidrs: ["127.0.0.1", "::1"] } },
});
// Registered after usePayload's, so it runs before the payload stops.
afterAll(() => {
    console.log(`restarts report: ${JSON.stringify(report)}`);
});

describe("dependency restarts under traffic", () => {
    it("recovers from a PostgreSQL restart without restarting the app", async () => {
        const p = payload();
        await visit(p); // the app creates its table on the first visit
        const rowsBefore = Number(await p.postgres.psql("SELECT count(*) FROM visits", { database: p.postgres.app.database }));
        report.postgres = await restartUnderTraffic(p, "PostgreSQL", () => p.postgres.restart());
        const rowsAfter = Number(await p.postgres.psql("SELECT count(*) FROM visits", { database: p.postgres.app.database }));
        expect(rowsAfter).toBeGreaterThan(rowsBefore);
    });

    it("recovers from a Redis restart without restarting the app", async () => {
        const p = payload();
        report.redis = await restartUnderTraffic(p, "Redis", () => p.redis.restart());
    });
});
