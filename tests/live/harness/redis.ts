/**
 * A throwaway Redis on 127.0.0.1 from the payload's renderer (renderRedisConf) with loopback
 * options: bind 127.0.0.1, a free port, requirepass, the AOF in the run directory. It runs as
 * the `redis` OS user, as the container does.
 *
 *     const redis = await startRedis({ runDir });
 *     redis.url                     // redis://:password@127.0.0.1:port/0
 *     await redis.command("DBSIZE") // 0
 *     await redis.restart();        // same port, same data (AOF)
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { renderRedisConf } from "../../../components/cache/redis-conf";
import { freePort } from "./ports";
import { startProcess } from "./processes";
import type { RunDir } from "./rundir";
import { serverControl, type ServerControl } from "./server";
import { systemUser } from "./users";

export interface RedisOptions {
    runDir: RunDir;
    /** Also the log name. @default "redis" */
    name?: string;
    port?: number;
    /** @default 32 random bytes, hex */
    password?: string;
    /** @default 64 (the renderer's minimum) */
    memoryMiB?: number;
}

export interface RedisServer extends ServerControl {
    readonly name: string;
    readonly host: "127.0.0.1";
    readonly port: number;
    readonly password: string;
    /** `redis://:password@127.0.0.1:port/0`, what the app is given. */
    readonly url: string;
    /** Sends one authenticated command on a fresh connection and returns its reply (`"PONG"`, `3`, `"value"`, `null`); an error reply throws. */
    command(...args: string[]): Promise<RedisReply>;
    // stop is SIGTERM: Redis fsyncs the AOF and exits; restart keeps the port and the data.
}

/** A RESP array of bulk strings. */
const resp = (args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;

/** A reply: simple string, integer, bulk string (null when absent); errors are thrown. Arrays are not needed here. */
export type RedisReply = string | number | null;

/** Parses one reply at `at`; undefined while incomplete. */
function parseReply(buf: Buffer, at: number): { value: RedisReply | Error; next: number } | undefined {
    const eol = buf.indexOf("\r\n", at);
    if (eol < 0) return undefined;
    const head = buf.toString("utf8", at + 1, eol);
    switch (String.fromCharCode(buf[at])) {
        case "+":
            return { value: head, next: eol + 2 };
        case "-":
            return { value: new Error(`redis: ${head}`), next: eol + 2 };
        case ":":
            return { value: Number(head), next: eol + 2 };
        case "$": {
            const len = Number(head);
            if (len < 0) return { value: null, next: eol + 2 };
            if (buf.length < eol + 2 + len + 2) return undefined;
            return { value: buf.toString("utf8", eol + 2, eol + 2 + len), next: eol + 2 + len + 2 };
        }
        default:
            return { value: new Error(`redis: unsupported reply type "${String.fromCharCode(buf[at])}"`), next: buf.length };
    }
}

/** AUTH, then `args`, on a fresh connection; resolves with the command's reply. Bounded by `timeoutMs`. */
function authenticatedCommand(port: number, password: string, args: string[], timeoutMs = 3000): Promise<RedisReply> {
    return new Promise((resolve, reject) => {
        const socket = net.connect({ host: "127.0.0.1", port });
        let buffer = Buffer.alloc(0);
        const done = (err: Error | undefined, value?: RedisReply): void => {
            socket.destroy();
            if (err) reject(err);
            else resolve(value ?? null);
        };
        socket.setTimeout(timeoutMs, () => done(new Error(`redis ${args[0]} timed out after ${timeoutMs} ms`)));
        socket.once("error", (e) => done(e));
        socket.on("data", (d: Buffer) => {
            buffer = Buffer.concat([buffer, d]);
            const auth = parseReply(buffer, 0);
            if (!auth) return;
            if (auth.value instanceof Error) return done(auth.value);
            const reply = parseReply(buffer, auth.next);
            if (!reply) return;
            if (reply.value instanceof Error) return done(reply.value);
            done(undefined, reply.value);
        });
        socket.write(resp(["AUTH", password]) + resp(args));
    });
}

export async function startRedis(o: RedisOptions): Promise<RedisServer> {
    const name = o.name ?? "redis";
    const owner = systemUser("redis");
    const port = o.port ?? (await freePort());
    const password = o.password ?? randomBytes(32).toString("hex");
    const dir = path.join(o.runDir.path, name);
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.chownSync(dir, owner.uid, owner.gid);
    const confFile = path.join(dir, "redis.conf");
    fs.writeFileSync(
        confFile,
        renderRedisConf({ bind: ["127.0.0.1"], port, password, dir, memoryMiB: o.memoryMiB ?? 64, maxmemoryPolicy: "allkeys-lru" }),
        { mode: 0o600 },
    );
    fs.chownSync(confFile, owner.uid, owner.gid);
    const command = (...args: string[]): Promise<RedisReply> => authenticatedCommand(port, password, args);

    const server = serverControl(
        () => startProcess(name, "redis-server", [confFile], { logDir: o.runDir.logDir, cwd: dir, uid: owner.uid, gid: owner.gid, env: { PATH: process.env.PATH } }),
        {
            // While loading the AOF it answers -LOADING (thrown, so retried); PONG means ready.
            check: async () => (await command("PING")) === "PONG",
            timeoutMs: 30_000,
            intervalMs: 100,
            what: `${name} to answer PING on 127.0.0.1:${port}`,
        },
    );
    await server.start();
    return Object.assign(server, {
        name,
        host: "127.0.0.1" as const,
        port,
        password,
        url: `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}/0`,
        command,
    });
}
