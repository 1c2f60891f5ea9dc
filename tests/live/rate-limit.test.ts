/**
 * Tier 4, per-client rate limits at the edge, with small limits set through the renderer's
 * options. Clients are told apart by their loopback address (127.0.0.1, ::1, 127.0.0.2…), which
 * is nginx's `$binary_remote_addr` key.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as tls from "node:tls";
import { describe, expect, it } from "vitest";
import { edgeRequest, type EdgeRequestOptions, type LoopbackSource } from "./harness/clients";
import { usePayload } from "./harness/lifecycle";

const general = { perMinute: 6, burst: 4 };
const auth = { perMinute: 2, burst: 1 };
const connectionCap = 3;
const payload = usePayload({
    label: "rate-limit",
    edge: { rateLimit: general, authRateLimit: { ...auth, paths: ["/api/auth/"] }, connectionLimit: { perIp: connectionCap } },
});

/**
 * `count` requests one after another from one client; the statuses, and how many a leaky bucket
 * of `limit` admits in the time they took (burst + 1 at once, then one per interval).
 */
async function burstFrom(from: LoopbackSource, count: number, limit: { perMinute: number; burst: number }, path: string, o: EdgeRequestOptions = {}) {
    const statuses: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < count; i++) statuses.push((await edgeRequest(payload().edge, path, { ...o, from })).status);
    const elapsedMs = performance.now() - t0;
    console.log(`${from} ${path}: ${statuses.join(",")} in ${elapsedMs.toFixed(0)} ms`);
    const admissible = limit.burst + 1 + Math.floor(elapsedMs / (60_000 / limit.perMinute));
    return { statuses, admissible, elapsedMs };
}

/** The access-log lines (JSON) with this client address and status. */
function logged(remoteAddr: string, status: number): number {
    return fs
        .readFileSync(payload().nginx.accessLog, "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as { remote_addr: string; status: number })
        .filter((e) => e.remote_addr === remoteAddr && e.status === status).length;
}

describe("per-client rate limit", () => {
    it("answers 429 to one client beyond the limit while another client's traffic within it passes", async () => {
        const a = await burstFrom("127.0.0.1", 12, general, "/");
        const passed = a.statuses.filter((s) => s === 200).length;
        expect(a.statuses.slice(0, general.burst + 1), `${a.statuses}`).toEqual(Array(general.burst + 1).fill(200));
        expect(passed, `${a.statuses} in ${a.elapsedMs.toFixed(0)} ms`).toBeLessThanOrEqual(a.admissible);
        expect(a.statuses.filter((s) => s === 429).length).toBe(12 - passed);
        expect(a.statuses.at(-1)).toBe(429);

        // Another client (::1) within its own limit is not affected.
        const b = await burstFrom("::1", general.burst + 1, general, "/");
        expect(b.statuses).toEqual(Array(general.burst + 1).fill(200));

        // The first client is still limited (the second did not pass because the limit lapsed),
        // but the health location, which monitors poll, is never limited.
        expect((await edgeRequest(payload().edge, "/", { from: "127.0.0.1" })).status).toBe(429);
        expect((await edgeRequest(payload().edge, "/health", { from: "127.0.0.1" })).status).toBe(200);

        // nginx saw the two clients as 127.0.0.1 and ::1.
        expect(logged("127.0.0.1", 429)).toBeGreaterThanOrEqual(12 - passed + 1);
        expect(logged("::1", 200)).toBe(general.burst + 1);
        expect(logged("::1", 429)).toBe(0);
    });

    it("holds the auth paths to a stricter limit than the rest", async () => {
        const login = { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" };
        const authBurst = await burstFrom("127.0.0.2", 6, auth, "/api/auth/login", login);
        const pageBurst = await burstFrom("127.0.0.3", 6, general, "/");
        // Admitted logins reach the app, whose stub answers 401; the rest stop at the edge.
        const admittedLogins = authBurst.statuses.filter((s) => s === 401).length;
        const admittedPages = pageBurst.statuses.filter((s) => s === 200).length;
        expect(authBurst.statuses.slice(0, auth.burst + 1), `${authBurst.statuses}`).toEqual(Array(auth.burst + 1).fill(401));
        expect(admittedLogins).toBeLessThanOrEqual(authBurst.admissible);
        expect(authBurst.statuses.filter((s) => s === 429).length).toBe(6 - admittedLogins);
        expect(admittedPages).toBeGreaterThanOrEqual(general.burst + 1);
        expect(admittedLogins).toBeLessThan(admittedPages);
    });
});

describe("static assets", () => {
    it("do not spend the app's per-client limit: many more assets than the limit, then a page still 200", async () => {
        const from = "127.0.0.4";
        const assets = 4 * (general.burst + 1);
        const statuses: number[] = [];
        for (let i = 0; i < assets; i++) statuses.push((await edgeRequest(payload().edge, `/static/app.css?n=${i}`, { from })).status);
        expect(statuses).toEqual(Array(assets).fill(200));
        // The app's limit is untouched: a full burst of pages passes, and the one after is limited.
        const pages = await burstFrom(from, general.burst + 2, general, "/");
        expect(pages.statuses.slice(0, general.burst + 1), `${pages.statuses}`).toEqual(Array(general.burst + 1).fill(200));
        console.log(`${from}: ${assets} assets all 200, then pages ${pages.statuses.join(",")}`);
    });
});

/**
 * A TLS connection that sent a request's headers and holds it open, waiting for a body that
 * never comes: nginx counts it towards limit_conn (the request is in progress) until closed.
 */
async function holdRequest(from: string): Promise<tls.TLSSocket> {
    const { edge } = payload();
    // From `from`: tls.connect has no localAddress of its own, so the TCP socket is made first.
    const tcp = net.connect({ host: "127.0.0.1", localAddress: from, port: edge.httpsPort });
    const socket = tls.connect({ socket: tcp, servername: edge.serverName, ca: edge.ca, ALPNProtocols: ["http/1.1"] });
    await new Promise<void>((resolve, reject) => {
        socket.once("secureConnect", resolve);
        socket.once("error", reject);
    });
    socket.on("error", () => undefined);
    socket.write(`POST /static/held HTTP/1.1\r\nHost: ${edge.serverName}:${edge.httpsPort}\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n`);
    return socket;
}

describe("per-client connection limit", () => {
    it("answers 429 past the cap of requests in progress from one address, not to others, and lets the client back once one ends", async () => {
        const from = "127.0.0.5";
        const held = await Promise.all(Array.from({ length: connectionCap }, () => holdRequest(from)));
        try {
            // nginx counts a request once its headers are read: wait until the cap is reached.
            const t0 = performance.now();
            let status = 0;
            while (performance.now() - t0 < 5000 && status !== 429) {
                status = (await edgeRequest(payload().edge, "/static/app.css", { from })).status;
                if (status !== 429) await new Promise((r) => setTimeout(r, 100));
            }
            console.log(`${from}: ${connectionCap} held requests; the next one got ${status} after ${(performance.now() - t0).toFixed(0)} ms`);
            expect(status).toBe(429);
            // Another address is not affected.
            expect((await edgeRequest(payload().edge, "/static/app.css", { from: "127.0.0.6" })).status).toBe(200);
            // One ends: the client has a slot again.
            held.pop()?.destroy();
            const t1 = performance.now();
            let after = 0;
            while (performance.now() - t1 < 5000 && after !== 200) {
                after = (await edgeRequest(payload().edge, "/static/app.css", { from })).status;
                if (after !== 200) await new Promise((r) => setTimeout(r, 100));
            }
            expect(after).toBe(200);
        } finally {
            for (const s of held) s.destroy();
        }
        expect(logged(from, 429)).toBeGreaterThanOrEqual(1);
    });
});
