/**
 * Benchmark (`npm run bench:edge`): the Docker payload on loopback (PostgreSQL, Redis, 2 app
 * replicas, nginx from the rendered nginx.conf with its worker settings as rendered) loaded by
 * wrk with 1000 connections for 30 s, three runs:
 *   1. through nginx over TLS to /health (the app answers after checking PostgreSQL and Redis;
 *      the edge's one-a-second /health cache is off here, so this is the proxy path),
 *   2. through nginx over TLS to the static file (/static/app.css, cache headers added at the edge),
 *   3. the same load direct to ONE replica's /health over plain HTTP: the baseline for the ratio.
 * Rate limiting is lifted for loopback by the renderer's own option (exempt 127.0.0.1 and ::1):
 * otherwise one client address would be limited, not measured.
 *
 * Prints a markdown table and whether p95 < 500 ms (with no errors) was met, and writes
 * bench/results/edge-<date>.json and edge-latest.json. It prints numbers; it is not a test.
 *
 * usage: npm run bench:edge [-- --duration 30 --connections 1000 --threads 2 --no-save]
 *        [--upstream-keepalive N]   (an experiment: idle upstream connections per nginx worker
 *                                    instead of the rendered default; recorded in the results)
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { run } from "../live/harness/commands";
import { startPayload, stopPayload, type Payload } from "../live/harness/payload";
import { edgeRatio, markdownTable, p95RequirementMs, requirementMet, runResult, type EdgeRunResult } from "./edge-report";
import { readTcpCounters, tcpCounterDelta, type TcpCounters } from "./tcp-counters";
import { runWrk } from "./wrk";

const { values } = parseArgs({
    options: {
        duration: { type: "string", default: "30" },
        connections: { type: "string", default: "1000" },
        threads: { type: "string", default: "2" },
        warmup: { type: "string", default: "5" },
        "no-save": { type: "boolean", default: false },
        "upstream-keepalive": { type: "string" },
    },
});
const bounded = (name: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}; got ${v}`);
    return n;
};
const durationSeconds = bounded("duration", values.duration, 1, 300);
const connections = bounded("connections", values.connections, 1, 10_000);
const threads = bounded("threads", values.threads, 1, 16);
const warmupSeconds = bounded("warmup", values.warmup, 0, 60);
const upstreamKeepalive = values["upstream-keepalive"] === undefined ? undefined : bounded("upstream-keepalive", values["upstream-keepalive"], 1, 10_000);
const resultsDir = path.resolve(__dirname, "../../bench/results");

const firstLine = async (command: string, args: string[]): Promise<string> => {
    const r = await run(command, args, { timeoutMs: 10_000 });
    return `${r.stdout}${r.stderr}`.trim().split("\n")[0];
};

async function machine() {
    return {
        cores: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? "unknown",
        memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
        kernel: os.release(),
        nginx: await firstLine("nginx", ["-v"]),
        node: process.version,
        wrk: await firstLine("wrk", ["-v"]),
        openssl: await firstLine("openssl", ["version"]),
    };
}

interface Target {
    name: string;
    target: string;
    url: string;
    throughEdge: boolean;
    headers?: Record<string, string>;
}

function targets(p: Payload): Target[] {
    // wrk sends SNI from the URL's host, and the edge refuses a handshake for any name but its
    // own: the payload's name is `localhost`, which resolves to loopback without DNS.
    const edge = `https://${p.edge.serverName}:${p.nginx.httpsPort}`;
    const host = { Host: `${p.edge.serverName}:${p.nginx.httpsPort}` };
    const direct = p.app.replicas[0];
    return [
        { name: "edge-health", target: "nginx TLS → 2 replicas, /health", url: `${edge}/health`, throughEdge: true, headers: host },
        { name: "edge-static", target: "nginx TLS → 2 replicas, /static/app.css", url: `${edge}/static/app.css`, throughEdge: true, headers: host },
        { name: "direct-health", target: `1 replica direct (http), /health`, url: `http://${direct.address}/health`, throughEdge: false },
    ];
}

async function main(): Promise<void> {
    const loadBefore = os.loadavg();
    const payload = await startPayload({
        label: "bench-edge",
        replicas: 2,
        serverName: "localhost",
        edge: {
            rateLimit: { exemptCidrs: ["127.0.0.1", "::1"] },
            // edge-health measures the proxy path against the replica direct: the edge's
            // one-a-second /health cache would answer instead of the replicas (and hold the
            // requests that coincide with each second's fetch on its lock).
            health: { cache: false },
            ...(upstreamKeepalive === undefined ? {} : { upstream: { keepalive: upstreamKeepalive } }),
        },
    });
    let failed = true;
    try {
        const runs: EdgeRunResult[] = [];
        const tcp: Record<string, TcpCounters> = {};
        let nofile = 0;
        for (const t of targets(payload)) {
            if (warmupSeconds > 0) {
                // JIT, connection pools and TLS session state warm, outside the measured run.
                await runWrk({ url: t.url, headers: t.headers, connections: Math.min(100, connections), durationSeconds: warmupSeconds, threads });
            }
            console.error(`bench:edge: ${t.name}: ${connections} connections for ${durationSeconds} s …`);
            const counters = readTcpCounters();
            const w = await runWrk({ url: t.url, headers: t.headers, connections, durationSeconds, threads });
            tcp[t.name] = tcpCounterDelta(counters, readTcpCounters());
            nofile = w.nofile;
            runs.push(runResult(t.name, t.target, t.url, t.throughEdge, w.report));
            console.error(`${w.summary}\nTCP during the run: ${JSON.stringify(tcp[t.name])}`);
        }
        const edgeHealth = runs.find((r) => r.name === "edge-health");
        const direct = runs.find((r) => r.name === "direct-health");
        const ratio = edgeHealth && direct ? edgeRatio(edgeHealth, direct) : undefined;
        const met = requirementMet(runs);
        const date = new Date();
        const results = {
            date: date.toISOString(),
            machine: { ...(await machine()), loadAverageBefore: loadBefore.map((l) => Number(l.toFixed(2))), loadAverageAfter: os.loadavg().map((l) => Number(l.toFixed(2))) },
            settings: {
                connections,
                durationSeconds,
                threads,
                warmupSeconds,
                wrkNofile: nofile,
                replicas: payload.app.replicas.length,
                nginxWorkers: /^worker_processes (.+);$/m.exec(payload.nginx.conf)?.[1],
                nginxWorkerConnections: Number(/^\s*worker_connections (\d+);$/m.exec(payload.nginx.conf)?.[1]),
                upstreamKeepalive: Number(/^\s*keepalive (\d+);$/m.exec(payload.nginx.conf)?.[1]),
                rateLimitExempt: ["127.0.0.1", "::1"],
            },
            runs,
            /** Kernel TCP counters during each run: SYNs dropped on a full listen queue and resent. */
            tcpCounters: tcp,
            ratioEdgeToDirect: ratio,
            requirement: { p95BelowMs: p95RequirementMs, connections, noErrors: true, met },
        };

        console.log(markdownTable(runs, connections));
        if (ratio) console.log(`\nnginx (TLS, 2 replicas) / 1 replica direct on /health: ${ratio.throughput}× the requests/s, ${ratio.p95}× the p95.`);
        console.log(`Requirement p95 < ${p95RequirementMs} ms with no errors at ${connections} concurrent connections: ${met ? "MET" : "NOT MET"}.`);
        console.log(`(${results.machine.cores} cores, load average ${loadBefore.map((l) => l.toFixed(2)).join(" ")} before the runs; nginx worker_processes ${results.settings.nginxWorkers}, upstream keepalive ${results.settings.upstreamKeepalive}.)`);
        if (!values["no-save"]) {
            fs.mkdirSync(resultsDir, { recursive: true });
            const text = `${JSON.stringify(results, null, 2)}\n`;
            for (const file of [`edge-${date.toISOString().slice(0, 10)}.json`, "edge-latest.json"]) fs.writeFileSync(path.join(resultsDir, file), text);
            console.log(`Results: bench/results/edge-${date.toISOString().slice(0, 10)}.json and edge-latest.json`);
        }
        failed = false;
    } finally {
        await stopPayload(payload, { failed });
    }
}

main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
