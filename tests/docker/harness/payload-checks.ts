import { setTimeout as sleep } from "node:timers/promises";
import { docker, dockerOk } from "./cli";
import type { Tier5Stack } from "./stack";

/**
 * Checks and drills shared by the local and dev tier-5 files: each reads the real daemon
 * (Docker's own health status, restart counts, `docker exec` into the containers) and prints
 * what it measured.
 */

export interface ContainerHealth {
    name: string;
    status: string;
    health: string;
    restarts: number;
}

/** Every container of the graph, as the daemon reports it now. */
export async function containerHealth(t5: Tier5Stack): Promise<ContainerHealth[]> {
    const out: ContainerHealth[] = [];
    for (const r of t5.containersOf(t5.graph)) {
        const c = t5.engine.container(r.name);
        const i = await t5.api.inspectContainer(c.id);
        out.push({ name: c.name, status: i?.State.Status ?? "missing", health: i?.State.Health?.Status ?? "none", restarts: i?.RestartCount ?? -1 });
    }
    return out;
}

/** Polls until every container is healthy (bounded); returns the seconds it took. */
export async function waitAllHealthy(t5: Tier5Stack, timeoutMs: number): Promise<number> {
    const started = Date.now();
    for (;;) {
        const all = await containerHealth(t5);
        if (all.every((c) => c.health === "healthy")) return (Date.now() - started) / 1000;
        if (Date.now() - started > timeoutMs) throw new Error(`not healthy after ${timeoutMs / 1000}s: ${JSON.stringify(all.filter((c) => c.health !== "healthy"))}`);
        await sleep(500);
    }
}

/** SQL through `psql` inside the PostgreSQL container (the socket, as the image's own tools do). */
export async function psql(t5: Tier5Stack, sql: string, o: { database?: string; user?: string } = {}): Promise<string> {
    const db = t5.engine.container("db-postgres");
    const env = Object.fromEntries((t5.byName("db-postgres").inputs.envs as string[]).map((e) => e.split("=", 2) as [string, string]));
    return (
        await dockerOk(t5.o.daemon.socket, [
            "exec", "-i", "-u", "postgres", db.name, "psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1",
            "-U", o.user ?? env.POSTGRES_USER, "-d", o.database ?? env.POSTGRES_DB,
        ], { stdin: sql })
    ).trim();
}

/** Sends SIGKILL to a container's main process from the host, as the OOM killer or a crash would (not `docker kill`, which Docker counts as a manual stop and never restarts). */
export async function killMainProcess(t5: Tier5Stack, logicalName: string): Promise<{ before: number; after: number; backInSeconds: number }> {
    const c = t5.engine.container(logicalName);
    const before = await t5.api.inspectContainer(c.id);
    if (!before?.State.Running) throw new Error(`${c.name} is not running`);
    process.kill(before.State.Pid, "SIGKILL");
    const started = Date.now();
    // Restart, then healthy again: Docker's restart policy and health check, nothing of ours.
    for (;;) {
        const now = await t5.api.inspectContainer(c.id);
        if (now && now.RestartCount > before.RestartCount && now.State.Health?.Status === "healthy") {
            return { before: before.RestartCount, after: now.RestartCount, backInSeconds: (Date.now() - started) / 1000 };
        }
        if (Date.now() - started > 120_000) throw new Error(`${c.name} did not come back healthy within 120 s: ${JSON.stringify(now?.State)}`);
        await sleep(300);
    }
}

/** An HTTP GET from inside a container (busybox/wget as the images ship it); the exit code says whether it connected. */
export async function wgetFrom(t5: Tier5Stack, logicalName: string, url: string, timeoutSeconds = 3): Promise<{ code: number; out: string }> {
    const c = t5.engine.container(logicalName);
    // `timeout` rather than wget's -T: Debian's busybox-static 1.35 wget (the stand-ins') crashes on -T.
    const r = await docker(t5.o.daemon.socket, ["exec", c.name, "timeout", String(timeoutSeconds), "wget", "-q", "-O", "-", url], { timeoutMs: (timeoutSeconds + 10) * 1000 });
    return { code: r.code, out: r.stdout + r.stderr };
}

/** Prometheus's active targets, read inside its container. */
export async function prometheusTargets(t5: Tier5Stack): Promise<{ job: string; instance: string; health: string; lastError: string }[]> {
    const r = await wgetFrom(t5, "monitoring-prometheus", "http://127.0.0.1:9090/api/v1/targets?state=active", 5);
    if (r.code !== 0) throw new Error(`Prometheus API: ${r.out}`);
    const body = JSON.parse(r.out) as { data: { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] } };
    return body.data.activeTargets.map((t) => ({ job: t.labels.job, instance: t.labels.instance, health: t.health, lastError: t.lastError }));
}

/** Waits (bounded) until every Prometheus target is up; returns the seconds it took. */
export async function waitTargetsUp(t5: Tier5Stack, timeoutMs: number): Promise<{ seconds: number; targets: number }> {
    const started = Date.now();
    for (;;) {
        const targets = await prometheusTargets(t5).catch(() => []);
        if (targets.length > 0 && targets.every((t) => t.health === "up")) return { seconds: (Date.now() - started) / 1000, targets: targets.length };
        if (Date.now() - started > timeoutMs) throw new Error(`Prometheus targets not all up: ${JSON.stringify(targets.filter((t) => t.health !== "up"))}`);
        await sleep(1000);
    }
}
