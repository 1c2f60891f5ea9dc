/**
 * nginx's JSON access log (components/web-tier/nginx-conf.ts `accessLogFields`), read back so a
 * drill can see which replica served a request and whether nginx retried it on another.
 */
import * as fs from "node:fs";

export interface AccessLogEntry {
    time: string;
    method: string;
    uri: string;
    status: number;
    /** `-` without an upstream; `a, b` when nginx tried `a` and then `b`. */
    upstream_addr: string;
    upstream_status: string;
    request_time: number;
}

/** Every line logged so far (a partly written last line is left out). */
export function readAccessLog(file: string): AccessLogEntry[] {
    if (!fs.existsSync(file)) return [];
    return fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line.endsWith("}"))
        .map((line) => JSON.parse(line) as AccessLogEntry);
}

/** The upstream addresses nginx tried for one request, in order. */
export const upstreamsTried = (e: AccessLogEntry): string[] => (e.upstream_addr === "-" ? [] : e.upstream_addr.split(", "));
