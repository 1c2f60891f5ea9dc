/**
 * nginx running the payload's nginx.conf (renderNginxConf) with every address given through
 * the renderer's options: upstreams on 127.0.0.1, listeners on 127.0.0.1 and ::1 only,
 * stub_status on its own loopback port, and pid, temp and log paths in the run directory.
 * Two flavours: Debian's nginx 1.22 (`http2: "listen"`, no `resolver`: it has neither `http2 on`
 * nor `server … resolve`), and the mainline nginx scripts/build-test-nginx provides (≥ 1.27.3,
 * what the container image runs), with the production form: `http2 on`, a resolver and
 * `resolve` on every upstream server. The file is checked with `nginx -t` before the server starts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { renderNginxConf, type NginxConfOptions } from "../../../components/web-tier/nginx-conf";
import { TEST_NGINX } from "../../tools/helpers/tools";
import { runOk } from "./commands";
import { freePorts } from "./ports";
import { canConnect, startProcess } from "./processes";
import type { RunDir } from "./rundir";
import { serverControl, type ServerControl } from "./server";
import type { TestCertificates } from "./tls";

/** What a test may tune: the edge's behaviour, never its addresses or paths. */
export type EdgeTuning = Partial<
    Pick<
        NginxConfOptions,
        "rateLimit" | "authRateLimit" | "connectionLimit" | "upstream" | "health" | "staticAssets" | "denyPaths" | "hsts" | "contentSecurityPolicy" | "permissionsPolicy" | "clientMaxBodySize" | "worker"
    >
>;

/** The edge settings the Docker payload uses (components/web-tier/docker.ts) that have no renderer default. */
export const payloadEdgeSettings: EdgeTuning = { staticAssets: { prefix: "/static/" }, denyPaths: ["/metrics"] };

/** The nginx scripts/build-test-nginx installs (tier 3's nginx -t runs the same binary). */
export const mainlineNginx = TEST_NGINX;

export type NginxFlavour = "debian" | "mainline";

export interface NginxOptions {
    runDir: RunDir;
    /** @default "debian" */
    flavour?: NginxFlavour;
    tls: TestCertificates;
    /** The app replicas, `127.0.0.1:port` each. */
    upstreams: string[];
    tuning?: EdgeTuning;
}

export interface NginxServer extends ServerControl {
    readonly serverName: string;
    readonly httpPort: number;
    readonly httpsPort: number;
    /** `http://127.0.0.1:port/stub_status`: the status listener, for the exporter. */
    readonly statusUrl: string;
    /** The rendered file, as nginx runs it. */
    readonly confFile: string;
    readonly conf: string;
    /** The JSON access log. */
    readonly accessLog: string;
    /** nginx's error log (info level): upstream failures, "no live upstreams"… */
    readonly errorLog: string;
}

export async function startNginx(o: NginxOptions): Promise<NginxServer> {
    const dir = path.join(o.runDir.path, "nginx");
    const tempDir = path.join(dir, "temp");
    // Workers (www-data) only need the temp directories, which the master creates and chowns.
    fs.mkdirSync(tempDir, { recursive: true, mode: 0o755 });
    const [httpPort, httpsPort, statusPort] = await freePorts(3);
    const accessLog = path.join(o.runDir.logDir, "nginx-access.log");
    const errorLog = path.join(o.runDir.logDir, "nginx-error.log");
    const mainline = o.flavour === "mainline";
    if (mainline && !fs.existsSync(mainlineNginx)) throw new Error(`${mainlineNginx} is missing: run scripts/install-test-deps (it runs scripts/build-test-nginx)`);
    const binary = mainline ? mainlineNginx : "nginx";
    const tuned = { ...payloadEdgeSettings, ...o.tuning };
    const conf = renderNginxConf({
        ...tuned,
        // As the payload does: the edge caches the static assets in its temp space.
        staticAssets: tuned.staticAssets && { ...tuned.staticAssets, cache: { maxSizeMb: 32, ...tuned.staticAssets.cache, dir: path.join(tempDir, "static") } },
        serverName: o.tls.serverName,
        listen: { http: httpPort, https: httpsPort, addresses: ["127.0.0.1", "::1"] },
        tls: { certificate: o.tls.certFile, certificateKey: o.tls.keyFile },
        upstreams: o.upstreams,
        stubStatus: { listen: `127.0.0.1:${statusPort}`, allow: ["127.0.0.1"] },
        // Mainline: exactly the container's form. The upstreams are IP literals, so the resolver
        // (nothing listens on 127.0.0.1:53) is never asked; `resolve` must still be accepted.
        ...(mainline ? { http2: "on" as const, resolver: ["127.0.0.1"] } : { http2: "listen" as const }),
        user: "www-data",
        pidFile: path.join(dir, "nginx.pid"),
        tempDir,
        accessLog,
        errorLog,
        errorLogLevel: "info",
    });
    const confFile = path.join(dir, "nginx.conf");
    fs.writeFileSync(confFile, conf);
    // -e: the log for messages before the config is read (Debian's default is /var/log/nginx).
    const base = ["-c", confFile, "-p", dir, "-e", errorLog];
    await runOk(binary, [...base, "-t", "-q"], { timeoutMs: 30_000 });

    const server = serverControl(() => startProcess("nginx", binary, [...base, "-g", "daemon off;"], { logDir: o.runDir.logDir, env: { PATH: process.env.PATH } }), {
        check: async () => (await canConnect(httpsPort, "127.0.0.1")) && (await canConnect(httpsPort, "::1")),
        timeoutMs: 20_000,
        what: `nginx to listen on 127.0.0.1 and ::1 port ${httpsPort}`,
    });
    await server.start();
    return Object.assign(server, { serverName: o.tls.serverName, httpPort, httpsPort, statusUrl: `http://127.0.0.1:${statusPort}/stub_status`, confFile, conf, accessLog, errorLog });
}
