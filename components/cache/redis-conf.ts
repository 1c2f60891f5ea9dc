/**
 * Pure renderer for a self-run Redis: redis.conf from a memory budget and a password, plus the
 * shell that applies a changed config. Every address, port and path is an option, so the same
 * file serves the Docker payload (the caller's defaults) and a server run on 127.0.0.1.
 */
import type { MaxmemoryPolicy } from "./index";
import { argError } from "../shared/errors";

/** Smallest container budget accepted: Redis itself, client buffers and a fork need room. */
export const minRedisMemoryMiB = 64;

/**
 * `maxmemory` for a container limited to `memoryMiB`: three quarters. The rest is headroom the
 * limit must also cover: copy-on-write pages while a fork writes the AOF rewrite or snapshot,
 * client output buffers and allocator fragmentation. Without it the kernel kills Redis instead
 * of Redis evicting keys.
 */
export function redisMaxmemoryMb(memoryMiB: number): number {
    if (!Number.isInteger(memoryMiB) || memoryMiB < minRedisMemoryMiB) {
        throw argError("memoryMiB", memoryMiB, `a whole number of at least ${minRedisMemoryMiB} MiB for Redis`, { where: "redis.conf" });
    }
    return Math.floor((memoryMiB * 3) / 4);
}

/** A double-quoted redis.conf string (the escapes Redis's config parser understands). */
export function redisString(s: string): string {
    const escaped = [...s]
        .map((c) => {
            if (c === "\\" || c === '"') return `\\${c}`;
            const code = c.charCodeAt(0);
            if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, "0")}`;
            return c;
        })
        .join("");
    return `"${escaped}"`;
}

/**
 * Commands disabled by default. FLUSHALL wipes every logical database at once, which no app
 * needs; FLUSHDB stays, because framework "clear the cache" commands use it on their own
 * database. CONFIG stays: redis_exporter reads `maxmemory` with CONFIG GET (the memory alert is
 * used/maxmemory), and `enable-protected-configs no` already refuses CONFIG SET of `dir` and
 * `dbfilename` (the classic file-write attack). DEBUG and MODULE are off through their own
 * switches below.
 */
export const defaultRenamedCommands: Readonly<Record<string, string>> = { FLUSHALL: "" };

export interface RedisConfOptions {
    /** Addresses to bind: `["0.0.0.0"]` in a container whose only interface besides loopback is the data network, `["127.0.0.1"]` on a shared host. */
    bind: string[];
    port: number;
    /** The `requirepass` secret: the rendered file must be kept 0600 and as a secret. */
    password: string;
    /** Working directory for the AOF and snapshots. */
    dir: string;
    /** The process's memory budget in MiB (the container's limit); maxmemory is three quarters of it. */
    memoryMiB: number;
    maxmemoryPolicy: MaxmemoryPolicy;
    /** Also write RDB snapshots (faster restarts, point-in-time copies) besides the AOF. @default true */
    snapshots?: boolean;
    /** Seconds before an idle client is closed; 0 never (connection pools keep idle connections on purpose). @default 0 */
    timeoutSeconds?: number;
    /** TCP keepalive probes, in seconds, so dead peers are noticed. @default 300 */
    tcpKeepaliveSeconds?: number;
    /** `rename-command` pairs; an empty new name disables the command. @default defaultRenamedCommands */
    renamedCommands?: Record<string, string>;
}

const isInt = (n: number): boolean => Number.isInteger(n);

/** redis.conf for one cache. Holds the password: write it 0600 and keep the content secret. */
export function renderRedisConf(o: RedisConfOptions): string {
    const maxmemoryMb = redisMaxmemoryMb(o.memoryMiB);
    if (!isInt(o.port) || o.port < 1 || o.port > 65535) throw argError("port", o.port, "a TCP port from 1 to 65535", { where: "redis.conf" });
    if (o.bind.length === 0) throw argError("bind", o.bind, `at least one address, e.g. "127.0.0.1"`, { where: "redis.conf" });
    if (o.password.length < 16) throw argError("password", o.password, "at least 16 characters", { where: "redis.conf", secret: true });
    const timeout = o.timeoutSeconds ?? 0;
    const keepalive = o.tcpKeepaliveSeconds ?? 300;
    if (!isInt(timeout) || timeout < 0) throw argError("timeoutSeconds", timeout, "a whole number of seconds, 0 to never close idle clients", { where: "redis.conf" });
    if (!isInt(keepalive) || keepalive < 0) throw argError("tcpKeepaliveSeconds", keepalive, "a whole number of seconds, 0 to turn keepalive off", { where: "redis.conf" });
    const renamed = o.renamedCommands ?? defaultRenamedCommands;
    for (const cmd of Object.keys(renamed)) {
        if (!/^[A-Za-z-]+$/.test(cmd)) throw argError("renamedCommands", cmd, "Redis command names (letters and -)", { where: "redis.conf" });
    }

    const lines = [
        "# Rendered by Slipway: edit the component's arguments, not this file.",
        "# Holds the password: keep it mode 0600.",
        "",
        "# Network",
        `bind ${o.bind.join(" ")}`,
        `port ${o.port}`,
        // With a password set this never triggers; it guards against the file losing requirepass.
        "protected-mode yes",
        `tcp-keepalive ${keepalive}`,
        `timeout ${timeout}`,
        "",
        "# Security",
        `requirepass ${redisString(o.password)}`,
        "enable-protected-configs no",
        "enable-debug-command no",
        "enable-module-command no",
        ...Object.entries(renamed).map(([cmd, to]) => `rename-command ${cmd.toUpperCase()} ${redisString(to)}`),
        "",
        "# Process: foreground, logging to stdout, which the container runtime collects and rotates",
        "daemonize no",
        "supervised no",
        "loglevel notice",
        'logfile ""',
        "",
        "# Memory",
        `maxmemory ${maxmemoryMb}mb`,
        `maxmemory-policy ${o.maxmemoryPolicy}`,
        // Free evicted and expired values in a background thread: no latency spikes on big keys.
        "lazyfree-lazy-eviction yes",
        "lazyfree-lazy-expire yes",
        "lazyfree-lazy-server-del yes",
        "",
        "# Persistence: append-only file, fsync once a second (at most a second of writes lost on a crash)",
        `dir ${redisString(o.dir)}`,
        "appendonly yes",
        "appendfsync everysec",
        "aof-use-rdb-preamble yes",
        "auto-aof-rewrite-percentage 100",
        "auto-aof-rewrite-min-size 64mb",
        ...((o.snapshots ?? true) ? ["save 3600 1 300 100 60 10000", 'dbfilename "dump.rdb"'] : ['save ""']),
        // A failed background save (disk full) stops writes, so the app sees it instead of losing data later.
        "stop-writes-on-bgsave-error yes",
        "",
        "# Diagnostics",
        "slowlog-log-slower-than 10000",
        "slowlog-max-len 256",
        "latency-monitor-threshold 100",
    ];
    return `${lines.join("\n")}\n`;
}

/** Single-quotes a string for POSIX sh. */
const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Shell run on the host after redis.conf changed. Redis cannot re-read its file, so the
 * container restarts, but only when the file differs from the copy the running server started
 * with: the first deployment, and runs where nothing changed, leave it alone. The AOF is
 * fsynced on a clean shutdown, so a restart loses nothing.
 */
export function redisRestartScript(o: { container: string; runningConf: string; hostConf: string }): string {
    return [
        "set -eu",
        `if docker exec ${sh(o.container)} cat ${sh(o.runningConf)} 2>/dev/null | cmp -s - ${sh(o.hostConf)}; then exit 0; fi`,
        `docker restart ${sh(o.container)} >/dev/null`,
    ].join("\n");
}
