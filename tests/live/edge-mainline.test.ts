/**
 * Tier 4, the edge in its production form: the same payload, but nginx is the mainline build
 * scripts/build-test-nginx provides (≥ 1.27.3, like the container image) and the conf is
 * rendered as the Docker target renders it — `http2 on`, a resolver, `resolve` on every
 * upstream server — which Debian's 1.22 (edge.test.ts) cannot load. Tier 3 proves the stacks'
 * files pass `nginx -t`; this proves that form serves: HTTP/2 over TLS, the app behind it, the
 * headers, the edge cache, retries past a dead replica.
 */
import { describe, expect, it } from "vitest";
import { nginxConfDefaults } from "../../components/web-tier/nginx-conf";
import { edgeCurl, edgeRequest } from "./harness/clients";
import { run } from "./harness/commands";
import { usePayload } from "./harness/lifecycle";
import { mainlineNginx } from "./harness/nginx";
import { tlsHandshake } from "./harness/openssl";

const payload = usePayload({ label: "edge-mainline", nginx: "mainline" });

const curl = (...args: string[]): Promise<string> => edgeCurl(payload().edge, payload().tls.caFile, args);
const url = (pathname: string): string => `https://${payload().edge.serverName}:${payload().edge.httpsPort}${pathname}`;

describe("the production form of nginx.conf on mainline nginx", () => {
    it("runs nginx ≥ 1.27.3 with `http2 on` and `resolve` on the upstream servers", async () => {
        // nginx -v writes to stderr.
        const v = await run(mainlineNginx, ["-v"]);
        const version = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(`${v.stdout}${v.stderr}`);
        expect(version, "nginx -v").not.toBeNull();
        const [major, minor, patch] = version!.slice(1).map(Number);
        expect(major * 1_000_000 + minor * 1000 + patch).toBeGreaterThanOrEqual(1_027_003);
        const conf = payload().nginx.conf;
        expect(conf).toMatch(/^\s*http2 on;$/m);
        expect(conf).toMatch(/^\s*resolver 127\.0\.0\.1 /m);
        for (const a of payload().app.addresses) expect(conf).toContain(`server ${a} max_fails=`);
        expect(conf.match(/ resolve;$/gm)).toHaveLength(payload().app.addresses.length);
    });

    it("negotiates HTTP/2 over TLS 1.3 and serves /health from the app through it", async () => {
        const out = await curl("--http2", "-o", "/dev/null", "-w", "%{http_version} %{http_code}", url("/health"));
        expect(out).toBe("2 200");
        const body = await curl("--http2", url("/health"));
        expect(JSON.parse(body)).toEqual({ status: "ok", checks: { postgres: "ok", redis: "ok" } });
        const h = await tlsHandshake(payload().edge, payload().tls.caFile, "tls1_3");
        expect(h.established, h.stdout).toBe(true);
        expect((await tlsHandshake(payload().edge, payload().tls.caFile, "tls1_1")).established).toBe(false);
    });

    it("sends the security headers over HTTP/2 and caches static assets at the edge", async () => {
        const asset = url(`/static/app.css?v=${Date.now()}`);
        const first = await curl("--http2", "-D", "-", "-o", "/dev/null", asset);
        expect(first).toMatch(/^HTTP\/2 200/);
        expect(first).toMatch(new RegExp(`^strict-transport-security: max-age=${nginxConfDefaults.hsts.maxAgeSeconds}; includeSubDomains\\r?$`, "mi"));
        expect(first).toMatch(/^x-frame-options: DENY\r?$/im);
        expect(first).toMatch(/^x-cache-status: MISS\r?$/im);
        expect(await curl("--http2", "-D", "-", "-o", "/dev/null", asset)).toMatch(/^x-cache-status: HIT\r?$/im);
    });

    it("retries a request on the healthy replica when one is dead (proxy_next_upstream with resolve)", async () => {
        const { app, edge } = payload();
        const victim = app.replicas[0];
        await victim.stop();
        try {
            const results = await Promise.all(Array.from({ length: 20 }, () => edgeRequest(edge, "/api/visits")));
            expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
        } finally {
            await victim.start();
        }
    });
});
