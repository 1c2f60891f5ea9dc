/**
 * The whole Docker payload on loopback, started in dependency order from the rendered configs:
 * PostgreSQL → Redis → app replicas → test certificates → nginx → (monitoring). Later drills
 * (replica loss, restarts, alerts, the edge benchmark) build on it:
 *
 *     const payload = await startPayload({ label: "edge", edge: { rateLimit: { perMinute: 30 } } });
 *     await edgeRequest(payload.edge, "/health");
 *     await payload.app.replicas[0].kill();            // a drill
 *     await payload.monitoring?.query("up == 0");
 *     await stopPayload(payload, { failed });          // stops everything; keeps logs on failure
 */
import { startApp, type AppReplicas } from "./app";
import type { EdgeAddress } from "./clients";
import { startMonitoring, type Monitoring, type MonitoringOptions } from "./monitoring";
import { startNginx, type EdgeTuning, type NginxFlavour, type NginxServer } from "./nginx";
import { startPostgres, type PostgresCluster } from "./postgres";
import { stopAll } from "./processes";
import { startRedis, type RedisServer } from "./redis";
import { createRunDir, type RunDir } from "./rundir";
import { makeTestCertificates, type TestCertificates } from "./tls";

export interface PayloadOptions {
    /** Names the run directory (`/tmp/slipway-<label>-…`). @default "payload" */
    label?: string;
    /** App replicas behind nginx. @default 2 */
    replicas?: number;
    /** The edge's server name (SNI, Host, certificate). @default "app.slipway.test" */
    serverName?: string;
    /** nginx behaviour through the renderer's options: rate limits, exempt CIDRs, upstream retries… */
    edge?: EdgeTuning;
    /** Which nginx runs the edge (see harness/nginx.ts). @default "debian" */
    nginx?: NginxFlavour;
    /** Start Prometheus, Alertmanager and the exporters; an object tunes their intervals and alert `for`s. @default false */
    monitoring?: boolean | Pick<MonitoringOptions, "scrapeIntervalSeconds" | "evaluationIntervalSeconds" | "alertForOverrides">;
}

export interface Payload {
    readonly runDir: RunDir;
    readonly postgres: PostgresCluster;
    readonly redis: RedisServer;
    readonly app: AppReplicas;
    readonly tls: TestCertificates;
    readonly nginx: NginxServer;
    /** What clients need to reach the edge (see clients.ts). */
    readonly edge: EdgeAddress;
    readonly monitoring: Monitoring | undefined;
    /** Seconds each stage took to start, for reports. */
    readonly startupSeconds: Record<string, number>;
}

export async function startPayload(o: PayloadOptions = {}): Promise<Payload> {
    const runDir = createRunDir(o.label ?? "payload");
    const startupSeconds: Record<string, number> = {};
    const timed = async <T>(stage: string, fn: () => Promise<T>): Promise<T> => {
        const t0 = performance.now();
        const result = await fn();
        startupSeconds[stage] = Number(((performance.now() - t0) / 1000).toFixed(2));
        return result;
    };
    try {
        const postgres = await timed("postgres", () => startPostgres({ runDir }));
        const redis = await timed("redis", () => startRedis({ runDir }));
        const app = await timed("app", () => startApp({ runDir, replicas: o.replicas ?? 2, databaseUrl: postgres.app.url, redisUrl: redis.url }));
        const tls = await timed("tls", () => makeTestCertificates(runDir, o.serverName ?? "app.slipway.test"));
        const nginx = await timed("nginx", () => startNginx({ runDir, tls, upstreams: app.addresses, tuning: o.edge, flavour: o.nginx }));
        const edge: EdgeAddress = { serverName: tls.serverName, httpPort: nginx.httpPort, httpsPort: nginx.httpsPort, ca: tls.ca };
        const monitoringOptions = typeof o.monitoring === "object" ? o.monitoring : {};
        const monitoring = o.monitoring
            ? await timed("monitoring", () => startMonitoring({ runDir, postgres, redis, app, nginx, tls, ...monitoringOptions }))
            : undefined;
        return { runDir, postgres, redis, app, tls, nginx, edge, monitoring, startupSeconds };
    } catch (e) {
        // Nothing half-started survives a failed start; the logs stay for the error.
        runDir.markFailed();
        await stopAll();
        runDir.remove();
        throw e;
    }
}

/**
 * Stops every process the payload (or a drill) started, clients before servers, then removes
 * the run directory, keeping it when `failed` so the logs can be read.
 */
export async function stopPayload(payload: Payload | undefined, o: { failed?: boolean } = {}): Promise<void> {
    await payload?.monitoring?.webhook.close();
    await stopAll();
    if (!payload) return;
    if (o.failed) payload.runDir.markFailed();
    payload.runDir.remove();
}
