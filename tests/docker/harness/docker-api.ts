import { request } from "node:http";

/**
 * A minimal Docker Engine API client over the harness daemon's unix socket. The Pulumi Docker
 * provider talks to the same API (not the CLI), so the harness sends the same structures:
 * `Config.Healthcheck.Test` keeps its exact `CMD`/`CMD-SHELL` form, aliases go in
 * `EndpointsConfig`, and so on.
 */
export class DockerApi {
    constructor(private readonly socketPath: string) {}

    async call<T = unknown>(method: string, path: string, body?: unknown, timeoutMs = 120_000): Promise<{ status: number; body: T }> {
        const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
        return await new Promise((resolve, reject) => {
            const req = request(
                {
                    socketPath: this.socketPath,
                    method,
                    path: `/v1.41${path}`,
                    headers: payload ? { "Content-Type": "application/json", "Content-Length": payload.length } : {},
                    timeout: timeoutMs,
                },
                (res) => {
                    const chunks: Buffer[] = [];
                    res.on("data", (c: Buffer) => chunks.push(c));
                    res.on("end", () => {
                        const text = Buffer.concat(chunks).toString("utf8");
                        let parsed: unknown = text;
                        try {
                            parsed = text ? JSON.parse(text) : undefined;
                        } catch {
                            /* plain text body */
                        }
                        resolve({ status: res.statusCode ?? 0, body: parsed as T });
                    });
                },
            );
            req.on("timeout", () => req.destroy(new Error(`docker API ${method} ${path} timed out after ${timeoutMs} ms`)));
            req.on("error", reject);
            if (payload) req.write(payload);
            req.end();
        });
    }

    /** Like `call`, but a status outside 2xx (or `okStatuses`) throws with the daemon's message. */
    async ok<T = unknown>(method: string, path: string, body?: unknown, okStatuses: number[] = []): Promise<T> {
        const r = await this.call<T>(method, path, body);
        if ((r.status < 200 || r.status >= 300) && !okStatuses.includes(r.status)) {
            const msg = (r.body as { message?: string } | undefined)?.message ?? JSON.stringify(r.body);
            throw new Error(`docker API ${method} ${path}: ${r.status} ${msg}`);
        }
        return r.body;
    }

    async inspectContainer(idOrName: string): Promise<ContainerInspect | undefined> {
        const r = await this.call<ContainerInspect>("GET", `/containers/${encodeURIComponent(idOrName)}/json`);
        return r.status === 404 ? undefined : r.body;
    }

    async listContainers(labelFilter?: string): Promise<{ Id: string; Names: string[]; Labels: Record<string, string>; State: string }[]> {
        const filters = labelFilter ? `&filters=${encodeURIComponent(JSON.stringify({ label: [labelFilter] }))}` : "";
        return await this.ok("GET", `/containers/json?all=1${filters}`);
    }

    /** Container logs (stdout and stderr, demultiplexed), the last `tail` lines. */
    async logs(id: string, tail = 50): Promise<string> {
        const r = await new Promise<Buffer>((resolve, reject) => {
            const req = request(
                { socketPath: this.socketPath, path: `/v1.41/containers/${encodeURIComponent(id)}/logs?stdout=1&stderr=1&tail=${tail}` },
                (res) => {
                    const chunks: Buffer[] = [];
                    res.on("data", (c: Buffer) => chunks.push(c));
                    res.on("end", () => resolve(Buffer.concat(chunks)));
                },
            );
            req.on("error", reject);
            req.end();
        });
        // Multiplexed stream: 8-byte header (stream, 0, 0, 0, size BE32) per frame.
        let out = "";
        for (let i = 0; i + 8 <= r.length; ) {
            const size = r.readUInt32BE(i + 4);
            out += r.subarray(i + 8, i + 8 + size).toString("utf8");
            i += 8 + size;
        }
        return out;
    }
}

export interface ContainerInspect {
    Id: string;
    Name: string;
    RestartCount: number;
    Image: string;
    Config: { Image: string; Labels: Record<string, string>; User: string; Env: string[] };
    HostConfig: Record<string, unknown>;
    State: { Status: string; Running: boolean; ExitCode: number; Pid: number; StartedAt: string; Health?: { Status: string; Log: { ExitCode: number; Output: string }[] } };
    NetworkSettings: { Networks: Record<string, { IPAddress: string; Aliases: string[] | null }>; Ports: Record<string, { HostIp: string; HostPort: string }[] | null> };
    Mounts: { Type: string; Source: string; Destination: string; RW: boolean }[];
}
