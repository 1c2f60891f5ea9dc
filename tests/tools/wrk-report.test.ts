import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestsPerSecond, runWrk } from "../bench/wrk";

/**
 * tests/bench/wrk-report.lua run by Debian's wrk (what `npm run bench:edge` reads its numbers
 * from): against an in-process server on 127.0.0.1, its report line parses, counts what wrk
 * sent, and counts error statuses as errors.
 */

let server: http.Server;
let base = "";
let served = 0;
let lastHost = "";

beforeAll(async () => {
    server = http.createServer((req, res) => {
        served++;
        lastHost = req.headers.host ?? "";
        if (req.url === "/drop") return void req.socket.destroy();
        res.writeHead(req.url === "/fail" ? 503 : 200, { "Content-Type": "text/plain" }).end("ok\n");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("wrk with wrk-report.lua", () => {
    it("reports requests, latency percentiles in order, and no errors for 200s", async () => {
        served = 0;
        const { report, nofile } = await runWrk({ url: `${base}/`, connections: 4, durationSeconds: 1, threads: 1, headers: { Host: "app.example.test" } });
        expect(report.requests).toBeGreaterThan(10);
        // wrk counts completed responses; the server may have answered a few more as it stopped.
        expect(report.requests).toBeLessThanOrEqual(served);
        expect(requestsPerSecond(report)).toBeGreaterThan(10);
        const l = report.latencyUs;
        expect(0 < l.p50 && l.p50 <= l.p95 && l.p95 <= l.p99 && l.p99 <= l.max).toBe(true);
        expect(report.errors).toEqual({ connect: 0, read: 0, write: 0, status: 0, timeout: 0 });
        expect(nofile).toBeGreaterThanOrEqual(1024);
        expect(lastHost).toBe("app.example.test");
    });

    it("counts every 503 as a status error", async () => {
        const { report } = await runWrk({ url: `${base}/fail`, connections: 2, durationSeconds: 1, threads: 1 });
        expect(report.requests).toBeGreaterThan(10);
        expect(report.errors.status).toBe(report.requests);
    });

    it("counts connections the server drops as read errors, not requests", async () => {
        const { report } = await runWrk({ url: `${base}/drop`, connections: 2, durationSeconds: 1, threads: 1 });
        expect(report.requests).toBe(0);
        expect(report.errors.read).toBeGreaterThan(0);
    });
});
