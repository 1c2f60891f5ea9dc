/**
 * Replicas of the sample app (app/src/server.js) on loopback ports, as the payload runs them:
 * the connection strings reach them as files (DATABASE_URL_FILE, REDIS_URL_FILE), never in the
 * environment.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { freePort } from "./ports";
import { startProcess } from "./processes";
import type { RunDir } from "./rundir";
import { serverControl, type ServerControl } from "./server";

/** The repository's sample app entry point. */
export const appEntry = path.resolve(__dirname, "../../../app/src/server.js");

export interface AppOptions {
    runDir: RunDir;
    /** @default 2 */
    replicas?: number;
    databaseUrl: string;
    redisUrl: string;
    /** How long a stopping replica lets requests in flight finish. @default 2000 */
    shutdownTimeoutMs?: number;
}

/** One replica; `start` waits until its /health answers 200, `stop` is SIGTERM (it drains), `kill` a crash. */
export interface AppReplica extends ServerControl {
    /** `app-1`, `app-2`…: also the log name. */
    readonly name: string;
    readonly port: number;
    /** `127.0.0.1:port`, the form nginx's upstream and Prometheus's targets take. */
    readonly address: string;
}

export interface AppReplicas {
    readonly replicas: AppReplica[];
    /** Every replica's `127.0.0.1:port`. */
    readonly addresses: string[];
    stop(): Promise<void>;
}

/** GET http://127.0.0.1:port/path: status and body, bounded. */
export function getLocal(port: number, pathname: string, timeoutMs = 3000): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const req = http.get({ host: "127.0.0.1", port, path: pathname, timeout: timeoutMs }, (res) => {
            let body = "";
            res.setEncoding("utf8").on("data", (d: string) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
            res.on("error", reject);
        });
        req.on("timeout", () => req.destroy(new Error(`GET :${port}${pathname} timed out after ${timeoutMs} ms`)));
        req.on("error", reject);
    });
}

export async function startApp(o: AppOptions): Promise<AppReplicas> {
    if (!fs.existsSync(path.resolve(appEntry, "../../node_modules"))) {
        throw new Error("The sample app's dependencies are missing: run `(cd app && npm ci)` first.");
    }
    const dir = path.join(o.runDir.path, "app");
    fs.mkdirSync(dir, { mode: 0o700 });
    const secret = (file: string, value: string): string => {
        const p = path.join(dir, file);
        fs.writeFileSync(p, `${value}\n`, { mode: 0o600 });
        return p;
    };
    const env = {
        PATH: process.env.PATH,
        HOST: "127.0.0.1",
        DATABASE_URL_FILE: secret("database-url", o.databaseUrl),
        REDIS_URL_FILE: secret("redis-url", o.redisUrl),
        SHUTDOWN_TIMEOUT_MS: String(o.shutdownTimeoutMs ?? 2000),
    };

    const replicas: AppReplica[] = [];
    for (let i = 1; i <= (o.replicas ?? 2); i++) {
        const name = `app-${i}`;
        const port = await freePort();
        const control = serverControl(
            () => startProcess(name, process.execPath, [appEntry], { logDir: o.runDir.logDir, env: { ...env, PORT: String(port) }, stopTimeoutMs: 10_000 }),
            { check: async () => (await getLocal(port, "/health")).status === 200, timeoutMs: 30_000, what: `${name} /health to answer 200 on 127.0.0.1:${port}` },
        );
        replicas.push(Object.assign(control, { name, port, address: `127.0.0.1:${port}` }));
    }
    await Promise.all(replicas.map((r) => r.start()));
    return {
        replicas,
        addresses: replicas.map((r) => r.address),
        stop: async () => {
            await Promise.all(replicas.map((r) => r.stop()));
        },
    };
}
