/**
 * Tier 4, the edge: the payload's nginx.conf on Debian's nginx in front of two app replicas,
 * PostgreSQL and Redis, all on loopback, checked with real clients (node's https trusting only
 * the test CA, curl, openssl s_client, testssl.sh).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { nginxConfDefaults } from "../../components/web-tier/nginx-conf";
import { edgeCurl, edgeRequest, type EdgeResponse } from "./harness/clients";
import { usePayload } from "./harness/lifecycle";
import { tlsHandshake } from "./harness/openssl";
import { runTestssl } from "./harness/testssl";
import { gradeAtLeast } from "./harness/tls-rating";

const payload = usePayload({ label: "edge" });

const d = nginxConfDefaults;
/** The security headers with the values the payload configures (the renderer's defaults). */
const expectedSecurityHeaders = {
    "strict-transport-security": `max-age=${d.hsts.maxAgeSeconds}; includeSubDomains`,
    "content-security-policy": d.contentSecurityPolicy,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": d.permissionsPolicy,
};
const securityHeaders = (r: EdgeResponse): Record<string, unknown> =>
    Object.fromEntries(Object.keys(expectedSecurityHeaders).map((h) => [h, r.headers[h]]));

const curl = (...args: string[]): Promise<string> => edgeCurl(payload().edge, payload().tls.caFile, args);

describe("HTTP and the app behind the edge", () => {
    it("answers http:// with 301 to https:// on the same host, keeping path and query", async () => {
        const { edge } = payload();
        const out = await curl("-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", `http://${edge.serverName}:${edge.httpPort}/some/path?x=1&y=two`);
        expect(out).toBe(`301 https://${edge.serverName}:${edge.httpsPort}/some/path?x=1&y=two`);
        // Followed by a client that trusts only the test CA, it ends on the HTTPS health check.
        const followed = await curl("-L", "-o", "/dev/null", "-w", "%{http_code} %{num_redirects} %{url_effective}", `http://${edge.serverName}:${edge.httpPort}/health`);
        expect(followed).toBe(`200 1 https://${edge.serverName}:${edge.httpsPort}/health`);
    });

    it("sends the app's /health (a database query each) at most once a second, however fast and wide monitors poll", async () => {
        const { app, runDir, edge } = payload();
        // The replicas log every request they serve (app/src/app.js), one JSON object a line.
        const healthServed = () =>
            app.replicas
                .flatMap((r) => fs.readFileSync(path.join(runDir.logDir, `${r.name}.log`), "utf8").split("\n"))
                .filter((l) => l.startsWith("{"))
                .map((l) => JSON.parse(l) as { msg?: string; path?: string })
                .filter((e) => e.msg === "request" && e.path === "/health").length;
        const before = healthServed();
        const t0 = performance.now();
        let sent = 0;
        while (performance.now() - t0 < 2000 && sent < 5000) {
            const batch = await Promise.all(Array.from({ length: 10 }, () => edgeRequest(edge, "/health")));
            expect(batch.map((r) => r.status)).toEqual(Array(10).fill(200));
            sent += batch.length;
        }
        const seconds = (performance.now() - t0) / 1000;
        await new Promise((r) => setTimeout(r, 200));
        const served = healthServed() - before;
        console.log(`/health through the edge: ${sent} requests (10 at a time) in ${seconds.toFixed(2)} s → ${served} served by the replicas`);
        expect(served).toBeGreaterThanOrEqual(1);
        expect(served).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    });

    it("serves /health with 200 from the app, which reached PostgreSQL and Redis", async () => {
        const r = await edgeRequest(payload().edge, "/health");
        expect(r.status).toBe(200);
        expect(JSON.parse(r.body.toString())).toEqual({ status: "ok", checks: { postgres: "ok", redis: "ok" } });
    });

    it("round-trips /api/visits to both stores: the counts it returns are the rows and the key", async () => {
        const { edge, postgres, redis } = payload();
        const visit = async () => {
            const r = await edgeRequest(edge, "/api/visits");
            expect(r.status, r.body.toString()).toBe(200);
            return (JSON.parse(r.body.toString()) as { visits: { redis: number; postgres: number } }).visits;
        };
        const first = await visit();
        const second = await visit();
        expect(second.redis).toBe(first.redis + 1);
        expect(second.postgres).toBe(first.postgres + 1);
        expect(Number(await postgres.psql("SELECT count(*) FROM visits", { database: postgres.app.database }))).toBe(second.postgres);
        expect(await redis.command("GET", "slipway:visits")).toBe(String(second.redis));
    });
});

describe("response headers", () => {
    it("sends every security header once, with the configured value, on pages, assets, health and errors", async () => {
        const { edge } = payload();
        for (const path of ["/", "/static/app.css", "/health", "/metrics", "/no-such-page"]) {
            const r = await edgeRequest(edge, path);
            expect(securityHeaders(r), path).toEqual(expectedSecurityHeaders);
        }
        // The app's own /metrics is not public.
        expect((await edgeRequest(edge, "/metrics")).status).toBe(404);
    });

    it("gzips text above gzip_min_length and leaves small bodies alone", async () => {
        const { edge } = payload();
        for (const path of ["/", "/static/app.css"]) {
            const plain = await edgeRequest(edge, path);
            const zipped = await edgeRequest(edge, path, { headers: { "Accept-Encoding": "gzip" } });
            expect(plain.headers["content-encoding"], path).toBeUndefined();
            expect(plain.body.length, `${path} must be above gzip_min_length for this check`).toBeGreaterThan(256);
            expect(zipped.headers["content-encoding"], path).toBe("gzip");
            expect(zipped.headers.vary, path).toMatch(/Accept-Encoding/);
            expect(gunzipSync(zipped.body).equals(plain.body), path).toBe(true);
        }
        const health = await edgeRequest(edge, "/health", { headers: { "Accept-Encoding": "gzip" } });
        expect(health.body.length).toBeLessThan(256);
        expect(health.headers["content-encoding"]).toBeUndefined();
    });

    it("caches the static prefix for a year (replacing the app's header) and nothing else", async () => {
        const { edge } = payload();
        const asset = await edgeRequest(edge, "/static/app.css");
        expect(asset.status).toBe(200);
        expect(asset.headers["cache-control"]).toBe(`public, max-age=${d.staticMaxAgeSeconds}, immutable`);
        const page = await edgeRequest(edge, "/");
        expect(page.headers["cache-control"] ?? "").not.toMatch(/max-age=31536000/);
        // An error under the prefix must not be cached for a year.
        const missing = await edgeRequest(edge, "/static/missing.css");
        expect(missing.status).toBe(404);
        expect(missing.headers["cache-control"] ?? "").not.toMatch(/max-age=31536000/);
    });

    it("serves repeated asset requests from its own cache, not from a replica", async () => {
        const { edge } = payload();
        const path = `/static/app.css?v=${Date.now()}`;
        const first = await edgeRequest(edge, path);
        const again = await Promise.all(Array.from({ length: 5 }, () => edgeRequest(edge, path)));
        expect(first.headers["x-cache-status"]).toBe("MISS");
        expect(again.map((r) => [r.status, r.headers["x-cache-status"]])).toEqual(Array(5).fill([200, "HIT"]));
        expect(again.every((r) => r.body.equals(first.body))).toBe(true);
        // Pages are never cached by the edge.
        expect((await edgeRequest(edge, "/")).headers["x-cache-status"]).toBeUndefined();
    });
});

describe("TLS", () => {
    it("refuses TLS 1.0 and 1.1 with a protocol_version alert from the server", async () => {
        const { edge, tls } = payload();
        for (const version of ["tls1", "tls1_1"] as const) {
            const h = await tlsHandshake(edge, tls.caFile, version);
            expect(h.established, `${version}: ${h.stdout}`).toBe(false);
            // The client offered the old version (SECLEVEL=0) and the server answered with an alert.
            expect(h.alert, `${version}: ${h.stderr}`).toBe("protocol version");
        }
    });

    it("accepts TLS 1.2 and 1.3 with a certificate that verifies against the test CA", async () => {
        const { edge, tls } = payload();
        for (const [version, protocol] of [["tls1_2", "TLSv1.2"], ["tls1_3", "TLSv1.3"]] as const) {
            for (const host of ["127.0.0.1", "::1"]) {
                const h = await tlsHandshake(edge, tls.caFile, version, host);
                expect({ established: h.established, protocol: h.protocol, verify: h.verify }, `${version} on ${host}: ${h.stderr}`).toEqual({
                    established: true,
                    protocol,
                    verify: "0 (ok)",
                });
            }
        }
    });

    it(
        "is rated A or better by testssl.sh",
        async () => {
            const { edge, tls, runDir } = payload();
            const { rating, seconds } = await runTestssl({ edge, caFile: tls.caFile, outDir: runDir.path, timeoutMs: 300_000 });
            const scores =
                rating.source === "derived"
                    ? ` (score ${rating.score?.toFixed(1)}: protocol ${rating.protocolScore}, key exchange ${rating.keyExchangeScore}, cipher strength ${rating.cipherStrengthScore})`
                    : "";
            console.log(`testssl.sh grade: ${rating.grade} [${rating.source}]${scores} in ${seconds.toFixed(0)} s; caps: ${rating.caps.join("; ") || "none"}; warnings: ${rating.warnings.join("; ") || "none"}`);
            expect(gradeAtLeast(rating.grade, "A"), `grade ${rating.grade}; caps: ${rating.caps.join("; ")}; warnings: ${rating.warnings.join("; ")}`).toBe(true);
        },
        360_000,
    );
});
