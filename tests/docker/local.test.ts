/**
 * Tier 5, `local`: the shipped local stack's plan graph applied to a real Docker daemon (the
 * harness's own) with stand-in images, then checked and drilled on that daemon.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeRequest } from "../live/harness/clients";
import { failed, outcomes, startTraffic } from "../live/harness/traffic";
import { docker, dockerOk } from "./harness/cli";
import { type Daemon, startDaemon } from "./harness/daemon";
import { tier5Images } from "./harness/images";
import {
    containerHealth,
    killMainProcess,
    prometheusTargets,
    psql,
    waitAllHealthy,
    waitTargetsUp,
    wgetFrom,
} from "./harness/payload-checks";
import { Tier5Stack } from "./harness/stack";
import { startProbeListener, type ProbeListener } from "./harness/probe";
import { alertDrill, backupRestoreDrill, pitrDrill, securityHeaders } from "./harness/drills";

let daemon: Daemon;
let t5: Tier5Stack;
let applySeconds = 0;

beforeAll(async () => {
    daemon = await startDaemon();
    t5 = await Tier5Stack.record({ stack: "local", daemon, images: (g) => tier5Images(daemon, g) });
    applySeconds = (await t5.apply()).seconds;
}, 1_500_000);

afterAll(async () => {
    t5?.host.release();
    await daemon?.stop();
});

describe.sequential("tier 5: the local stack on a real Docker daemon", () => {
    it("every container reaches healthy by Docker's own status, with zero restarts", async () => {
        const seconds = await waitAllHealthy(t5, 60_000);
        const all = await containerHealth(t5);
        console.log(`local: ${all.length} containers healthy (apply ${applySeconds.toFixed(1)} s, +${seconds.toFixed(1)} s); restarts ${all.map((c) => c.restarts).reduce((a, b) => a + b, 0)}`);
        expect(all.length).toBe(t5.containersOf().length);
        expect(all.filter((c) => c.health !== "healthy" || c.restarts !== 0)).toEqual([]);
    });

    it("serves HTTPS through the edge with the security headers, and /health reaches PostgreSQL and Redis", async () => {
        const edge = t5.edge();
        const health = await edgeRequest(edge, "/health");
        expect(health.status).toBe(200);
        const body = JSON.parse(health.body.toString("utf8")) as Record<string, unknown>;
        console.log(`local /health: ${JSON.stringify(body)}`);
        expect(JSON.stringify(body)).toMatch(/postgres/i);
        expect(JSON.stringify(body)).toMatch(/redis/i);
        securityHeaders(health.headers);
        const redirect = await edgeRequest(edge, "/health", { plainHttp: true });
        expect(redirect.status).toBe(301);
        expect(redirect.headers.location).toMatch(/^https:\/\//);
    });

    it("isolates the data network: only the edge publishes, and the data tier cannot reach another network", async () => {
        const published = t5.containersOf().filter((c) => ((c.inputs.ports as unknown[]) ?? []).length > 0);
        for (const c of published) {
            for (const p of c.inputs.ports as { ip?: string; internal: number }[]) {
                // On local everything publishes on loopback; off loopback only the edge, on 80/443.
                if (p.ip !== "127.0.0.1") expect([c.name, p.internal]).toEqual(["web-edge", expect.any(Number)]);
            }
        }
        const probe: ProbeListener = await startProbeListener(daemon, "t5-probe-local");
        try {
            const fromEdgeNet = await wgetFrom(t5, "web-app-0", probe.url);
            const fromData = await wgetFrom(t5, "db-postgres", probe.url);
            const fromCache = await wgetFrom(t5, "cache-redis", probe.url);
            console.log(`isolation: probe ${probe.url} from app ${fromEdgeNet.code}, from postgres ${fromData.code}, from redis ${fromCache.code} (0 = connected)`);
            expect(fromData.code).not.toBe(0);
            expect(fromCache.code).not.toBe(0);
            // The probe itself answers: the failures above are the network's doing, not a dead listener.
            expect((await probe.selfCheck()).code).toBe(0);
        } finally {
            await probe.stop();
        }
    });

    it("Prometheus reports every target up", async () => {
        const up = await waitTargetsUp(t5, 90_000);
        console.log(`local: ${up.targets} Prometheus targets up after ${up.seconds.toFixed(1)} s`);
        expect((await prometheusTargets(t5)).filter((t) => t.health !== "up")).toEqual([]);
    });

    it("alerts: stopping Redis fires the rendered RedisDown in the containers' Alertmanager, and it resolves", async () => {
        const r = await alertDrill(t5, daemon);
        console.log(`alert drill: RedisDown active in Alertmanager ${r.firingSeconds.toFixed(1)} s after Redis stopped (receivers ${r.receivers.join(", ")}), resolved ${r.resolvedSeconds.toFixed(1)} s after it returned`);
        expect(r.firing).toBe(true);
        expect(r.resolved).toBe(true);
    });

    it("backs up through the backup container and restores: row counts and checksums equal", async () => {
        const r = await backupRestoreDrill(t5);
        console.log(`backup drill: backup ${r.backupSeconds.toFixed(1)} s, restore ${r.restoreSeconds.toFixed(1)} s, ${r.rows} rows`);
        expect(r.restored).toEqual(r.original);
    });

    it("docker stop is a clean shutdown of PostgreSQL and Redis (their stop signal reaches them), and they start again healthy", async () => {
        const d = (args: string[]) => dockerOk(daemon.socket, args, { timeoutMs: 120_000 });
        const clean = { "db-postgres": /database system is shut down/, "cache-redis": /ready to exit, bye bye/ };
        for (const [logical, done] of Object.entries(clean)) {
            const name = t5.engine.container(logical).name;
            const since = String(Math.floor(Date.now() / 1000) - 1);
            const started = Date.now();
            await d(["stop", "-t", "60", name]);
            const stopSeconds = (Date.now() - started) / 1000;
            const logs = await docker(daemon.socket, ["logs", "--since", since, name]);
            const text = `${logs.stdout}${logs.stderr}`;
            console.log(`docker stop ${name}: ${stopSeconds.toFixed(1)} s`);
            expect(text, `${name} after docker stop`).not.toMatch(/FATAL tini|forwarding signal/);
            expect(text, `${name} after docker stop`).toMatch(done);
            await d(["start", name]);
        }
        await waitAllHealthy(t5, 120_000);
    }, 600_000);

    it("restores to a point in time with the rendered restore-to-time.sh: the write before the time is there, the one after is not", async () => {
        const r = await pitrDrill(t5);
        console.log(`tier 5 local PITR: restored to ${r.target} in ${r.restoreSeconds.toFixed(1)} s (database down ${r.downtimeReported} s), timeline ${r.timeline}`);
        expect(r.labels).toBe("before");
        expect(r.inRecovery).toBe("f");
        expect(r.timeline).toBeGreaterThan(1);
        // The payload is whole again: every container healthy, the app reaching the restored database.
        await waitAllHealthy(t5, 180_000);
        // The app's pool reconnects (the edge caches /health for a moment): bounded wait for a 200.
        let status = 0;
        for (let i = 0; i < 60 && status !== 200; i++) {
            status = (await edgeRequest(t5.edge(), "/health")).status;
            if (status !== 200) await new Promise((r) => setTimeout(r, 1000));
        }
        expect(status).toBe(200);
    }, 1_200_000);

    it("kill -9 of each stateful container: the restart policy brings it back with no data lost", async () => {
        await psql(t5, "CREATE TABLE IF NOT EXISTS t5_kill (id int PRIMARY KEY); INSERT INTO t5_kill SELECT g FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING;");
        const redisKey = `t5-${Date.now()}`;
        const redis = t5.engine.container("cache-redis");
        await redisCli(redis.name, ["SET", redisKey, "kept"]);
        await redisCli(redis.name, ["SAVE"]).catch(() => undefined);
        for (const name of ["db-postgres", "cache-redis"]) {
            const k = await killMainProcess(t5, name);
            console.log(`kill -9 ${name}: restarts ${k.before} → ${k.after}, healthy again after ${k.backInSeconds.toFixed(1)} s`);
        }
        expect(await psql(t5, "SELECT count(*) FROM t5_kill")).toBe("1000");
        expect((await redisCli(redis.name, ["GET", redisKey])).trim()).toBe("kept");
        const traffic = startTraffic(t5.edge(), { paths: ["/health"], concurrency: 2, durationMs: 2_000, maxRequests: 200 });
        const samples = await traffic.done;
        expect(samples.filter(failed), JSON.stringify(outcomes(samples))).toEqual([]);
    });
});

async function redisCli(container: string, args: string[]): Promise<string> {
    // The password lives in the mounted redis.conf only (never in the environment).
    const script = `REDISCLI_AUTH="$(sed -n 's/^requirepass "\\(.*\\)"$/\\1/p' /run/redis/redis.conf)" redis-cli -h 127.0.0.1 "$@"`;
    return await dockerOk(daemon.socket, ["exec", container, "sh", "-c", script, "sh", ...args]);
}
