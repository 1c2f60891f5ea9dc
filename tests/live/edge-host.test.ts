/**
 * Tier 4: the edge answers only its configured name (issue 11, item 9), and its /health cache
 * (item 10). The rendered nginx.conf runs on Debian's nginx 1.22 and on the mainline build (the
 * container image's form: `http2 on`, `resolve`), in front of a recording upstream that stands
 * for the app and keeps every request's Host and X-Forwarded-Host, so what the app would build
 * absolute URLs (password-reset links) from is seen directly. Real clients: curl (its exit
 * codes: 56 = "Connection reset by peer" — `return 444` closes the connection, and with
 * `reset_timedout_connection on` it does so with a TCP reset, so curl never gets an empty reply
 * (52) but a reset; 35 = the TLS handshake failed), openssl s_client, node's https trusting
 * only the test CA.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { edgeRequest } from "./harness/clients";
import { run } from "./harness/commands";
import { startNginx, type NginxFlavour, type NginxServer } from "./harness/nginx";
import { stopAll } from "./harness/processes";
import { createRunDir, type RunDir } from "./harness/rundir";
import { makeTestCertificates, type TestCertificates } from "./harness/tls";

const DOMAIN = "app.slipway.test";

interface Seen {
    path: string;
    host: string | undefined;
    forwardedHost: string | undefined;
}

/** The app stand-in: /health answers `healthStatus` marked no-store (as app/src/app.js does); anything else 200. Every request is kept. */
const upstream = {
    seen: [] as Seen[],
    healthStatus: 200,
    server: undefined as http.Server | undefined,
    address: "",
    healthHits(): number {
        return this.seen.filter((s) => s.path.split("?")[0] === "/health").length;
    },
};

beforeAll(async () => {
    const server = http.createServer((req, res) => {
        const forwarded = req.headers["x-forwarded-host"];
        upstream.seen.push({ path: req.url ?? "", host: req.headers.host, forwardedHost: Array.isArray(forwarded) ? forwarded.join(",") : forwarded });
        req.resume();
        const isHealth = (req.url ?? "").split("?")[0] === "/health";
        const status = isHealth ? upstream.healthStatus : 200;
        res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
        res.end(JSON.stringify({ status: status === 200 ? "ok" : "error" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    upstream.server = server;
    upstream.address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
    await stopAll();
    upstream.server?.closeAllConnections();
    await new Promise<void>((resolve) => upstream.server?.close(() => resolve()) ?? resolve());
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each<NginxFlavour>(["debian", "mainline"])("nginx (%s) answers only %s", (flavour) => {
    let runDir: RunDir;
    let tls: TestCertificates;
    let nginx: NginxServer;
    let failed = false;

    beforeAll(async () => {
        runDir = createRunDir(`edge-host-${flavour}`);
        tls = await makeTestCertificates(runDir, DOMAIN);
        nginx = await startNginx({ runDir, tls, upstreams: [upstream.address], flavour });
    });
    afterEach((ctx) => {
        if (ctx.task.result?.state === "fail") failed = true;
    });
    afterAll(async () => {
        await nginx?.stop();
        if (failed) runDir?.markFailed();
        runDir?.remove();
    });

    const edge = () => ({ serverName: DOMAIN, httpPort: nginx.httpPort, httpsPort: nginx.httpsPort, ca: tls.ca });
    /** curl with a time bound, never following redirects; its exit code, status and output. */
    const curl = async (...args: string[]) => {
        const r = await run("curl", ["-sS", "--max-time", "5", "--proto", "=http,https", "--cacert", tls.caFile, "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", ...args], {
            timeoutMs: 15_000,
        });
        return { code: r.code, out: r.stdout.trim(), stderr: r.stderr.trim() };
    };
    const resolveDomain = () => ["--resolve", `${DOMAIN}:${nginx.httpPort}:127.0.0.1`, "--resolve", `${DOMAIN}:${nginx.httpsPort}:127.0.0.1`];

    it("closes a plain-HTTP request for any other Host without an answer (no redirect to it), on IPv4 and IPv6", async () => {
        const before = upstream.seen.length;
        for (const [host, url] of [
            ["evil.com", `http://127.0.0.1:${nginx.httpPort}/`],
            ["evil.com", `http://[::1]:${nginx.httpPort}/reset?token=x`],
            [`${DOMAIN}.evil.com`, `http://127.0.0.1:${nginx.httpPort}/`],
            ["127.0.0.1", `http://127.0.0.1:${nginx.httpPort}/`],
        ]) {
            const r = await curl("-H", `Host: ${host}`, url);
            console.log(`${flavour}: HTTP Host ${host} → curl exit ${r.code}, "${r.out}", ${r.stderr}`);
            // 56: the connection reset without a byte of answer (return 444).
            expect({ host, code: r.code, out: r.out, stderr: r.stderr }).toEqual({ host, code: 56, out: "000", stderr: "curl: (56) Recv failure: Connection reset by peer" });
        }
        // HTTP/1.0 without any Host lands on the catch-all too.
        const noHost = await curl("--http1.0", "-H", "Host:", `http://127.0.0.1:${nginx.httpPort}/`);
        expect(noHost.code).toBe(56);
        expect(upstream.seen.length).toBe(before);
    });

    it("redirects to https://<domain>:<https port> whatever the Host looks like, keeping path and query", async () => {
        const target = `301 https://${DOMAIN}:${nginx.httpsPort}/a/b?c=d&e=f`;
        for (const host of [`${DOMAIN}:${nginx.httpPort}`, DOMAIN, DOMAIN.toUpperCase(), `${DOMAIN}.`, `${DOMAIN}:1`, `${DOMAIN}:${nginx.httpPort}`]) {
            const r = await curl("-H", `Host: ${host}`, "-H", "X-Forwarded-Host: evil.com", `http://127.0.0.1:${nginx.httpPort}/a/b?c=d&e=f`);
            expect({ host, code: r.code, out: r.out }).toEqual({ host, code: 0, out: target });
        }
        // The way a browser gets there.
        const r = await curl(...resolveDomain(), `http://${DOMAIN}:${nginx.httpPort}/a/b?c=d&e=f`);
        expect(r.out).toBe(target);
    });

    it("refuses the TLS handshake for another SNI name, or none, before sending a certificate", async () => {
        const evil = await curl("--resolve", `evil.com:${nginx.httpsPort}:127.0.0.1`, `https://evil.com:${nginx.httpsPort}/`);
        // -k: the refusal is the server's, not the client's certificate check.
        const evilInsecure = await curl("-k", "--resolve", `evil.com:${nginx.httpsPort}:127.0.0.1`, `https://evil.com:${nginx.httpsPort}/`);
        const byAddress = await curl("-k", `https://127.0.0.1:${nginx.httpsPort}/`);
        console.log(`${flavour}: SNI evil.com → curl exit ${evil.code} (${evil.stderr}); with -k ${evilInsecure.code}; by address (no SNI) ${byAddress.code} (${byAddress.stderr})`);
        for (const r of [evil, evilInsecure, byAddress]) expect({ code: r.code, out: r.out }).toEqual({ code: 35, out: "000" });

        for (const sni of [["-servername", "evil.com"], ["-noservername"]]) {
            const s = await run("openssl", ["s_client", "-connect", `127.0.0.1:${nginx.httpsPort}`, ...sni, "-CAfile", tls.caFile], { timeoutMs: 15_000 });
            expect(s.stdout, sni.join(" ")).toMatch(/no peer certificate available/);
            expect(s.stdout).not.toContain("BEGIN CERTIFICATE");
            // ssl_reject_handshake answers with the unrecognized_name alert (112).
            expect(s.stderr, sni.join(" ")).toMatch(/unrecognized name.*SSL alert number 112/);
        }
        const ok = await run("openssl", ["s_client", "-connect", `127.0.0.1:${nginx.httpsPort}`, "-servername", DOMAIN, "-CAfile", tls.caFile, "-verify_return_error"], {
            timeoutMs: 15_000,
        });
        expect(ok.stdout).toMatch(/Verify return code: 0 \(ok\)/);
    });

    it("closes a request for another Host on a connection whose SNI was the domain (HTTP/1.1 and HTTP/2)", async () => {
        const before = upstream.seen.length;
        const h1 = await curl(...resolveDomain(), "--http1.1", "-H", "Host: evil.com", `https://${DOMAIN}:${nginx.httpsPort}/`);
        const h2 = await curl(...resolveDomain(), "--http2", "-H", "Host: evil.com", `https://${DOMAIN}:${nginx.httpsPort}/`);
        console.log(`${flavour}: SNI ${DOMAIN}, Host evil.com → HTTP/1.1 curl exit ${h1.code}; HTTP/2 curl exit ${h2.code} status ${h2.out} (${h2.stderr})`);
        expect({ code: h1.code, out: h1.out }).toEqual({ code: 56, out: "000" });
        // HTTP/2: 1.22 resets the stream (curl 92, no status); mainline answers 421 Misdirected
        // Request itself, before any server's locations, for an :authority its SNI did not name.
        if (flavour === "debian") expect({ code: h2.code, out: h2.out }).toEqual({ code: 92, out: "000" });
        else expect({ code: h2.code, out: h2.out }).toEqual({ code: 0, out: "421" });
        expect(upstream.seen.length).toBe(before);
    });

    it("serves the domain, and passes the app the configured name as Host and X-Forwarded-Host whatever the client sent", async () => {
        const authority = `${DOMAIN}:${nginx.httpsPort}`;
        const cases: Array<Record<string, string>> = [
            {},
            { Host: DOMAIN },
            { Host: `${DOMAIN}:1234` },
            { Host: DOMAIN.toUpperCase() },
            { Host: authority, "X-Forwarded-Host": "evil.com" },
        ];
        for (const headers of cases) {
            const path = `/echo/${upstream.seen.length}`;
            const r = await edgeRequest(edge(), path, { headers });
            expect(r.status, JSON.stringify(headers)).toBe(200);
            const seen = upstream.seen.find((s) => s.path === path);
            expect({ sent: headers, host: seen?.host, forwardedHost: seen?.forwardedHost }).toEqual({ sent: headers, host: authority, forwardedHost: authority });
        }
        const viaCurl = await curl(...resolveDomain(), `https://${DOMAIN}:${nginx.httpsPort}/`);
        expect(viaCurl).toMatchObject({ code: 0, out: "200" });
    });

    it("reaches the app for /health at most once a second, for any query string and any concurrency, and never caches a failure", async () => {
        // A tight loop for ~2.5 s, one client after another, query strings varied.
        const t0 = performance.now();
        const hits0 = upstream.healthHits();
        let sent = 0;
        const statuses = new Set<number>();
        let cacheHeader = "";
        let cacheControl = "";
        while (performance.now() - t0 < 2500 && sent < 2000) {
            const r = await edgeRequest(edge(), sent % 2 ? `/health?x=${sent}` : "/health");
            statuses.add(r.status);
            if (r.headers["x-cache-status"] === "HIT") {
                cacheHeader = "HIT";
                cacheControl = String(r.headers["cache-control"]);
            }
            sent++;
        }
        const seconds = (performance.now() - t0) / 1000;
        const sequentialHits = upstream.healthHits() - hits0;
        // Then 40 at once after the entry expired: the lock sends one to the app.
        await sleep(1100);
        const hits1 = upstream.healthHits();
        const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => edgeRequest(edge(), `/health?burst=${i}`)));
        const burstHits = upstream.healthHits() - hits1;
        console.log(`${flavour}: /health ×${sent} in ${seconds.toFixed(2)} s → ${sequentialHits} upstream hits; 40 concurrent → ${burstHits}`);
        expect([...statuses]).toEqual([200]);
        expect(sent).toBeGreaterThan(50);
        // One entry per clock second: at most one fetch per second the loop touched.
        expect(sequentialHits).toBeGreaterThanOrEqual(1);
        expect(sequentialHits).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
        expect(burst.map((r) => r.status)).toEqual(Array(40).fill(200));
        // One, or two if the burst straddled a second.
        expect(burstHits).toBeGreaterThanOrEqual(1);
        expect(burstHits).toBeLessThanOrEqual(2);
        // Clients still get the app's no-store, so nothing downstream keeps the answer.
        expect({ cacheHeader, cacheControl }).toEqual({ cacheHeader: "HIT", cacheControl: "no-store" });

        // A failing health check is passed through every time: the next probe sees the outage.
        upstream.healthStatus = 503;
        try {
            await sleep(1100);
            const hits2 = upstream.healthHits();
            const failing: number[] = [];
            for (let i = 0; i < 5; i++) failing.push((await edgeRequest(edge(), "/health")).status);
            expect(failing).toEqual(Array(5).fill(503));
            expect(upstream.healthHits() - hits2).toBe(5);
        } finally {
            upstream.healthStatus = 200;
        }
        // And back to 200 at once (the 503 was not kept).
        expect((await edgeRequest(edge(), "/health")).status).toBe(200);
    });

    it("keeps stub_status on its own listener", async () => {
        const r = await run("curl", ["-sS", "--max-time", "5", nginx.statusUrl], { timeoutMs: 10_000 });
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/^Active connections: \d+/);
    });
});
