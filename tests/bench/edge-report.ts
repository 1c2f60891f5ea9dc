/**
 * The edge benchmark's results: one record per wrk run, the nginx/direct ratio, the p95
 * requirement's verdict, and the markdown table `npm run bench:edge` prints. Pure functions of
 * wrk's reports, so the arithmetic is unit-tested apart from the servers.
 */
import { requestsPerSecond, totalErrors, type WrkReport } from "./wrk";

/** Our requirement: p95 under 500 ms at 1000 concurrent users, and no errors. */
export const p95RequirementMs = 500;

export interface EdgeRunResult {
    name: string;
    /** What was loaded, e.g. "nginx TLS → 2 replicas, /health". */
    target: string;
    url: string;
    /** Whether the run counts for the requirement (through the edge) or is the direct baseline. */
    throughEdge: boolean;
    requests: number;
    requestsPerSecond: number;
    latencyMs: { p50: number; p90: number; p95: number; p99: number; max: number; mean: number };
    errors: WrkReport["errors"] & { total: number };
    /** p95 under the requirement and not one error. */
    meetsRequirement: boolean;
}

const ms = (us: number): number => Number((us / 1000).toFixed(2));

export function runResult(name: string, target: string, url: string, throughEdge: boolean, r: WrkReport): EdgeRunResult {
    const total = totalErrors(r);
    return {
        name,
        target,
        url,
        throughEdge,
        requests: r.requests,
        requestsPerSecond: Number(requestsPerSecond(r).toFixed(1)),
        latencyMs: { p50: ms(r.latencyUs.p50), p90: ms(r.latencyUs.p90), p95: ms(r.latencyUs.p95), p99: ms(r.latencyUs.p99), max: ms(r.latencyUs.max), mean: ms(r.latencyUs.mean) },
        errors: { ...r.errors, total },
        meetsRequirement: r.latencyUs.p95 < p95RequirementMs * 1000 && total === 0,
    };
}

/** nginx (TLS, two replicas) against one replica direct (plain HTTP), both on /health. */
export interface EdgeRatio {
    /** Edge requests/s ÷ direct requests/s. */
    throughput: number;
    /** Edge p95 ÷ direct p95. */
    p95: number;
}

export const edgeRatio = (edge: EdgeRunResult, direct: EdgeRunResult): EdgeRatio => ({
    throughput: Number((edge.requestsPerSecond / direct.requestsPerSecond).toFixed(2)),
    p95: Number((edge.latencyMs.p95 / direct.latencyMs.p95).toFixed(2)),
});

/** The requirement holds when every run through the edge meets it. */
export const requirementMet = (runs: EdgeRunResult[]): boolean => runs.filter((r) => r.throughEdge).every((r) => r.meetsRequirement);

export function markdownTable(runs: EdgeRunResult[], connections: number): string {
    const rows = runs.map((r) => {
        const e = r.errors;
        const errors = `${e.total} (${e.connect}/${e.read}/${e.write}/${e.timeout}/${e.status})`;
        const verdict = r.throughEdge ? (r.meetsRequirement ? "yes" : "**no**") : "(baseline)";
        const l = r.latencyMs;
        return `| ${r.target} | ${Math.round(r.requestsPerSecond)} | ${l.p50} | ${l.p95} | ${l.p99} | ${l.max} | ${errors} | ${verdict} |`;
    });
    return [
        `| ${connections} connections | req/s | p50 ms | p95 ms | p99 ms | max ms | errors (connect/read/write/timeout/non-2xx) | p95 < ${p95RequirementMs} ms, no errors |`,
        "|---|---:|---:|---:|---:|---:|---|---|",
        ...rows,
    ].join("\n");
}
