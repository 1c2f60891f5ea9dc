/**
 * Runs Debian's wrk with tests/bench/wrk-report.lua and returns what its `done()` printed: the
 * request count, latency percentiles and error classes, measured by wrk itself. wrk runs under
 * `ulimit -n 65536` (or the hard limit where a container forbids raising it), so 1000
 * connections never run out of file descriptors on the client side.
 */
import * as path from "node:path";
import { missingTool, run } from "../live/harness/commands";

export const wrkScript = path.resolve(__dirname, "wrk-report.lua");

export interface WrkReport {
    requests: number;
    durationUs: number;
    bytes: number;
    latencyUs: { p50: number; p90: number; p95: number; p99: number; max: number; mean: number; stdev: number };
    /** connect/read/write/timeout: socket errors; status: responses with a status of 400 or more. */
    errors: { connect: number; read: number; write: number; status: number; timeout: number };
}

export interface WrkRun {
    report: WrkReport;
    /** The file-descriptor limit wrk ran with. */
    nofile: number;
    /** wrk's own human-readable summary, kept for the record. */
    summary: string;
}

export interface WrkOptions {
    url: string;
    connections: number;
    durationSeconds: number;
    threads: number;
    headers?: Record<string, string>;
    /** A response slower than this counts as a timeout. @default 10 */
    timeoutSeconds?: number;
}

const marker = "WRK_REPORT ";

/** The report line wrk-report.lua prints; fails when there is none (wrk died, or the script did not run). */
export function parseWrkReport(stdout: string): WrkReport {
    const line = stdout.split("\n").find((l) => l.startsWith(marker));
    if (!line) throw new Error(`wrk printed no ${marker.trim()} line; its output:\n${stdout.slice(-2000)}`);
    return JSON.parse(line.slice(marker.length)) as WrkReport;
}

/** Every error wrk counted, socket-level and HTTP status alike. */
export const totalErrors = (r: WrkReport): number => r.errors.connect + r.errors.read + r.errors.write + r.errors.status + r.errors.timeout;

export const requestsPerSecond = (r: WrkReport): number => r.requests / (r.durationUs / 1e6);

// 65536 as asked; a container without CAP_SYS_RESOURCE caps it at the hard limit instead.
const raiseLimit = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; echo "nofile=$(ulimit -n)" >&2; exec wrk "$@"';

export async function runWrk(o: WrkOptions): Promise<WrkRun> {
    const args = [
        "-t", String(o.threads),
        "-c", String(o.connections),
        "-d", `${o.durationSeconds}s`,
        "--timeout", `${o.timeoutSeconds ?? 10}s`,
        "--latency",
        "-s", wrkScript,
        ...Object.entries(o.headers ?? {}).flatMap(([k, v]) => ["-H", `${k}: ${v}`]),
        o.url,
    ];
    const r = await run("bash", ["-c", raiseLimit, "wrk", ...args], { timeoutMs: (o.durationSeconds + 60) * 1000 });
    if (r.code === 127) throw missingTool("wrk");
    if (r.code !== 0) throw new Error(`wrk ${args.join(" ")} exited ${r.code ?? r.signal}${r.timedOut ? " (timed out)" : ""}:\n${r.stderr.slice(-2000)}${r.stdout.slice(-2000)}`);
    const nofile = Number(/nofile=(\d+)/.exec(r.stderr)?.[1] ?? 0);
    if (nofile < o.connections + 64) throw new Error(`wrk could only open ${nofile} files, too few for ${o.connections} connections.`);
    return { report: parseWrkReport(r.stdout), nofile, summary: r.stdout.split("\n").filter((l) => !l.startsWith(marker)).join("\n").trim() };
}
