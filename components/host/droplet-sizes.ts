import { argError } from "../shared/errors";

import { catalog } from "../shared/catalog";

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
    "c-2-intel": 4096,
    "c-4-intel": 8192,
    "c-8-intel": 16384,
    "c-16-intel": 32768,
    "c-32-intel": 65536,
    "c-48-intel": 98304,
};

/** `s-2vcpu-4gb`-style slugs of a plan: one per (vCPUs, GB) pair, with an optional suffix. */
const spelledSizes = (plan: string, pairs: readonly (readonly [number, number])[], suffix = ""): string[] => pairs.map(([cpu, gb]) => `${plan}-${cpu}vcpu-${gb}gb${suffix}`);

const general: readonly (readonly [number, number])[] = [[2, 8], [4, 16], [8, 32], [16, 64], [32, 128], [40, 160]];
const generalIntel: readonly (readonly [number, number])[] = [[2, 8], [4, 16], [8, 32], [16, 64], [32, 128], [48, 192]];
const cpuOptimized: readonly (readonly [number, number])[] = [[2, 4], [4, 8], [8, 16], [16, 32], [32, 64], [48, 96]];
const memoryOptimized: readonly (readonly [number, number])[] = [[2, 16], [4, 32], [8, 64], [16, 128], [24, 192], [32, 256]];
const memoryOptimizedIntel: readonly (readonly [number, number])[] = [...memoryOptimized, [48, 384]];

/**
 * The droplet sizes DigitalOcean offers for new droplets, as of `catalogDate`, from its size
 * list (`doctl compute size list`, the API's /v2/sizes, summarised on the Droplet pricing
 * page): Basic (regular, Premium AMD, Premium Intel, with the larger-disk Intel variants),
 * General Purpose, CPU-Optimized, Memory-Optimized and Storage-Optimized. GPU droplets are
 * left out: the payload does not use a GPU, and they are sold per region by request. Every
 * slug here has a memory `dropletMemoryMiB` reads (unit-tested), so the plan can size the
 * payload for any size the schema accepts. Not every size is in every region.
 */
export const dropletSizes: readonly string[] = [
    "s-1vcpu-512mb-10gb",
    ...spelledSizes("s", [[1, 1], [1, 2], [2, 2], [2, 4], [4, 8], [8, 16]]),
    ...spelledSizes("s", [[1, 1], [1, 2], [2, 2], [2, 4], [2, 8], [4, 8], [4, 16], [8, 16], [8, 32]], "-amd"),
    ...spelledSizes("s", [[1, 1], [1, 2], [2, 2], [2, 4], [4, 8], [8, 16]], "-intel"),
    ...["s-1vcpu-1gb-35gb-intel", "s-1vcpu-2gb-70gb-intel", "s-2vcpu-2gb-90gb-intel", "s-2vcpu-4gb-120gb-intel", "s-2vcpu-8gb-160gb-intel"],
    ...["s-4vcpu-8gb-240gb-intel", "s-4vcpu-16gb-320gb-intel", "s-8vcpu-16gb-480gb-intel", "s-8vcpu-32gb-640gb-intel"],
    ...spelledSizes("g", general),
    ...spelledSizes("gd", general),
    ...spelledSizes("g", generalIntel, "-intel"),
    ...spelledSizes("gd", generalIntel, "-intel"),
    ...Object.keys(unspelledSizeMemoryMiB),
    ...spelledSizes("c2", cpuOptimized),
    ...spelledSizes("c2", cpuOptimized, "-intel"),
    ...spelledSizes("m", memoryOptimized),
    ...spelledSizes("m3", memoryOptimized),
    ...spelledSizes("m6", memoryOptimized),
    ...spelledSizes("m", memoryOptimizedIntel, "-intel"),
    ...spelledSizes("m3", memoryOptimizedIntel, "-intel"),
    ...spelledSizes("so", memoryOptimized),
    ...spelledSizes("so1_5", memoryOptimized),
    ...spelledSizes("so", memoryOptimizedIntel, "-intel"),
    ...spelledSizes("so1_5", memoryOptimizedIntel, "-intel"),
];

export const dropletSizeCatalog = catalog(
    "a DigitalOcean droplet size slug",
    "https://docs.digitalocean.com/products/droplets/details/pricing/ (the size list of the DigitalOcean API, /v2/sizes)",
    dropletSizes,
);

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
    throw argError(
        "size",
        size,
        `a droplet size Slipway can read the memory of: a slug such as "s-2vcpu-4gb" (see \`doctl compute size list\`), or one of ${Object.keys(unspelledSizeMemoryMiB).join(", ")}`,
    );
}
