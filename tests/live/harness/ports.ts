/** Free TCP ports on loopback for the servers a live test starts. */
import * as net from "node:net";

/** True when `port` can be bound on `host` right now. */
function canBind(port: number, host: string): Promise<boolean> {
    return new Promise((resolve) => {
        const server = net.createServer();
        server.once("error", () => resolve(false));
        server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
    });
}

const handedOut = new Set<number>();

/**
 * A port the kernel picks as free on 127.0.0.1 that is also free on ::1 (servers here listen on
 * both) and was not handed out before in this process. Another process may still take it before
 * the server binds; the servers' waitForPort then fails with their log rather than hanging.
 */
export async function freePort(): Promise<number> {
    for (let attempt = 0; attempt < 50; attempt++) {
        const port = await new Promise<number>((resolve, reject) => {
            const server = net.createServer();
            server.once("error", reject);
            server.listen({ port: 0, host: "127.0.0.1", exclusive: true }, () => {
                const address = server.address();
                server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
            });
        });
        if (port > 0 && !handedOut.has(port) && (await canBind(port, "::1"))) {
            handedOut.add(port);
            return port;
        }
    }
    throw new Error("No free loopback port found in 50 attempts.");
}

/** `n` distinct free ports. */
export async function freePorts(n: number): Promise<number[]> {
    const ports: number[] = [];
    for (let i = 0; i < n; i++) ports.push(await freePort());
    return ports;
}
