import { createServer } from "node:net";
import type { PortRebinding } from "./container-spec";

/** A free TCP port on 127.0.0.1 (the kernel's choice). */
export async function freePort(): Promise<number> {
    return await new Promise((resolve, reject) => {
        const s = createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as { port: number }).port;
            s.close(() => resolve(port));
        });
    });
}

/**
 * Tier 5 publishes only on loopback: each port the graph publishes (on whatever address) is
 * bound to 127.0.0.1 on a free port, the same one for the whole run so a replaced edge comes
 * back where clients look. What the graph asked for is kept for the isolation checks.
 */
export class LoopbackPorts {
    private readonly chosen = new Map<string, number>();

    /** Reserve ports up front (the rebinding callback is synchronous). */
    async reserve(requested: { ip: string; external: number }[]): Promise<void> {
        for (const r of requested) {
            const key = `${r.ip}:${r.external}`;
            if (!this.chosen.has(key)) this.chosen.set(key, await freePort());
        }
    }

    readonly rebind: PortRebinding = (p) => {
        const key = `${p.ip}:${p.external}`;
        const port = this.chosen.get(key);
        if (port === undefined) throw new Error(`port ${key} was not reserved before the apply`);
        return { ip: "127.0.0.1", external: port };
    };

    /** Where tier 5 bound the port the graph published as `external` (on any address). */
    boundFor(external: number): number {
        const found = [...this.chosen].find(([k]) => k.endsWith(`:${external}`));
        if (!found) throw new Error(`the graph publishes no port ${external}`);
        return found[1];
    }
}
