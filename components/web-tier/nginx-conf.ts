import { argError } from "../shared/errors";
/**
 * The edge's nginx.conf, rendered from options alone. Every address, port, path and name comes
 * from the caller (the Docker component passes container paths and names; the live tests pass
 * 127.0.0.1 upstreams and temporary directories and run Debian's nginx on the result), so
 * nothing here assumes a container, an /etc layout or a user.
 */

/** Where TLS material lives, as nginx sees it. */
export interface NginxTlsOptions {
    /** Full chain (leaf first), PEM. */
    certificate: string;
    /** Private key, PEM. Read by the master process only. */
    certificateKey: string;
    /**
     * OCSP stapling, only for a certificate from a CA that runs an OCSP responder (the
     * self-signed certificate has none, and Let's Encrypt stopped OCSP in 2025).
     * @default false
     */
    ocspStapling?: false | { trustedCertificate: string };
}

/** What the renderer needs; see `nginxConfDefaults` for what may be omitted. */
export interface NginxConfOptions {
    /**
     * The public hostname (`server_name`): the only name the edge answers. A request for any
     * other Host, or a TLS handshake for any other SNI name (or none), is closed without an
     * answer by a catch-all default server; redirects and the upstream `Host` are built from it.
     */
    serverName: string;
    /**
     * Ports nginx listens on. Without `addresses` it binds every IPv4 address (and every IPv6
     * one with `ipv6`); with them, exactly those addresses (e.g. `["127.0.0.1", "::1"]` for a
     * server that must stay on loopback).
     */
    listen: { http: number; https: number; ipv6?: boolean; addresses?: string[] };
    /**
     * The HTTPS port clients reach from outside, for the HTTP→HTTPS redirect (differs from
     * `listen.https` when a container port is published on another host port).
     * @default listen.https
     */
    publicHttpsPort?: number;
    tls: NginxTlsOptions;
    /** The app replicas, `host:port` each. At least one. */
    upstreams: string[];
    /** Upstream tuning (per-server passive health and retries). */
    upstream?: {
        /** Idle keepalive connections each worker keeps to the upstream group. */
        keepalive?: number;
        /** Failed attempts within `failTimeoutSeconds` that mark a server down for `failTimeoutSeconds`. */
        maxFails?: number;
        failTimeoutSeconds?: number;
        /** Attempts per request across servers (first try included). */
        nextUpstreamTries?: number;
        /**
         * Also retry POST/PATCH/LOCK on another replica after the request was sent. Off: a replica
         * that timed out may already have committed the write, so a retry can charge twice.
         */
        retryNonIdempotent?: boolean;
    };
    /**
     * The edge's health location (`location = edgePath`) and the app path it is proxied to.
     * `cache`: the edge reuses the app's 200 within each clock second, so however many probes
     * arrive, at most one a second reaches the app and its database (`false`: every one does).
     */
    health?: { edgePath?: string; upstreamPath?: string; cache?: boolean };
    /** Per-client-IP limit on every proxied location but the health location (cached instead) and the static prefix (its own limit). */
    rateLimit?: {
        perMinute?: number;
        burst?: number;
        /** Clients in these CIDRs (or single addresses) are not limited at all (their key is empty). */
        exemptCidrs?: string[];
    };
    /** A stricter per-IP limit on authentication paths, on top of the general one. */
    authRateLimit?: {
        perMinute?: number;
        burst?: number;
        /** Path prefixes (`location ^~`). */
        paths?: string[];
    };
    /**
     * Requests each client IP may have in progress at once (`limit_conn`; over HTTP/2 each
     * stream counts); beyond it the edge answers 429. Exempt CIDRs of `rateLimit` are exempt here too.
     */
    connectionLimit?: { perIp?: number };
    /** `client_max_body_size`, e.g. `10m`. */
    clientMaxBodySize?: string;
    /** Directory served for `/.well-known/acme-challenge/` on the HTTP port; omit to not serve it. */
    acmeWebroot?: string;
    /** `stub_status` on its own listener (`port` or `address:port`), allowed from `allow` only. */
    stubStatus?: { listen: string; path?: string; allow?: string[] };
    /**
     * A path prefix of fingerprinted assets: cached by browsers for a year and, with `cache`, by
     * the edge itself, so the replicas serve each asset once per `cache.validMinutes` instead of
     * once per client, and assets stay served (stale) while every replica is down.
     */
    staticAssets?: {
        prefix: string;
        maxAgeSeconds?: number;
        /**
         * Its own per-IP limit, generous: one page pulls dozens of assets, and an office behind
         * one NAT address must not spend the app's limit on them.
         */
        rateLimit?: { perMinute?: number; burst?: number };
        /** `dir`: a directory writable by the workers (a tmpfs in the container). */
        cache?: { dir: string; maxSizeMb?: number; validMinutes?: number };
    };
    /**
     * DNS resolver(s). When set, upstream servers are re-resolved as their addresses change
     * (`server … resolve`, nginx ≥ 1.27.3), so a restarted container's new address is picked up.
     */
    resolver?: string[];
    /** Path prefixes answered 404 at the edge (e.g. the app's `/metrics`, scraped internally). */
    denyPaths?: string[];
    hsts?: { maxAgeSeconds?: number; includeSubDomains?: boolean; preload?: boolean };
    contentSecurityPolicy?: string;
    permissionsPolicy?: string;
    /** `"on"`: the `http2` directive (nginx ≥ 1.25.1); `"listen"`: the older `listen … http2`. */
    http2?: "on" | "listen" | false;
    /**
     * `listenBacklog`: the accept queue of the public listeners (`listen … backlog=`). nginx's
     * Linux default is 511; a burst of new clients beyond it is dropped and each retries its SYN
     * after 1 s, then 3 s. The kernel caps it at net.core.somaxconn (4096 on current kernels).
     */
    worker?: { processes?: "auto" | number; connections?: number; rlimitNofile?: number; listenBacklog?: number };
    /** `user` for worker processes; only meaningful when the master runs as root. */
    user?: string;
    pidFile: string;
    /** Writable directory for client-body and proxy temp files. */
    tempDir: string;
    /** Access log destination (`/dev/stdout`, a file) in the JSON format below. */
    accessLog: string;
    errorLog: string;
    errorLogLevel?: "debug" | "info" | "notice" | "warn" | "error" | "crit";
}

/** Loopback and the RFC 1918 ranges: where the metrics scraper may come from. */
export const privateNetworks = ["127.0.0.1", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

/** The defaults the renderer applies; ports, paths and names have none on purpose. */
export const nginxConfDefaults = {
    // keepalive: idle upstream connections per worker. At ~1000 concurrent clients a small pool
    // (it was 32) makes nginx open a new connection for most requests; the app's accept queue
    // overflows and each dropped SYN costs a 1 s retransmit (p95 812 ms → 250 ms in bench:edge).
    upstream: { keepalive: 512, maxFails: 3, failTimeoutSeconds: 10, nextUpstreamTries: 2, retryNonIdempotent: false },
    health: { edgePath: "/health", upstreamPath: "/health", cache: true },
    rateLimit: { perMinute: 100, burst: 50 },
    // 50 assets a page: a 1000-request burst is ~20 cold page loads at once from one address,
    // then 50 a second. Cached at the edge, an asset costs the app nothing.
    staticRateLimit: { perMinute: 3000, burst: 1000 },
    connectionLimit: { perIp: 100 },
    authRateLimit: { perMinute: 10, burst: 5, paths: ["/login", "/auth/", "/api/auth/"] },
    clientMaxBodySize: "10m",
    stubStatusPath: "/stub_status",
    staticMaxAgeSeconds: 31_536_000,
    staticCache: { maxSizeMb: 32, validMinutes: 60 },
    hsts: { maxAgeSeconds: 63_072_000, includeSubDomains: true, preload: false },
    contentSecurityPolicy: "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
    permissionsPolicy: "camera=(), microphone=(), geolocation=()",
    http2: "on",
    // ~1000 concurrent clients, each holding a client and an upstream connection, fit in one
    // worker with room to spare; `auto` adds one worker per core.
    worker: { processes: "auto", connections: 4096, rlimitNofile: 16_384, listenBacklog: 4096 },
    errorLogLevel: "warn",
} as const;

/**
 * Mozilla "intermediate" (TLS 1.2 suites; TLS 1.3 suites are not configurable here and all are
 * good). The DHE suites are left out: they need a dhparam file and every client the
 * intermediate profile targets negotiates ECDHE.
 */
export const tlsCiphers = [
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");

/** Types gzip compresses besides text/html, which nginx always compresses (listing it warns). */
export const gzipTypes = ["text/plain", "text/css", "text/xml", "text/javascript", "application/javascript", "application/json", "application/xml", "image/svg+xml"];

/** The JSON access-log fields: request and upstream timings for latency analysis. */
export const accessLogFields: Array<[string, string, "string" | "number"]> = [
    ["time", "$time_iso8601", "string"],
    ["request_id", "$request_id", "string"],
    ["remote_addr", "$remote_addr", "string"],
    ["host", "$host", "string"],
    ["method", "$request_method", "string"],
    ["uri", "$request_uri", "string"],
    ["protocol", "$server_protocol", "string"],
    ["status", "$status", "number"],
    ["bytes_sent", "$body_bytes_sent", "number"],
    ["request_length", "$request_length", "number"],
    ["request_time", "$request_time", "number"],
    // Strings: "-" when no upstream was involved, "a, b" after a retry.
    ["upstream_addr", "$upstream_addr", "string"],
    ["upstream_status", "$upstream_status", "string"],
    ["upstream_connect_time", "$upstream_connect_time", "string"],
    ["upstream_header_time", "$upstream_header_time", "string"],
    ["upstream_response_time", "$upstream_response_time", "string"],
    ["ssl_protocol", "$ssl_protocol", "string"],
    ["referer", "$http_referer", "string"],
    ["user_agent", "$http_user_agent", "string"],
];

/** The upstream group and the zones' names, for tests and for readers of the rendered file. */
export const nginxNames = {
    upstream: "slipway_app",
    perIpZone: "slipway_per_ip",
    authZone: "slipway_auth",
    exemptVar: "$slipway_rate_limit_exempt",
    keyVar: "$slipway_rate_limit_key",
    logFormat: "slipway_json",
    staticCacheZone: "slipway_static",
    staticZone: "slipway_static_per_ip",
    connZone: "slipway_conn_per_ip",
    healthCacheZone: "slipway_health",
} as const;

// Headers the edge owns: the app's own copies are hidden so clients never get two (nginx
// already drops the upstream's Server and Date).
const edgeOwnedHeaders = [
    "X-Powered-By",
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Permissions-Policy",
];

// ---- validation: options end up as nginx tokens, so anything that could end a directive is refused ----

const tokenRe = /^[^\s;{}"'\\#$]+$/;
const hostPortRe = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;
const listenRe = /^((\[[0-9a-fA-F:]+\]|[0-9.]+):)?(\d{1,5})$/;
const pathRe = /^\/[A-Za-z0-9._~/%?=&+-]*$/;
const sizeRe = /^\d+[kKmMgG]?$/;
const headerValueRe = /^[^"\\\r\n$]*$/;
const ipv4Re = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const ipv6Re = /^[0-9a-fA-F:]*:[0-9a-fA-F:.]*$/;

function fail(key: string, value: unknown, allowed: string): never {
    throw argError(key, value, allowed, { where: "nginx.conf" });
}

const isInt = (n: number, min: number, max = Number.MAX_SAFE_INTEGER): boolean => Number.isInteger(n) && n >= min && n <= max;

function checkPort(key: string, n: number): number {
    if (!isInt(n, 1, 65535)) fail(key, n, "an integer from 1 to 65535");
    return n;
}

function checkInt(key: string, n: number, min: number): number {
    if (!isInt(n, min)) fail(key, n, `a whole number of at least ${min}`);
    return n;
}

function checkToken(key: string, s: string): string {
    if (typeof s !== "string" || !tokenRe.test(s)) fail(key, s, "a single nginx word (no spaces, quotes, ;, {, }, # or $)");
    return s;
}

function checkPath(key: string, s: string): string {
    if (typeof s !== "string" || !pathRe.test(s)) fail(key, s, 'a URL path starting with "/" made of URL path characters');
    return s;
}

function checkHeaderValue(key: string, s: string): string {
    if (typeof s !== "string" || s.trim() === "" || !headerValueRe.test(s)) fail(key, s, "a non-empty header value without double quotes, backslashes, $ or line breaks");
    return s;
}

/** True for an IPv4/IPv6 address or CIDR block, the forms `geo` and `allow` accept. */
export function isAddressOrCidr(s: string): boolean {
    const [addr, bits, ...rest] = s.split("/");
    if (rest.length > 0 || addr === undefined) return false;
    const v4 = ipv4Re.test(addr);
    const v6 = !v4 && ipv6Re.test(addr);
    if (!v4 && !v6) return false;
    if (bits === undefined) return true;
    return /^\d{1,3}$/.test(bits) && Number(bits) <= (v4 ? 32 : 128);
}

function checkCidrs(key: string, list: readonly string[]): string[] {
    for (const c of list) if (!isAddressOrCidr(c)) fail(key, c, "an IPv4 or IPv6 address or CIDR block such as 127.0.0.1/32");
    return [...list];
}

// ---- rendering ----

/** A block of lines, indented four spaces per level. */
class Lines {
    private readonly out: string[] = [];
    private depth = 0;
    line(s = ""): this {
        this.out.push(s === "" ? "" : `${"    ".repeat(this.depth)}${s}`);
        return this;
    }
    block(head: string, body: () => void): this {
        this.line(`${head} {`);
        this.depth++;
        body();
        this.depth--;
        return this.line("}");
    }
    toString(): string {
        return `${this.out.join("\n")}\n`;
    }
}

/**
 * Renders a complete nginx.conf: on each public port a catch-all default server that closes
 * every request (and, on HTTPS, refuses every handshake) not for `serverName`; for that name,
 * an HTTP server that answers ACME challenges and redirects everything else to
 * `https://serverName`, and an HTTPS server with modern TLS, security headers, gzip, per-IP
 * request and connection limits (stricter on auth paths, generous on static assets), a health
 * location that is not limited but briefly cached, and long-cached static assets, proxying to a
 * keepalive upstream group with the configured name as Host; and a private `stub_status` listener.
 * Throws a sentence naming the option when a value is unusable.
 */
export function renderNginxConf(o: NginxConfOptions): string {
    const d = nginxConfDefaults;
    const serverName = checkToken("serverName", o.serverName);
    const httpPort = checkPort("listen.http", o.listen?.http);
    const httpsPort = checkPort("listen.https", o.listen?.https);
    if (httpPort === httpsPort) fail("listen.https", httpsPort, `different from listen.http (${httpPort})`);
    const listenAddresses = o.listen.addresses;
    if (listenAddresses !== undefined) {
        if (listenAddresses.length === 0) fail("listen.addresses", listenAddresses, "at least one IPv4 or IPv6 address (omit it to listen on all)");
        for (const a of listenAddresses) if (a.includes("/") || !isAddressOrCidr(a)) fail("listen.addresses", a, "an IPv4 or IPv6 address such as 127.0.0.1 or ::1");
        if (o.listen.ipv6) fail("listen.ipv6", true, "unset when listen.addresses is given (list an IPv6 address there instead)");
    }
    const publicHttpsPort = checkPort("publicHttpsPort", o.publicHttpsPort ?? httpsPort);
    // The site as clients reach it: redirects and the upstream Host are built from this, never
    // from the client's Host header.
    const publicAuthority = publicHttpsPort === 443 ? serverName : `${serverName}:${publicHttpsPort}`;
    const cert = checkToken("tls.certificate", o.tls?.certificate);
    const certKey = checkToken("tls.certificateKey", o.tls?.certificateKey);
    const ocsp = o.tls.ocspStapling ? checkToken("tls.ocspStapling.trustedCertificate", o.tls.ocspStapling.trustedCertificate) : undefined;

    if (!Array.isArray(o.upstreams) || o.upstreams.length === 0) {
        fail("upstreams", o.upstreams, "at least one app server as host:port");
    }
    for (const u of o.upstreams) {
        const m = hostPortRe.exec(u);
        if (!m || !isInt(Number(m[2]), 1, 65535)) fail("upstreams", u, "host:port, e.g. app-1:8080 or 127.0.0.1:8080");
    }
    const up = { ...d.upstream, ...o.upstream };
    checkInt("upstream.keepalive", up.keepalive, 1);
    checkInt("upstream.maxFails", up.maxFails, 0);
    checkInt("upstream.failTimeoutSeconds", up.failTimeoutSeconds, 1);
    checkInt("upstream.nextUpstreamTries", up.nextUpstreamTries, 1);

    const health = { ...d.health, ...o.health };
    checkPath("health.edgePath", health.edgePath);
    checkPath("health.upstreamPath", health.upstreamPath);
    if (typeof health.cache !== "boolean") fail("health.cache", health.cache, "true or false");
    const healthCache = health.cache;
    const conn = { ...d.connectionLimit, ...o.connectionLimit };
    checkInt("connectionLimit.perIp", conn.perIp, 1);
    const rate = { ...d.rateLimit, ...o.rateLimit };
    checkInt("rateLimit.perMinute", rate.perMinute, 1);
    checkInt("rateLimit.burst", rate.burst, 0);
    const exempt = checkCidrs("rateLimit.exemptCidrs", o.rateLimit?.exemptCidrs ?? []);
    const auth = { ...d.authRateLimit, ...o.authRateLimit };
    checkInt("authRateLimit.perMinute", auth.perMinute, 1);
    checkInt("authRateLimit.burst", auth.burst, 0);
    const authPaths = auth.paths.map((p) => checkPath("authRateLimit.paths", p));
    const bodySize = o.clientMaxBodySize ?? d.clientMaxBodySize;
    if (!sizeRe.test(bodySize)) fail("clientMaxBodySize", bodySize, "a size such as 10m, 512k or 1g");
    const acmeWebroot = o.acmeWebroot === undefined ? undefined : checkToken("acmeWebroot", o.acmeWebroot);
    const status = o.stubStatus;
    if (status) {
        const m = listenRe.exec(status.listen);
        if (!m || !isInt(Number(m[3]), 1, 65535)) fail("stubStatus.listen", status.listen, "a port or address:port such as 8081 or 127.0.0.1:8081");
        if ([httpPort, httpsPort].includes(Number(m[3]))) fail("stubStatus.listen", status.listen, "a port other than the HTTP and HTTPS ports");
        checkPath("stubStatus.path", status.path ?? d.stubStatusPath);
        checkCidrs("stubStatus.allow", status.allow ?? privateNetworks);
    }
    if (o.staticAssets) {
        checkPath("staticAssets.prefix", o.staticAssets.prefix);
        checkInt("staticAssets.maxAgeSeconds", o.staticAssets.maxAgeSeconds ?? d.staticMaxAgeSeconds, 0);
        checkInt("staticAssets.rateLimit.perMinute", o.staticAssets.rateLimit?.perMinute ?? d.staticRateLimit.perMinute, 1);
        checkInt("staticAssets.rateLimit.burst", o.staticAssets.rateLimit?.burst ?? d.staticRateLimit.burst, 0);
        if (o.staticAssets.cache) {
            checkToken("staticAssets.cache.dir", o.staticAssets.cache.dir);
            checkInt("staticAssets.cache.maxSizeMb", o.staticAssets.cache.maxSizeMb ?? d.staticCache.maxSizeMb, 1);
            checkInt("staticAssets.cache.validMinutes", o.staticAssets.cache.validMinutes ?? d.staticCache.validMinutes, 1);
        }
    }
    const resolver = (o.resolver ?? []).map((r) => checkToken("resolver", r));
    const denyPaths = (o.denyPaths ?? []).map((p) => checkPath("denyPaths", p));
    const hsts = { ...d.hsts, ...o.hsts };
    checkInt("hsts.maxAgeSeconds", hsts.maxAgeSeconds, 0);
    const csp = checkHeaderValue("contentSecurityPolicy", o.contentSecurityPolicy ?? d.contentSecurityPolicy);
    const permissions = checkHeaderValue("permissionsPolicy", o.permissionsPolicy ?? d.permissionsPolicy);
    const http2 = o.http2 ?? d.http2;
    const worker = { ...d.worker, ...o.worker };
    if (worker.processes !== "auto") checkInt("worker.processes", worker.processes, 1);
    checkInt("worker.connections", worker.connections, 64);
    checkInt("worker.rlimitNofile", worker.rlimitNofile, worker.connections);
    checkInt("worker.listenBacklog", worker.listenBacklog, 1);
    const user = o.user === undefined ? undefined : checkToken("user", o.user);
    const pidFile = checkToken("pidFile", o.pidFile);
    const tempDir = checkToken("tempDir", o.tempDir).replace(/\/+$/, "");
    const accessLog = checkToken("accessLog", o.accessLog);
    const errorLog = checkToken("errorLog", o.errorLog);
    const errorLogLevel = o.errorLogLevel ?? d.errorLogLevel;

    // Two locations with the same prefix make nginx refuse the whole file.
    const prefixes = [...authPaths, ...denyPaths, ...(o.staticAssets ? [o.staticAssets.prefix] : [])];
    const dup = prefixes.find((p, i) => prefixes.indexOf(p) !== i);
    if (dup !== undefined) fail("location paths", dup, "listed once across authRateLimit.paths, denyPaths and staticAssets.prefix");

    const c = new Lines();
    c.line("# Rendered by Slipway (components/web-tier/nginx-conf.ts): change the WebTier arguments, not this file.");
    if (user) c.line(`user ${user};`);
    c.line(`worker_processes ${worker.processes};`);
    c.line(`worker_rlimit_nofile ${worker.rlimitNofile};`);
    c.line(`pid ${pidFile};`);
    c.line(`error_log ${errorLog} ${errorLogLevel};`);
    c.line();
    c.block("events", () => {
        c.line(`worker_connections ${worker.connections};`);
        c.line("multi_accept on;");
    });
    c.line();
    c.block("http", () => {
        // Inline, so the file does not depend on a mime.types next to it. Proxied responses keep
        // the app's Content-Type; these only matter for what nginx serves itself.
        c.block("types", () => {
            for (const [type, exts] of mimeTypes) c.line(`${type} ${exts};`);
        });
        c.line("default_type application/octet-stream;");
        c.line("server_tokens off;");
        c.line("sendfile on;");
        c.line("tcp_nopush on;");
        c.line("tcp_nodelay on;");
        c.line("keepalive_timeout 30s;");
        c.line("keepalive_requests 1000;");
        // Short header/body timeouts: a slow client (or a slowloris) cannot hold a connection for long.
        c.line("client_header_timeout 15s;");
        c.line("client_body_timeout 15s;");
        c.line("send_timeout 30s;");
        c.line("reset_timedout_connection on;");
        c.line(`client_max_body_size ${bodySize};`);
        c.line("client_body_buffer_size 128k;");
        c.line("server_names_hash_bucket_size 128;");
        for (const t of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) c.line(`${t}_temp_path ${tempDir}/${t};`);
        const staticCache = o.staticAssets?.cache;
        if (staticCache) {
            const maxSize = staticCache.maxSizeMb ?? d.staticCache.maxSizeMb;
            // use_temp_path=off: responses are written in the cache dir itself, not copied across.
            c.line(
                `proxy_cache_path ${staticCache.dir.replace(/\/+$/, "")} levels=1:2 keys_zone=${nginxNames.staticCacheZone}:10m max_size=${maxSize}m inactive=7d use_temp_path=off;`,
            );
        }
        if (healthCache) {
            // A few bytes: one small response a second, dropped once unused for 10 s.
            c.line(`proxy_cache_path ${tempDir}/health levels=1 keys_zone=${nginxNames.healthCacheZone}:1m max_size=1m inactive=10s use_temp_path=off;`);
        }
        c.line();
        const fields = accessLogFields.map(([k, v, kind]) => (kind === "number" ? `"${k}":${v}` : `"${k}":"${v}"`)).join(",");
        c.line(`log_format ${nginxNames.logFormat} escape=json '{${fields}}';`);
        c.line(`access_log ${accessLog} ${nginxNames.logFormat};`);
        c.line();
        c.line("gzip on;");
        c.line("gzip_vary on;");
        c.line("gzip_proxied any;");
        c.line("gzip_comp_level 5;");
        c.line("gzip_min_length 256;");
        c.line(`gzip_types ${gzipTypes.join(" ")};`);
        c.line();
        if (resolver.length > 0) {
            c.line(`resolver ${resolver.join(" ")} valid=10s ipv6=off;`);
            c.line("resolver_timeout 5s;");
            c.line();
        }
        let limitKey = "$binary_remote_addr";
        if (exempt.length > 0) {
            // An empty key is not counted, so exempt clients are never limited.
            c.block(`geo ${nginxNames.exemptVar}`, () => {
                c.line("default 0;");
                for (const cidr of exempt) c.line(`${cidr} 1;`);
            });
            c.block(`map ${nginxNames.exemptVar} ${nginxNames.keyVar}`, () => {
                c.line("0 $binary_remote_addr;");
                c.line('1 "";');
            });
            limitKey = nginxNames.keyVar;
        }
        c.line(`limit_req_zone ${limitKey} zone=${nginxNames.perIpZone}:10m rate=${rate.perMinute}r/m;`);
        c.line(`limit_req_zone ${limitKey} zone=${nginxNames.authZone}:10m rate=${auth.perMinute}r/m;`);
        if (o.staticAssets) {
            c.line(`limit_req_zone ${limitKey} zone=${nginxNames.staticZone}:10m rate=${o.staticAssets.rateLimit?.perMinute ?? d.staticRateLimit.perMinute}r/m;`);
        }
        c.line("limit_req_status 429;");
        c.line("limit_req_log_level warn;");
        // An empty key (an exempt client) is not counted here either.
        c.line(`limit_conn_zone ${limitKey} zone=${nginxNames.connZone}:10m;`);
        c.line("limit_conn_status 429;");
        c.line("limit_conn_log_level warn;");
        c.line();
        c.block(`upstream ${nginxNames.upstream}`, () => {
            // A shared zone lets `resolve` update addresses and all workers share failure counts.
            c.line(`zone ${nginxNames.upstream} 64k;`);
            const resolve = resolver.length > 0 ? " resolve" : "";
            for (const u of o.upstreams) c.line(`server ${u} max_fails=${up.maxFails} fail_timeout=${up.failTimeoutSeconds}s${resolve};`);
            c.line(`keepalive ${up.keepalive};`);
            c.line("keepalive_timeout 60s;");
        });
        c.line();
        c.line("proxy_http_version 1.1;");
        c.line('proxy_set_header Connection "";');
        // The configured name, not $host: the catch-all servers below already close requests for
        // any other name, and the app builds absolute URLs (password-reset links…) from these.
        c.line(`proxy_set_header Host ${publicAuthority};`);
        c.line("proxy_set_header X-Real-IP $remote_addr;");
        // The edge is the first hop: a client-sent X-Forwarded-For is replaced, not trusted and appended to.
        c.line("proxy_set_header X-Forwarded-For $remote_addr;");
        c.line("proxy_set_header X-Forwarded-Proto $scheme;");
        c.line(`proxy_set_header X-Forwarded-Host ${publicAuthority};`);
        c.line("proxy_set_header X-Request-ID $request_id;");
        c.line("proxy_connect_timeout 5s;");
        c.line("proxy_send_timeout 60s;");
        c.line("proxy_read_timeout 60s;");
        // Only failures a retry can fix. nginx never resends POST/PATCH/LOCK once sent unless
        // `non_idempotent` is listed; a replica that timed out may already have done the work.
        // Not http_503: the app answers 503 when PostgreSQL or Redis is down, which no other
        // replica can fix, and every listed status also counts towards max_fails — a one-second
        // database restart took both replicas out for fail_timeout (10 s of 502s, found by the
        // restart drill in tests/live/restarts.test.ts).
        c.line(`proxy_next_upstream error timeout http_502 http_504${up.retryNonIdempotent ? " non_idempotent" : ""};`);
        c.line(`proxy_next_upstream_tries ${up.nextUpstreamTries};`);
        c.line("proxy_next_upstream_timeout 15s;");
        for (const h of edgeOwnedHeaders) c.line(`proxy_hide_header ${h};`);
        c.line();
        // The TLS policy, at this level so every server on the HTTPS port has the same one: the
        // handshake starts in the default server's context before SNI picks the site's.
        c.line("ssl_protocols TLSv1.2 TLSv1.3;");
        c.line("ssl_ecdh_curve X25519:prime256v1:secp384r1;");
        c.line(`ssl_ciphers ${tlsCiphers};`);
        c.line("ssl_prefer_server_ciphers off;");
        c.line("ssl_session_timeout 1d;");
        c.line("ssl_session_cache shared:SlipwayTLS:10m;");
        // Tickets would reuse one key for every session until restart, breaking forward secrecy.
        c.line("ssl_session_tickets off;");
        c.line();

        const listen = (port: number, extra: string): void => {
            if (listenAddresses) {
                for (const a of listenAddresses) c.line(`listen ${a.includes(":") ? `[${a}]` : a}:${port}${extra};`);
                return;
            }
            c.line(`listen ${port}${extra};`);
            if (o.listen.ipv6) c.line(`listen [::]:${port}${extra};`);
        };

        // The catch-all for every name but the site's (scanners, a stray DNS record, a forged
        // Host): closed without an answer (444), so the edge never redirects to, or proxies for,
        // a name it was not given. The listen options (backlog) belong to the default server.
        c.block("server", () => {
            listen(httpPort, ` default_server backlog=${worker.listenBacklog}`);
            c.line('server_name "";');
            c.line("return 444;");
        });
        c.line();
        c.block("server", () => {
            listen(httpPort, "");
            c.line(`server_name ${serverName};`);
            if (acmeWebroot) {
                // Before the redirect: Let's Encrypt's HTTP-01 check must get the token over plain HTTP.
                c.block("location ^~ /.well-known/acme-challenge/", () => {
                    c.line(`root ${acmeWebroot};`);
                    c.line("default_type text/plain;");
                    c.line("try_files $uri =404;");
                });
            }
            c.block("location /", () => {
                c.line(`return 301 https://${publicAuthority}$request_uri;`);
            });
        });
        c.line();

        const hstsValue = [`max-age=${hsts.maxAgeSeconds}`, ...(hsts.includeSubDomains ? ["includeSubDomains"] : []), ...(hsts.preload ? ["preload"] : [])].join("; ");
        const securityHeaders = (): void => {
            c.line(`add_header Strict-Transport-Security "${hstsValue}" always;`);
            c.line(`add_header Content-Security-Policy "${csp}" always;`);
            c.line('add_header X-Frame-Options "DENY" always;');
            c.line('add_header X-Content-Type-Options "nosniff" always;');
            c.line('add_header Referrer-Policy "strict-origin-when-cross-origin" always;');
            c.line(`add_header Permissions-Policy "${permissions}" always;`);
        };
        const limited = (withAuth: boolean): void => {
            c.line(`limit_req zone=${nginxNames.perIpZone} burst=${rate.burst} nodelay;`);
            if (withAuth) c.line(`limit_req zone=${nginxNames.authZone} burst=${auth.burst} nodelay;`);
        };
        const proxy = (path = ""): void => {
            c.line(`proxy_pass http://${nginxNames.upstream}${path};`);
        };

        const sslFlags = http2 === "listen" ? " ssl http2" : " ssl";
        // The HTTPS catch-all: a handshake for any other SNI name, or none, is refused before a
        // certificate is sent (nginx ≥ 1.19.4), so the site's name never leaks to an address
        // scan. A client that shakes hands for the site and then asks for another Host lands
        // here too, and is closed.
        c.block("server", () => {
            listen(httpsPort, `${sslFlags} default_server backlog=${worker.listenBacklog}`);
            c.line('server_name "";');
            c.line("ssl_reject_handshake on;");
            c.line("return 444;");
        });
        c.line();
        c.block("server", () => {
            listen(httpsPort, sslFlags);
            if (http2 === "on") c.line("http2 on;");
            c.line(`server_name ${serverName};`);
            c.line(`ssl_certificate ${cert};`);
            c.line(`ssl_certificate_key ${certKey};`);
            if (ocsp) {
                c.line("ssl_stapling on;");
                c.line("ssl_stapling_verify on;");
                c.line(`ssl_trusted_certificate ${ocsp};`);
            }
            // `add_header` is inherited only by locations that set none of their own: a location
            // adding a header repeats these.
            securityHeaders();
            // Requests in progress per client IP: a handful of clients cannot hold every worker
            // connection (and every upstream keepalive slot) with slow requests.
            c.line(`limit_conn ${nginxNames.connZone} ${conn.perIp};`);
            c.line();
            // Not rate-limited: monitors probing every few seconds must not trip the limit (a
            // limit would fail a monitor behind a busy NAT). But each call runs a database query,
            // so the edge answers from a cache instead: one entry per clock second, keyed by the
            // time and not by the query string (`/health?x=<random>` cannot bypass it). A new key
            // each second makes its first request a miss, which proxy_cache_lock serialises: one
            // request a second reaches the app however many arrive at once. (One key refreshed on
            // expiry would not do: nginx does not lock the refresh of an expired entry, so every
            // concurrent request would go to the app, unless stale answers were served meanwhile,
            // which could hide an outage.) Only 200s are kept: a failure reaches every probe.
            c.block(`location = ${health.edgePath}`, () => {
                c.line("access_log off;");
                proxy(health.upstreamPath);
                if (healthCache) {
                    c.line(`proxy_cache ${nginxNames.healthCacheZone};`);
                    c.line(`proxy_cache_key ${nginxNames.healthCacheZone}$time_iso8601;`);
                    c.line("proxy_cache_valid 200 1s;");
                    // The app marks /health no-store (for clients, which still get that header).
                    c.line("proxy_ignore_headers Cache-Control Expires;");
                    c.line("proxy_cache_lock on;");
                    c.line("proxy_cache_lock_timeout 5s;");
                    c.line("add_header X-Cache-Status $upstream_cache_status;");
                    securityHeaders();
                }
            });
            for (const p of denyPaths) {
                c.block(`location ^~ ${p}`, () => c.line("return 404;"));
            }
            for (const p of authPaths) {
                c.block(`location ^~ ${p}`, () => {
                    limited(true);
                    proxy();
                });
            }
            if (o.staticAssets) {
                const maxAge = o.staticAssets.maxAgeSeconds ?? d.staticMaxAgeSeconds;
                const cache = o.staticAssets.cache;
                const staticBurst = o.staticAssets.rateLimit?.burst ?? d.staticRateLimit.burst;
                c.block(`location ^~ ${o.staticAssets.prefix}`, () => {
                    // Its own generous zone, not the app's: a page's assets do not use up the
                    // app's per-IP limit (an office behind one NAT loads many pages at once).
                    c.line(`limit_req zone=${nginxNames.staticZone} burst=${staticBurst} nodelay;`);
                    proxy();
                    if (cache) {
                        c.line(`proxy_cache ${nginxNames.staticCacheZone};`);
                        c.line(`proxy_cache_valid 200 ${cache.validMinutes ?? d.staticCache.validMinutes}m;`);
                        c.line("proxy_cache_valid 404 1m;");
                        // One request per missing asset reaches the app, however many clients ask at once.
                        c.line("proxy_cache_lock on;");
                        c.line("proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;");
                        c.line("proxy_cache_background_update on;");
                        // HIT / MISS / STALE: how much the edge takes off the replicas, visible to anyone debugging.
                        c.line("add_header X-Cache-Status $upstream_cache_status;");
                    }
                    // proxy_hide_header, like add_header, is inherited only when a level sets none.
                    for (const h of [...edgeOwnedHeaders, "Cache-Control"]) c.line(`proxy_hide_header ${h};`);
                    // Not `always`: an error response must not be cached for a year.
                    c.line(`add_header Cache-Control "public, max-age=${maxAge}, immutable";`);
                    securityHeaders();
                });
            }
            c.block("location /", () => {
                limited(false);
                proxy();
            });
        });

        if (status) {
            c.line();
            // Its own listener, never published: the metrics exporter reaches it on the internal network.
            c.block("server", () => {
                c.line(`listen ${status.listen};`);
                c.line("access_log off;");
                c.block(`location = ${status.path ?? d.stubStatusPath}`, () => {
                    c.line("stub_status;");
                    for (const a of status.allow ?? privateNetworks) c.line(`allow ${a};`);
                    c.line("deny all;");
                });
                c.block("location /", () => c.line("return 404;"));
            });
        }
    });
    return c.toString();
}

const mimeTypes: Array<[string, string]> = [
    ["text/html", "html htm"],
    ["text/css", "css"],
    ["text/plain", "txt"],
    ["text/xml", "xml"],
    ["application/javascript", "js mjs"],
    ["application/json", "json map"],
    ["application/wasm", "wasm"],
    ["image/svg+xml", "svg svgz"],
    ["image/png", "png"],
    ["image/jpeg", "jpeg jpg"],
    ["image/gif", "gif"],
    ["image/webp", "webp"],
    ["image/avif", "avif"],
    ["image/x-icon", "ico"],
    ["font/woff", "woff"],
    ["font/woff2", "woff2"],
];

/**
 * The shell command that checks a config and then reloads a running nginx in a container;
 * the `&&` means a broken config is reported and the running config keeps serving.
 */
export function nginxReloadCommand(container: string, confPath: string): string {
    checkToken("container", container);
    checkToken("confPath", confPath);
    return `docker exec ${container} nginx -c ${confPath} -t && docker exec ${container} nginx -c ${confPath} -s reload`;
}
