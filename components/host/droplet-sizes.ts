/**
 * Droplet memory by size slug, for tuning the payload (PostgreSQL shared_buffers, Redis
 * maxmemory, container limits). Most slugs spell their memory out (`s-2vcpu-4gb`,
 * `s-1vcpu-512mb-10gb`, `m-2vcpu-16gb`, `s-2vcpu-4gb-intel`); the CPU-optimized `c-N` slugs do not
 * and are listed here (from DigitalOcean's size list).
 */
export const unspelledSizeMemoryMiB: Readonly<Record<string, number>> = {
    "c-2": 4096,
    "c-4": 8192,
    "c-8": 16384,
    "c-16": 32768,
    "c-32": 65536,
    "c-48": 98304,
};

const spelled = /^[a-z][a-z0-9_]*-\d+vcpu-(\d+)(gb|mb)(-[a-z0-9-]+)?$/;

/** Memory in MiB of a droplet size slug; throws for a slug it cannot read. */
export function dropletMemoryMiB(size: string): number {
    const listed = unspelledSizeMemoryMiB[size];
    if (listed !== undefined) return listed;
    const m = spelled.exec(size);
    if (m) {
        const n = Number(m[1]);
        const mib = m[2] === "gb" ? n * 1024 : n;
        if (mib > 0) return mib;
    }
    throw new Error(
        `size "${size}" is not a droplet size Slipway can read the memory of; use a slug such as "s-2vcpu-4gb" (see \`doctl compute size list\`), or one of ${Object.keys(unspelledSizeMemoryMiB).join(", ")}.`,
    );
}
