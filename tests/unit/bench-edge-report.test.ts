import { describe, expect, it } from "vitest";
import { edgeRatio, markdownTable, requirementMet, runResult } from "../bench/edge-report";
import { parseTcpCounters, tcpCounterDelta } from "../bench/tcp-counters";
import { parseWrkReport, type WrkReport } from "../bench/wrk";

/** The edge benchmark's arithmetic, apart from wrk and the servers (tests/tools/wrk-report.test.ts runs wrk). */

const report = (p95Us: number, over: Partial<WrkReport["errors"]> = {}, requests = 30_000): WrkReport => ({
    requests,
    durationUs: 30_000_000,
    bytes: 1,
    latencyUs: { p50: 1000, p90: 2000, p95: p95Us, p99: p95Us * 2, max: p95Us * 3, mean: 1500, stdev: 10 },
    errors: { connect: 0, read: 0, write: 0, status: 0, timeout: 0, ...over },
});

describe("parseWrkReport", () => {
    it("reads the script's line among wrk's own output", () => {
        const r = report(400_000);
        expect(parseWrkReport(`Running 30s test @ https://x\n  2 threads\nWRK_REPORT ${JSON.stringify(r)}\n`)).toEqual(r);
    });

    it("fails, quoting the output, when the line is missing", () => {
        expect(() => parseWrkReport("unable to connect to 127.0.0.1:1 Connection refused")).toThrow(/no WRK_REPORT line.*Connection refused/s);
    });
});

describe("runResult and the requirement", () => {
    it("converts to ms and requests/s", () => {
        const r = runResult("edge-health", "nginx", "https://x/health", true, report(123_456));
        expect(r.requestsPerSecond).toBe(1000);
        expect(r.latencyMs.p95).toBe(123.46);
        expect(r.errors.total).toBe(0);
        expect(r.meetsRequirement).toBe(true);
    });

    it.each([
        ["p95 at 500 ms", report(500_000)],
        ["one timeout", report(1000, { timeout: 1 })],
        ["one non-2xx", report(1000, { status: 1 })],
        ["one connect error", report(1000, { connect: 1 })],
    ])("is not met with %s", (_, r) => {
        const run = runResult("edge-health", "nginx", "u", true, r);
        expect(run.meetsRequirement).toBe(false);
        expect(requirementMet([run])).toBe(false);
    });

    it("judges only the runs through the edge, not the direct baseline", () => {
        const edge = runResult("edge-health", "nginx", "u", true, report(100_000));
        const direct = runResult("direct-health", "direct", "u", false, report(900_000));
        expect(requirementMet([edge, direct])).toBe(true);
    });

    it("gives the ratio of the edge to the direct replica", () => {
        const edge = runResult("edge-health", "nginx", "u", true, report(200_000, {}, 15_000));
        const direct = runResult("direct-health", "direct", "u", false, report(100_000, {}, 60_000));
        expect(edgeRatio(edge, direct)).toEqual({ throughput: 0.25, p95: 2 });
    });

    it("prints one markdown row per run with the verdict", () => {
        const table = markdownTable(
            [runResult("a", "nginx TLS, /health", "u", true, report(600_000, { timeout: 2, status: 1 })), runResult("b", "direct", "u", false, report(1000))],
            1000,
        );
        const lines = table.split("\n");
        expect(lines).toHaveLength(4);
        expect(lines[0]).toContain("| 1000 connections | req/s |");
        expect(lines[2]).toBe("| nginx TLS, /health | 1000 | 1 | 600 | 1200 | 1800 | 3 (0/0/0/2/1) | **no** |");
        expect(lines[3]).toMatch(/\| \(baseline\) \|$/);
    });
});

describe("TCP counters", () => {
    const netstat = (overflows: number, retrans: number): string =>
        [
            "TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPSynRetrans",
            `TcpExt: 0 ${overflows} ${overflows} ${retrans}`,
            "IpExt: InNoRoutes",
            "IpExt: 0",
        ].join("\n");

    it("reads them by name and subtracts", () => {
        const before = parseTcpCounters(netstat(5, 7));
        expect(before).toEqual({ ListenOverflows: 5, ListenDrops: 5, TCPSynRetrans: 7 });
        expect(tcpCounterDelta(before, parseTcpCounters(netstat(25, 17)))).toEqual({ ListenOverflows: 20, ListenDrops: 20, TCPSynRetrans: 10 });
    });
});
