import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
    accessLogFields,
    isAddressOrCidr,
    nginxNames,
    nginxReloadCommand,
    renderNginxConf,
    tlsCiphers,
    type NginxConfOptions,
} from "../../components/web-tier/nginx-conf";

// ---- a small nginx config parser, so assertions look at where a directive sits, not just at text ----

interface Directive {
    name: string;
    args: string[];
    children?: Directive[];
}

function tokenize(src: string): string[] {
    const out: string[] = [];
    let i = 0;
    while (i < src.length) {
        const ch = src[i];
        if (/\s/.test(ch)) i++;
        else if (ch === "#") while (i < src.length && src[i] !== "\n") i++;
        else if (ch === "{" || ch === "}" || ch === ";") {
            out.push(ch);
            i++;
        } else if (ch === '"' || ch === "'") {
            const end = src.indexOf(ch, i + 1);
            if (end < 0) throw new Error(`unterminated quote at ${i}`);
            out.push(src.slice(i + 1, end));
            i = end + 1;
        } else {
            let j = i;
            while (j < src.length && !/[\s;{}]/.test(src[j])) j++;
            out.push(src.slice(i, j));
            i = j;
        }
    }
    return out;
}

function parse(src: string): Directive[] {
    const tokens = tokenize(src);
    let pos = 0;
    const block = (): Directive[] => {
        const list: Directive[] = [];
        while (pos < tokens.length && tokens[pos] !== "}") {
            const words: string[] = [];
            while (pos < tokens.length && tokens[pos] !== ";" && tokens[pos] !== "{") {
                if (tokens[pos] === "}") throw new Error("unexpected }");
                words.push(tokens[pos++]);
            }
            if (pos >= tokens.length) throw new Error(`directive ${words.join(" ")} is not terminated`);
            const [name, ...args] = words;
            if (tokens[pos++] === "{") {
                const children = block();
                if (tokens[pos++] !== "}") throw new Error(`block ${name} is not closed`);
                list.push({ name, args, children });
            } else list.push({ name, args });
        }
        return list;
    };
    const top = block();
    if (pos !== tokens.length) throw new Error("unbalanced }");
    return top;
}

const all = (ds: Directive[] | undefined, name: string): Directive[] => (ds ?? []).filter((d) => d.name === name);
const one = (ds: Directive[] | undefined, name: string): Directive => {
    const found = all(ds, name);
    if (found.length !== 1) throw new Error(`expected one ${name}, found ${found.length}`);
    return found[0];
};
const args = (ds: Directive[] | undefined, name: string): string[] => one(ds, name).args;
const location = (server: Directive, ...match: string[]): Directive => {
    const found = all(server.children, "location").filter((l) => l.args.join(" ") === match.join(" "));
    if (found.length !== 1) throw new Error(`expected location ${match.join(" ")}, found ${found.length}`);
    return found[0];
};

const base: NginxConfOptions = {
    serverName: "app.example.com",
    listen: { http: 80, https: 443 },
    tls: { certificate: "/etc/ssl/slipway/fullchain.pem", certificateKey: "/etc/ssl/slipway/privkey.pem" },
    upstreams: ["app-1:8080", "app-2:8080"],
    acmeWebroot: "/var/www/acme",
    stubStatus: { listen: "8081" },
    staticAssets: { prefix: "/static/" },
    resolver: ["127.0.0.11"],
    denyPaths: ["/metrics"],
    pidFile: "/run/nginx.pid",
    tempDir: "/var/cache/nginx",
    accessLog: "/dev/stdout",
    errorLog: "/dev/stderr",
};

const render = (extra: Partial<NginxConfOptions> = {}) => {
    const text = renderNginxConf({ ...base, ...extra });
    const tree = parse(text);
    const http = one(tree, "http");
    const servers = all(http.children, "server");
    const byPort = (port: string) => {
        const s = servers.filter((x) => all(x.children, "listen").some((l) => l.args[0] === port));
        if (s.length !== 1) throw new Error(`expected one server on ${port}, found ${s.length}`);
        return s[0];
    };
    const single = (what: string, pick: (s: Directive) => boolean) => {
        const found = servers.filter(pick);
        if (found.length !== 1) throw new Error(`expected one ${what} server, found ${found.length}`);
        return found[0];
    };
    const https = single("HTTPS", (s) => all(s.children, "ssl_certificate").length === 1);
    const redirects = (s: Directive) => all(s.children, "location").some((l) => all(l.children, "return").some((r) => r.args[0] === "301"));
    // The catch-alls: a server-level `return 444`, on the plain or the TLS listeners.
    const closes = (s: Directive) => all(s.children, "return").some((r) => r.args[0] === "444");
    const tlsListen = (s: Directive) => all(s.children, "listen").some((l) => l.args.includes("ssl"));
    const catchAllHttp = single("HTTP catch-all", (s) => closes(s) && !tlsListen(s));
    const catchAllHttps = single("HTTPS catch-all", (s) => closes(s) && tlsListen(s));
    const listens = (s: Directive) => all(s.children, "listen").map((l) => l.args.join(" "));
    return { text, tree, http, servers, byPort, httpServer: single("HTTP", redirects), https, catchAllHttp, catchAllHttps, listens };
};

describe("renderNginxConf: overall structure", () => {
    it("is one parseable file with events and http, sized for ~1000 concurrent clients", () => {
        const { tree, servers } = render();
        expect(tree.map((d) => d.name)).toEqual(["worker_processes", "worker_rlimit_nofile", "pid", "error_log", "events", "http"]);
        expect(args(tree, "worker_processes")).toEqual(["auto"]);
        expect(args(tree, "pid")).toEqual(["/run/nginx.pid"]);
        expect(args(tree, "error_log")).toEqual(["/dev/stderr", "warn"]);
        const events = one(tree, "events");
        // Each proxied client holds two connections; 1000 clients need 2000 per worker at most.
        expect(Number(args(events.children, "worker_connections")[0])).toBeGreaterThanOrEqual(2048);
        expect(Number(args(tree, "worker_rlimit_nofile")[0])).toBeGreaterThanOrEqual(2 * Number(args(events.children, "worker_connections")[0]));
        // Catch-all and site on each of HTTP and HTTPS, and stub_status.
        expect(servers).toHaveLength(5);
        // No `user` unless asked: an unprivileged nginx (the live tests) warns about it.
        expect(all(tree, "user")).toHaveLength(0);
        expect(all(tree, "daemon")).toHaveLength(0);
    });

    it("sets the http-level hardening, timeouts, body size, temp paths and keepalive", () => {
        const { http } = render();
        const c = http.children;
        expect(args(c, "server_tokens")).toEqual(["off"]);
        expect(args(c, "client_max_body_size")).toEqual(["10m"]);
        expect(args(c, "keepalive_timeout")).toEqual(["30s"]);
        expect(args(c, "client_header_timeout")).toEqual(["15s"]);
        expect(args(c, "client_body_timeout")).toEqual(["15s"]);
        expect(args(c, "reset_timedout_connection")).toEqual(["on"]);
        expect(args(c, "proxy_temp_path")).toEqual(["/var/cache/nginx/proxy"]);
        expect(args(c, "client_body_temp_path")).toEqual(["/var/cache/nginx/client_body"]);
        expect(args(c, "default_type")).toEqual(["application/octet-stream"]);
        expect(one(c, "types").children?.find((t) => t.name === "text/css")?.args).toEqual(["css"]);
    });

    it("renders the user, body size, worker count and log paths it is given", () => {
        const { tree, http } = render({
            user: "nginx",
            clientMaxBodySize: "50m",
            worker: { processes: 2, connections: 1024 },
            accessLog: "/var/log/slipway/access.log",
            errorLog: "/var/log/slipway/error.log",
            tempDir: "/tmp/nginx/",
        });
        expect(args(tree, "user")).toEqual(["nginx"]);
        expect(args(tree, "worker_processes")).toEqual(["2"]);
        expect(args(one(tree, "events").children, "worker_connections")).toEqual(["1024"]);
        expect(args(http.children, "client_max_body_size")).toEqual(["50m"]);
        expect(args(http.children, "access_log")).toEqual(["/var/log/slipway/access.log", nginxNames.logFormat]);
        expect(args(tree, "error_log")[0]).toBe("/var/log/slipway/error.log");
        expect(args(http.children, "proxy_temp_path")).toEqual(["/tmp/nginx/proxy"]);
    });

    it("gzips the text types above a minimum length, without repeating text/html", () => {
        const { http } = render();
        const c = http.children;
        expect(args(c, "gzip")).toEqual(["on"]);
        expect(Number(args(c, "gzip_min_length")[0])).toBeGreaterThan(0);
        const types = args(c, "gzip_types");
        for (const t of ["text/css", "application/javascript", "application/json", "image/svg+xml", "application/xml", "text/plain"]) expect(types).toContain(t);
        expect(types).not.toContain("text/html");
    });

    it("logs JSON with request and upstream timings that stays valid JSON when filled in", () => {
        const { http } = render();
        const [name, escape, format] = args(http.children, "log_format");
        expect(name).toBe(nginxNames.logFormat);
        expect(escape).toBe("escape=json");
        for (const v of ["$request_time", "$upstream_response_time", "$upstream_connect_time", "$upstream_header_time", "$status"]) expect(format).toContain(v);
        // What nginx would print: numbers for numeric fields, strings (possibly "-" or "0.1, 0.2") for the rest.
        let line = format;
        for (const [, v, kind] of [...accessLogFields].sort((a, b) => b[1].length - a[1].length)) {
            line = line.split(v).join(kind === "number" ? "0.012" : "0.1, -");
        }
        const parsed = JSON.parse(line) as Record<string, unknown>;
        expect(parsed.request_time).toBe(0.012);
        expect(parsed.upstream_response_time).toBe("0.1, -");
        expect(args(http.children, "access_log")).toEqual(["/dev/stdout", nginxNames.logFormat]);
    });
});

describe("renderNginxConf: HTTP server", () => {
    it("serves ACME challenges from the webroot before redirecting everything else to HTTPS", () => {
        const { httpServer, text } = render();
        expect(args(httpServer.children, "server_name")).toEqual(["app.example.com"]);
        const acme = location(httpServer, "^~", "/.well-known/acme-challenge/");
        expect(args(acme.children, "root")).toEqual(["/var/www/acme"]);
        expect(args(acme.children, "try_files")).toEqual(["$uri", "=404"]);
        expect(args(location(httpServer, "/").children, "return")).toEqual(["301", "https://app.example.com$request_uri"]);
        expect(text.indexOf("acme-challenge")).toBeLessThan(text.indexOf("return 301"));
        expect(all(httpServer.children, "add_header")).toHaveLength(0);
    });

    it("redirects to the public HTTPS port when it is not 443, and drops ACME without a webroot", () => {
        const { httpServer } = render({ publicHttpsPort: 8443, acmeWebroot: undefined });
        expect(args(location(httpServer, "/").children, "return")).toEqual(["301", "https://app.example.com:8443$request_uri"]);
        expect(all(httpServer.children, "location")).toHaveLength(1);
    });

    it("listens on the ports it is given, and on IPv6 when asked: the catch-alls are the default servers, on every listener", () => {
        const { catchAllHttp, catchAllHttps, httpServer, https, listens } = render({ listen: { http: 8080, https: 8443, ipv6: true } });
        expect(listens(catchAllHttp)).toEqual(["8080 default_server backlog=4096", "[::]:8080 default_server backlog=4096"]);
        expect(listens(catchAllHttps)).toEqual(["8443 ssl default_server backlog=4096", "[::]:8443 ssl default_server backlog=4096"]);
        expect(listens(httpServer)).toEqual(["8080", "[::]:8080"]);
        expect(listens(https)).toEqual(["8443 ssl", "[::]:8443 ssl"]);
        // The redirect follows the HTTPS listener by default.
        expect(args(location(httpServer, "/").children, "return")[1]).toBe("https://app.example.com:8443$request_uri");
    });

    it("caches static assets at the edge only when given a cache dir: bounded, locked, stale while the app is down", () => {
        const staticPaths = (tree: Directive[]) => all(one(tree, "http").children, "proxy_cache_path").filter((p) => p.args.some((a) => a.startsWith(`keys_zone=${nginxNames.staticCacheZone}:`)));
        const without = render({ staticAssets: { prefix: "/static/" } });
        expect(staticPaths(without.tree)).toEqual([]);
        const { tree, servers } = render({ staticAssets: { prefix: "/static/", cache: { dir: "/var/cache/nginx/static/", maxSizeMb: 16, validMinutes: 5 } } });
        expect(one(staticPaths(tree), "proxy_cache_path").args).toEqual([
            "/var/cache/nginx/static",
            "levels=1:2",
            "keys_zone=slipway_static:10m",
            "max_size=16m",
            "inactive=7d",
            "use_temp_path=off",
        ]);
        const https = servers.find((x) => all(x.children, "ssl_certificate").length === 1)!;
        const assets = all(https.children, "location").find((l) => l.args.join(" ") === "^~ /static/")!;
        expect(args(assets.children, "proxy_cache")).toEqual(["slipway_static"]);
        expect(all(assets.children, "proxy_cache_valid").map((l) => l.args)).toEqual([["200", "5m"], ["404", "1m"]]);
        expect(args(assets.children, "proxy_cache_lock")).toEqual(["on"]);
        expect(args(assets.children, "proxy_cache_use_stale")).toEqual(expect.arrayContaining(["error", "timeout", "http_502", "http_503"]));
        // Only the asset location uses the asset cache.
        for (const loc of all(https.children, "location").filter((l) => l !== assets)) {
            expect(all(loc.children ?? [], "proxy_cache").filter((d) => d.args[0] === nginxNames.staticCacheZone)).toEqual([]);
        }
        expect(() => render({ staticAssets: { prefix: "/static/", cache: { dir: "/tmp/a b" } } })).toThrow(/staticAssets\.cache\.dir/);
        expect(() => render({ staticAssets: { prefix: "/static/", cache: { dir: "/tmp/c", maxSizeMb: 0 } } })).toThrow(/staticAssets\.cache\.maxSizeMb/);
    });

    it("gives the public listeners a deep accept queue, configurable (a connection burst waits instead of retrying its SYN)", () => {
        const { servers, listens } = render({ listen: { http: 8080, https: 8443 }, worker: { listenBacklog: 1024 } });
        // Socket options go on one listen per address:port (nginx refuses them twice): the default server's.
        expect(servers.slice(0, 4).flatMap(listens)).toEqual(["8080 default_server backlog=1024", "8080", "8443 ssl default_server backlog=1024", "8443 ssl"]);
        expect(() => render({ worker: { listenBacklog: 0 } })).toThrow(/worker\.listenBacklog/);
    });

    it("listens on exactly the addresses it is given, IPv6 ones bracketed", () => {
        const { servers, listens } = render({ listen: { http: 8080, https: 8443, addresses: ["127.0.0.1", "::1"] } });
        expect(servers.slice(0, 4).flatMap(listens)).toEqual([
            "127.0.0.1:8080 default_server backlog=4096",
            "[::1]:8080 default_server backlog=4096",
            "127.0.0.1:8080",
            "[::1]:8080",
            "127.0.0.1:8443 ssl default_server backlog=4096",
            "[::1]:8443 ssl default_server backlog=4096",
            "127.0.0.1:8443 ssl",
            "[::1]:8443 ssl",
        ]);
    });
});

describe("renderNginxConf: only the configured name is answered", () => {
    it("closes every other Host on the HTTP port (444), with no redirect, ACME or proxy there", () => {
        const { catchAllHttp, servers } = render();
        expect(args(catchAllHttp.children, "server_name")).toEqual([""]);
        expect(args(catchAllHttp.children, "return")).toEqual(["444"]);
        expect(all(catchAllHttp.children, "location")).toHaveLength(0);
        expect(all(catchAllHttp.children, "proxy_pass")).toHaveLength(0);
        // It is the only default server on port 80 and the only one without the site's name.
        const defaults80 = servers.filter((s) => all(s.children, "listen").some((l) => l.args[0] === "80" && l.args.includes("default_server")));
        expect(defaults80).toEqual([catchAllHttp]);
    });

    it("refuses the TLS handshake for any other SNI name (no certificate), and closes a request for another Host", () => {
        const { catchAllHttps, https, servers } = render();
        expect(args(catchAllHttps.children, "ssl_reject_handshake")).toEqual(["on"]);
        expect(args(catchAllHttps.children, "return")).toEqual(["444"]);
        expect(all(catchAllHttps.children, "ssl_certificate")).toHaveLength(0);
        expect(all(catchAllHttps.children, "location")).toHaveLength(0);
        const defaults443 = servers.filter((s) => all(s.children, "listen").some((l) => l.args[0] === "443" && l.args.includes("default_server")));
        expect(defaults443).toEqual([catchAllHttps]);
        expect(all(https.children, "ssl_reject_handshake")).toHaveLength(0);
    });

    it("names the site in every server that answers, and nowhere uses the client's Host to build a URL or a header", () => {
        const { httpServer, https, text } = render({ serverName: "shop.example.org", publicHttpsPort: 8443 });
        expect(args(httpServer.children, "server_name")).toEqual(["shop.example.org"]);
        expect(args(https.children, "server_name")).toEqual(["shop.example.org"]);
        expect(args(location(httpServer, "/").children, "return")).toEqual(["301", "https://shop.example.org:8443$request_uri"]);
        // $host is the client's Host (or SNI name): only the access log may record it.
        const uses = text.split("\n").filter((l) => /\$(host|http_host|server_name)\b/.test(l));
        expect(uses).toHaveLength(1);
        expect(uses[0]).toMatch(/^\s*log_format /);
    });

    it("serves ACME challenges only for the site's name, on its HTTP server", () => {
        const { catchAllHttp, httpServer, catchAllHttps, https } = render();
        for (const s of [catchAllHttp, catchAllHttps, https]) expect(all(s.children, "location").some((l) => l.args.includes("/.well-known/acme-challenge/"))).toBe(false);
        expect(location(httpServer, "^~", "/.well-known/acme-challenge/")).toBeDefined();
    });
});

describe("renderNginxConf: HTTPS server", () => {
    it("uses TLS 1.2/1.3 with the intermediate ECDHE suites, a shared session cache and no tickets, for every server on the port", () => {
        const { https, http, catchAllHttps } = render();
        expect(args(https.children, "listen")).toEqual(["443", "ssl"]);
        expect(args(https.children, "http2")).toEqual(["on"]);
        expect(args(https.children, "ssl_certificate")).toEqual(["/etc/ssl/slipway/fullchain.pem"]);
        expect(args(https.children, "ssl_certificate_key")).toEqual(["/etc/ssl/slipway/privkey.pem"]);
        // At http level: the handshake starts in the default (catch-all) server's context, so
        // neither server may have a policy of its own.
        const c = http.children;
        for (const s of [https, catchAllHttps]) for (const d of ["ssl_protocols", "ssl_ciphers", "ssl_session_tickets"]) expect(all(s.children, d), d).toHaveLength(0);
        expect(args(c, "ssl_protocols")).toEqual(["TLSv1.2", "TLSv1.3"]);
        expect(args(c, "ssl_ciphers")).toEqual([tlsCiphers]);
        expect(tlsCiphers.split(":").every((s) => s.startsWith("ECDHE-") && /GCM|CHACHA20/.test(s))).toBe(true);
        expect(args(c, "ssl_prefer_server_ciphers")).toEqual(["off"]);
        expect(args(c, "ssl_session_tickets")).toEqual(["off"]);
        expect(args(c, "ssl_session_cache")[0]).toMatch(/^shared:/);
        expect(all(https.children, "ssl_stapling")).toHaveLength(0);
    });

    it("staples OCSP only when given a trusted chain, and supports the older http2 listen flag", () => {
        const { https } = render({
            tls: { ...base.tls, ocspStapling: { trustedCertificate: "/etc/ssl/slipway/chain.pem" } },
            http2: "listen",
        });
        expect(args(https.children, "ssl_stapling")).toEqual(["on"]);
        expect(args(https.children, "ssl_stapling_verify")).toEqual(["on"]);
        expect(args(https.children, "ssl_trusted_certificate")).toEqual(["/etc/ssl/slipway/chain.pem"]);
        expect(args(https.children, "listen")).toEqual(["443", "ssl", "http2"]);
        expect(all(https.children, "http2")).toHaveLength(0);
    });

    it("sends every security header with `always`", () => {
        const { https } = render();
        const headers = Object.fromEntries(all(https.children, "add_header").map((h) => [h.args[0], h.args.slice(1)]));
        expect(headers).toEqual({
            "Strict-Transport-Security": ["max-age=63072000; includeSubDomains", "always"],
            "Content-Security-Policy": ["default-src 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'", "always"],
            "X-Frame-Options": ["DENY", "always"],
            "X-Content-Type-Options": ["nosniff", "always"],
            "Referrer-Policy": ["strict-origin-when-cross-origin", "always"],
            "Permissions-Policy": ["camera=(), microphone=(), geolocation=()", "always"],
        });
    });

    it("takes a custom CSP, Permissions-Policy and HSTS preload", () => {
        const { https } = render({
            contentSecurityPolicy: "default-src 'self'; img-src https://cdn.example.com",
            permissionsPolicy: "camera=()",
            hsts: { preload: true, maxAgeSeconds: 31536000 },
        });
        const h = (n: string) => all(https.children, "add_header").find((x) => x.args[0] === n)?.args[1];
        expect(h("Content-Security-Policy")).toBe("default-src 'self'; img-src https://cdn.example.com");
        expect(h("Permissions-Policy")).toBe("camera=()");
        expect(h("Strict-Transport-Security")).toBe("max-age=31536000; includeSubDomains; preload");
    });

    it("proxies to the app with keepalive, forwarding headers, and retries only idempotent requests", () => {
        const { http } = render();
        const c = http.children;
        expect(args(c, "proxy_http_version")).toEqual(["1.1"]);
        const setHeaders = Object.fromEntries(all(c, "proxy_set_header").map((h) => [h.args[0], h.args[1]]));
        expect(setHeaders).toMatchObject({
            Connection: "",
            // The configured name, whatever Host the client sent.
            Host: "app.example.com",
            "X-Forwarded-Host": "app.example.com",
            "X-Real-IP": "$remote_addr",
            "X-Forwarded-For": "$remote_addr",
            "X-Forwarded-Proto": "$scheme",
        });
        // With a public port other than 443, the name as clients reach it (what the app's absolute URLs need).
        const onPort = Object.fromEntries(all(render({ publicHttpsPort: 8443 }).http.children, "proxy_set_header").map((h) => [h.args[0], h.args[1]]));
        expect([onPort.Host, onPort["X-Forwarded-Host"]]).toEqual(["app.example.com:8443", "app.example.com:8443"]);
        expect(args(c, "proxy_next_upstream")).toEqual(["error", "timeout", "http_502", "http_504"]);
        expect(args(c, "proxy_next_upstream_tries")).toEqual(["2"]);
        const hidden = all(c, "proxy_hide_header").map((h) => h.args[0]);
        expect(hidden).toEqual(expect.arrayContaining(["X-Powered-By", "Content-Security-Policy", "X-Frame-Options"]));

        const retrying = render({ upstream: { retryNonIdempotent: true, nextUpstreamTries: 3 } }).http.children;
        expect(args(retrying, "proxy_next_upstream")).toContain("non_idempotent");
        expect(args(retrying, "proxy_next_upstream_tries")).toEqual(["3"]);
    });

    it("groups the replicas in one upstream with passive health checks, keepalive and re-resolution", () => {
        const { http } = render();
        const upstream = one(http.children, "upstream");
        expect(upstream.args).toEqual([nginxNames.upstream]);
        expect(all(upstream.children, "server").map((s) => s.args)).toEqual([
            ["app-1:8080", "max_fails=3", "fail_timeout=10s", "resolve"],
            ["app-2:8080", "max_fails=3", "fail_timeout=10s", "resolve"],
        ]);
        expect(args(upstream.children, "keepalive")).toEqual(["512"]);
        expect(args(upstream.children, "zone")[0]).toBe(nginxNames.upstream);
        expect(args(http.children, "resolver")).toEqual(["127.0.0.11", "valid=10s", "ipv6=off"]);
    });

    it("resolves upstreams once (no resolver, no `resolve`) when no resolver is given", () => {
        const { http } = render({ resolver: undefined, upstreams: ["127.0.0.1:3001"], upstream: { maxFails: 1, failTimeoutSeconds: 5, keepalive: 8 } });
        expect(all(http.children, "resolver")).toHaveLength(0);
        const upstream = one(http.children, "upstream");
        expect(all(upstream.children, "server").map((s) => s.args)).toEqual([["127.0.0.1:3001", "max_fails=1", "fail_timeout=5s"]]);
        expect(args(upstream.children, "keepalive")).toEqual(["8"]);
    });

    it("proxies /health to the app's health path without a rate limit", () => {
        const { https } = render({ health: { upstreamPath: "/healthz" } });
        const health = location(https, "=", "/health");
        expect(args(health.children, "proxy_pass")).toEqual([`http://${nginxNames.upstream}/healthz`]);
        expect(all(health.children, "limit_req")).toHaveLength(0);
        expect(args(location(https, "/").children, "proxy_pass")).toEqual([`http://${nginxNames.upstream}`]);
    });

    it("caches only the app's 200 for /health, one key per clock second whatever the query, one request per second (the lock)", () => {
        const { http, https } = render();
        expect(args(http.children, "proxy_cache_path").slice(0, 3)).toEqual(["/var/cache/nginx/health", "levels=1", `keys_zone=${nginxNames.healthCacheZone}:1m`]);
        const c = location(https, "=", "/health").children;
        expect(args(c, "proxy_cache")).toEqual([nginxNames.healthCacheZone]);
        // A new key each second: a miss, which the lock serialises (an expired entry's refresh is not locked).
        expect(args(c, "proxy_cache_key")).toEqual([`${nginxNames.healthCacheZone}$time_iso8601`]);
        // 200 only: a 503 (database down) is never kept, and nothing stale is served.
        expect(all(c, "proxy_cache_valid").map((d) => d.args)).toEqual([["200", "1s"]]);
        expect(all(c, "proxy_cache_use_stale")).toHaveLength(0);
        expect(args(c, "proxy_cache_lock")).toEqual(["on"]);
        // The app answers no-store, which nginx would otherwise obey.
        expect(args(c, "proxy_ignore_headers")).toEqual(["Cache-Control", "Expires"]);
        // A location with its own add_header repeats the security headers.
        expect(all(c, "add_header").map((h) => h.args[0])).toEqual(expect.arrayContaining(["X-Cache-Status", "Strict-Transport-Security", "Content-Security-Policy"]));

        const off = render({ health: { cache: false } });
        expect(all(location(off.https, "=", "/health").children, "proxy_cache")).toHaveLength(0);
        expect(all(off.http.children, "proxy_cache_path").map((p) => p.args[0])).not.toContain("/var/cache/nginx/health");
    });

    it("serves the static prefix with a one-year immutable cache and keeps the security headers there", () => {
        const { https } = render();
        const s = location(https, "^~", "/static/");
        const headers = all(s.children, "add_header").map((h) => h.args);
        // Not `always`: a 404 must not be cached for a year.
        expect(headers).toContainEqual(["Cache-Control", "public, max-age=31536000, immutable"]);
        for (const name of ["Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy"]) {
            expect(headers.find((h) => h[0] === name)?.at(-1), name).toBe("always");
        }
        expect(all(s.children, "proxy_hide_header").map((h) => h.args[0])).toEqual(expect.arrayContaining(["Cache-Control", "X-Powered-By"]));
        expect(all(render({ staticAssets: undefined }).https.children, "location").some((l) => l.args.includes("/static/"))).toBe(false);
    });

    it("answers 404 for denied paths", () => {
        const { https } = render({ denyPaths: ["/metrics", "/debug/"] });
        expect(args(location(https, "^~", "/metrics").children, "return")).toEqual(["404"]);
        expect(args(location(https, "^~", "/debug/").children, "return")).toEqual(["404"]);
    });
});

describe("renderNginxConf: rate limits", () => {
    it("limits per IP at 100r/m by default with burst and nodelay, returning 429", () => {
        const { http, https } = render();
        const zones = all(http.children, "limit_req_zone").map((z) => z.args);
        expect(zones).toContainEqual(["$binary_remote_addr", `zone=${nginxNames.perIpZone}:10m`, "rate=100r/m"]);
        expect(zones).toContainEqual(["$binary_remote_addr", `zone=${nginxNames.authZone}:10m`, "rate=10r/m"]);
        expect(args(http.children, "limit_req_status")).toEqual(["429"]);
        expect(args(location(https, "/").children, "limit_req")).toEqual([`zone=${nginxNames.perIpZone}`, "burst=50", "nodelay"]);
        expect(all(http.children, "geo")).toHaveLength(0);
    });

    it("holds auth paths to both limits, with /login, /auth/ and /api/auth/ by default", () => {
        const { https } = render();
        for (const p of ["/login", "/auth/", "/api/auth/"]) {
            const limits = all(location(https, "^~", p).children, "limit_req").map((l) => l.args);
            expect(limits, p).toEqual([
                [`zone=${nginxNames.perIpZone}`, "burst=50", "nodelay"],
                [`zone=${nginxNames.authZone}`, "burst=5", "nodelay"],
            ]);
        }
    });

    it("gives static assets their own generous zone, so a page's assets do not spend the app's limit", () => {
        const { http, https } = render();
        const zones = all(http.children, "limit_req_zone").map((z) => z.args);
        expect(zones).toContainEqual(["$binary_remote_addr", `zone=${nginxNames.staticZone}:10m`, "rate=3000r/m"]);
        const assets = location(https, "^~", "/static/");
        expect(all(assets.children, "limit_req").map((l) => l.args)).toEqual([[`zone=${nginxNames.staticZone}`, "burst=1000", "nodelay"]]);
        const tuned = render({ staticAssets: { prefix: "/assets/", rateLimit: { perMinute: 600, burst: 200 } } });
        expect(all(tuned.http.children, "limit_req_zone").map((z) => z.args[2])).toContain("rate=600r/m");
        expect(all(location(tuned.https, "^~", "/assets/").children, "limit_req").map((l) => l.args[1])).toEqual(["burst=200"]);
        // No asset prefix, no zone.
        expect(all(render({ staticAssets: undefined }).http.children, "limit_req_zone").some((z) => z.args[1].startsWith(`zone=${nginxNames.staticZone}`))).toBe(false);
    });

    it("caps requests in progress per IP (limit_conn 100 by default, configurable) with 429, on the site's HTTPS server", () => {
        const { http, https, catchAllHttps } = render();
        expect(args(http.children, "limit_conn_zone")).toEqual(["$binary_remote_addr", `zone=${nginxNames.connZone}:10m`]);
        expect(args(http.children, "limit_conn_status")).toEqual(["429"]);
        expect(args(https.children, "limit_conn")).toEqual([nginxNames.connZone, "100"]);
        expect(all(catchAllHttps.children, "limit_conn")).toHaveLength(0);
        expect(args(render({ connectionLimit: { perIp: 20 } }).https.children, "limit_conn")).toEqual([nginxNames.connZone, "20"]);
        // Exempt clients (the benchmark's loopback) are exempt from it too.
        expect(args(render({ rateLimit: { exemptCidrs: ["127.0.0.1"] } }).http.children, "limit_conn_zone")[0]).toBe(nginxNames.keyVar);
    });

    it("uses the configured rates, bursts and auth paths", () => {
        const { http, https } = render({ rateLimit: { perMinute: 600, burst: 120 }, authRateLimit: { perMinute: 20, burst: 2, paths: ["/session"] } });
        const zones = all(http.children, "limit_req_zone").map((z) => z.args[2]);
        expect(zones).toEqual(["rate=600r/m", "rate=20r/m", "rate=3000r/m"]);
        expect(all(location(https, "^~", "/session").children, "limit_req").map((l) => l.args[1])).toEqual(["burst=120", "burst=2"]);
        expect(all(https.children, "location").some((l) => l.args.includes("/login"))).toBe(false);
    });

    it("lifts the limits for exempt CIDRs: their key maps to the empty string", () => {
        const { http } = render({ rateLimit: { exemptCidrs: ["127.0.0.1/32", "::1"] } });
        const geo = one(http.children, "geo");
        expect(geo.args).toEqual([nginxNames.exemptVar]);
        expect(geo.children?.map((d) => [d.name, ...d.args])).toEqual([
            ["default", "0"],
            ["127.0.0.1/32", "1"],
            ["::1", "1"],
        ]);
        const map = one(http.children, "map");
        expect(map.args).toEqual([nginxNames.exemptVar, nginxNames.keyVar]);
        expect(map.children?.map((d) => [d.name, ...d.args])).toEqual([
            ["0", "$binary_remote_addr"],
            ["1", ""],
        ]);
        for (const z of [...all(http.children, "limit_req_zone"), ...all(http.children, "limit_conn_zone")]) expect(z.args[0]).toBe(nginxNames.keyVar);
    });
});

describe("renderNginxConf: stub_status", () => {
    it("listens on its own port, allows only private ranges and loopback, and denies the rest", () => {
        const { byPort, tree } = render();
        const status = byPort("8081");
        const loc = location(status, "=", "/stub_status");
        expect(all(loc.children, "stub_status")).toHaveLength(1);
        expect(all(loc.children, "allow").map((a) => a.args[0])).toEqual(["127.0.0.1", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]);
        expect(args(loc.children, "deny")).toEqual(["all"]);
        expect(all(all(one(tree, "http").children, "server").flatMap((s) => s.children ?? []), "listen").some((l) => l.args.includes("8081") && l.args.includes("ssl"))).toBe(false);
    });

    it("takes an address, a path and an allow list, and is absent unless asked", () => {
        const { byPort } = render({ stubStatus: { listen: "127.0.0.1:9145", path: "/nginx_status", allow: ["127.0.0.1"] } });
        const loc = location(byPort("127.0.0.1:9145"), "=", "/nginx_status");
        expect(all(loc.children, "allow").map((a) => a.args[0])).toEqual(["127.0.0.1"]);
        expect(render({ stubStatus: undefined }).servers).toHaveLength(4);
    });
});

describe("renderNginxConf: refusals", () => {
    it("throws without an upstream", () => {
        expect(() => renderNginxConf({ ...base, upstreams: [] })).toThrow(/nginx\.conf: upstreams is \[\]; expected at least one app server/);
    });

    it.each<[Partial<NginxConfOptions>, RegExp]>([
        [{ serverName: "app.example.com; return 200" }, /serverName/],
        [{ upstreams: ["app-1"] }, /upstreams is "app-1"/],
        [{ upstreams: ["app-1:99999"] }, /upstreams/],
        [{ listen: { http: 443, https: 443 } }, /listen.https/],
        [{ contentSecurityPolicy: 'default-src "self"' }, /contentSecurityPolicy/],
        [{ rateLimit: { exemptCidrs: ["localhost"] } }, /exemptCidrs/],
        [{ rateLimit: { perMinute: 0 } }, /rateLimit.perMinute/],
        [{ clientMaxBodySize: "10 MB" }, /clientMaxBodySize/],
        [{ stubStatus: { listen: "443" } }, /stubStatus.listen/],
        [{ authRateLimit: { paths: ["/login"] }, denyPaths: ["/login"] }, /listed once/],
        [{ tls: { certificate: "/etc/a cert.pem", certificateKey: "/k" } }, /tls.certificate/],
        [{ health: { upstreamPath: "health" } }, /health.upstreamPath/],
        [{ health: { cache: "yes" as unknown as boolean } }, /health.cache is "yes"/],
        [{ connectionLimit: { perIp: 0 } }, /connectionLimit.perIp is 0/],
        [{ staticAssets: { prefix: "/static/", rateLimit: { perMinute: 0 } } }, /staticAssets.rateLimit.perMinute/],
        [{ worker: { connections: 10 } }, /worker.connections/],
        [{ listen: { http: 80, https: 443, addresses: [] } }, /listen.addresses/],
        [{ listen: { http: 80, https: 443, addresses: ["localhost"] } }, /listen.addresses is "localhost"/],
        [{ listen: { http: 80, https: 443, addresses: ["127.0.0.0/8"] } }, /listen.addresses/],
        [{ listen: { http: 80, https: 443, addresses: ["::1"], ipv6: true } }, /listen.ipv6/],
    ])("refuses %j", (extra, message) => {
        expect(() => renderNginxConf({ ...base, ...extra })).toThrow(message);
    });

    it("recognises addresses and CIDR blocks", () => {
        for (const ok of ["127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8", "0.0.0.0"]) expect(isAddressOrCidr(ok), ok).toBe(true);
        for (const bad of ["10.0.0.0/33", "256.1.1.1", "localhost", "10.0.0.0/8/1", "", "::1/129"]) expect(isAddressOrCidr(bad), bad).toBe(false);
    });
});

describe("renderNginxConf: properties", () => {
    it("always renders a balanced file with each upstream once and the configured rates", () => {
        const hostArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
        fc.assert(
            fc.property(
                fc.uniqueArray(fc.tuple(hostArb, fc.integer({ min: 1, max: 65535 })), { minLength: 1, maxLength: 8, selector: ([h, p]) => `${h}:${p}` }),
                fc.integer({ min: 1, max: 100_000 }),
                fc.integer({ min: 0, max: 1000 }),
                fc.boolean(),
                (ups, perMinute, burst, withResolver) => {
                    const upstreams = ups.map(([h, p]) => `${h}:${p}`);
                    const { http, https } = render({ upstreams, rateLimit: { perMinute, burst }, resolver: withResolver ? ["127.0.0.11"] : undefined });
                    const servers = all(one(http.children, "upstream").children, "server").map((s) => s.args[0]);
                    expect(servers).toEqual(upstreams);
                    expect(all(http.children, "limit_req_zone")[0].args[2]).toBe(`rate=${perMinute}r/m`);
                    expect(args(location(https, "/").children, "limit_req")[1]).toBe(`burst=${burst}`);
                },
            ),
            { numRuns: 60 },
        );
    });
});

describe("nginxReloadCommand", () => {
    it("tests the config before reloading, with the config path it is given", () => {
        expect(nginxReloadCommand("dev-edge", "/etc/slipway/nginx/nginx.conf")).toBe(
            "docker exec dev-edge nginx -c /etc/slipway/nginx/nginx.conf -t && docker exec dev-edge nginx -c /etc/slipway/nginx/nginx.conf -s reload",
        );
        expect(() => nginxReloadCommand("dev-edge; rm -rf /", "/x")).toThrow(/container/);
    });
});
