/**
 * Real HTTP(S) clients for the edge: node's https trusting only the test CA, with the server
 * name as SNI and Host, from a chosen loopback source (127.0.0.1 or ::1, which nginx's rate
 * limit keys tell apart). Bodies come back as sent (no transparent gunzip), so compression
 * can be checked.
 */
import * as http from "node:http";
import * as https from "node:https";
import { runOk } from "./commands";

/**
 * A client's loopback address: `::1`, or any 127.0.0.0/8 address (Linux answers for the whole
 * block), so tests can play several clients that nginx's per-IP limits tell apart.
 */
export type LoopbackSource = "::1" | `127.${number}.${number}.${number}`;

export interface EdgeAddress {
    serverName: string;
    httpPort: number;
    httpsPort: number;
    /** The CA certificate (PEM text) clients trust. */
    ca: string;
}

export interface EdgeResponse {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: Buffer;
}

export interface EdgeRequestOptions {
    method?: string;
    headers?: Record<string, string>;
    /** The client address nginx sees: IPv4 ones connect to 127.0.0.1 from that address, `::1` connects to ::1. @default "127.0.0.1" */
    from?: LoopbackSource;
    /** Plain HTTP on the HTTP port instead of HTTPS. @default false */
    plainHttp?: boolean;
    body?: string;
    /** @default 10_000 */
    timeoutMs?: number;
}

/** One request on a fresh connection; rejects on a network or TLS error (including an untrusted certificate). */
export function edgeRequest(edge: EdgeAddress, pathname: string, o: EdgeRequestOptions = {}): Promise<EdgeResponse> {
    const plain = o.plainHttp ?? false;
    const port = plain ? edge.httpPort : edge.httpsPort;
    const timeoutMs = o.timeoutMs ?? 10_000;
    const from = o.from ?? "127.0.0.1";
    const options: https.RequestOptions = {
        host: from === "::1" ? "::1" : "127.0.0.1",
        localAddress: from,
        port,
        path: pathname,
        method: o.method ?? "GET",
        headers: { Host: `${edge.serverName}:${port}`, ...o.headers },
        agent: false,
        timeout: timeoutMs,
        ...(plain ? {} : { ca: edge.ca, servername: edge.serverName }),
    };
    return new Promise((resolve, reject) => {
        const req = (plain ? http : https).request(options, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (d: Buffer) => chunks.push(d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
            res.on("error", reject);
        });
        req.on("timeout", () => req.destroy(new Error(`${options.method} ${pathname} timed out after ${timeoutMs} ms`)));
        req.on("error", reject);
        req.end(o.body);
    });
}

/** The edge's HTTPS base URL as a browser would use it. */
export const edgeUrl = (edge: EdgeAddress, pathname = "/"): string => `https://${edge.serverName}:${edge.httpsPort}${pathname}`;

/** curl to the edge: its server name resolves to 127.0.0.1 only, only the test CA (`caFile`) is trusted. */
export const edgeCurl = (edge: EdgeAddress, caFile: string, args: string[]): Promise<string> =>
    runOk("curl", [
        "-sS", "--max-time", "10", "--proto", "=http,https",
        "--resolve", `${edge.serverName}:${edge.httpPort}:127.0.0.1`,
        "--resolve", `${edge.serverName}:${edge.httpsPort}:127.0.0.1`,
        "--cacert", caFile,
        ...args,
    ]);
