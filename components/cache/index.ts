import { type CacheEngine, cacheParameterFamily } from "./engine";
import { argError, withComponent } from "../shared/errors";

export type { CacheEngine } from "./engine";

/** Redis/Valkey eviction policies (`maxmemory-policy`). */
export type MaxmemoryPolicy =
    | "allkeys-lru"
    | "volatile-lru"
    | "allkeys-lfu"
    | "volatile-lfu"
    | "allkeys-random"
    | "volatile-random"
    | "volatile-ttl"
    | "noeviction";

const maxmemoryPolicies: readonly MaxmemoryPolicy[] = [
    "allkeys-lru",
    "volatile-lru",
    "allkeys-lfu",
    "volatile-lfu",
    "allkeys-random",
    "volatile-random",
    "volatile-ttl",
    "noeviction",
];

/**
 * The Redis-protocol cache of a Slipway app, whatever the target. Target implementations add
 * their own wiring (VPC and subnets on AWS, a Docker network on a VPS) and ignore what they
 * cannot offer (e.g. `multiAz` on a single host).
 */
export interface CacheArgs {
    /**
     * Server engine: Valkey (the open-source Redis fork, cheaper on ElastiCache) or Redis OSS.
     * @default "valkey"
     * @example
     * ```ts
     * { engine: "redis" }
     * ```
     */
    engine?: CacheEngine;
    /**
     * Engine version as major.minor.
     * @default "8.0" for valkey, "7.1" for redis
     * @example
     * ```ts
     * { engine: "valkey", engineVersion: "8.1" }
     * ```
     */
    engineVersion?: string;
    /**
     * Read replicas besides the primary, from 0 to 5. At least one is required for `multiAz`
     * (a replica is what fails over).
     * @default 1
     * @example
     * ```ts
     * { replicas: 2 }
     * ```
     */
    replicas?: number;
    /**
     * Spread primary and replicas over availability zones and fail over automatically.
     * @default true
     * @example
     * ```ts
     * { multiAz: false, replicas: 0 } // a single node: dev stacks only
     * ```
     */
    multiAz?: boolean;
    /**
     * Days daily snapshots are kept, from 0 (no snapshots) to 35.
     * @default 7
     * @example
     * ```ts
     * { snapshotRetentionDays: 14 }
     * ```
     */
    snapshotRetentionDays?: number;
    /**
     * What to evict when memory is full. `allkeys-lru` treats everything as cache, so writes
     * never fail with OOM and a key without a TTL cannot fill the node; apps that keep
     * must-not-lose keys (queues, locks without TTL) should pick `volatile-lru` or `noeviction`
     * and give their cache keys a TTL.
     * @default "allkeys-lru"
     * @example
     * ```ts
     * { maxmemoryPolicy: "volatile-lru" }
     * ```
     */
    maxmemoryPolicy?: MaxmemoryPolicy;
    /**
     * Protect the cache (and its key) from `pulumi destroy` and replacement.
     * @default true
     * @example
     * ```ts
     * { protect: false } // throwaway review stacks only
     * ```
     */
    protect?: boolean;
}

/** `CacheArgs` with every default applied and every value checked. */
export type NormalizedCacheArgs = Required<CacheArgs>;

/** Default engine version per engine. */
export const cacheEngineDefaults: Record<CacheEngine, string> = { valkey: "8.0", redis: "7.1" };

const isInt = (n: number): boolean => Number.isInteger(n);

/**
 * Applies the defaults and checks every value, failing with a sentence that names the cache,
 * the key, the value and the fix.
 */
export function normalizeCacheArgs(name: string, args: CacheArgs = {}): NormalizedCacheArgs {
    // Claims its errors for the component, whichever constructor (or stack) calls it.
    return withComponent("Cache", name, () => checkCacheArgs(name, args));
}

function checkCacheArgs(name: string, args: CacheArgs): NormalizedCacheArgs {
    const where = `the ${name} cache`;
    const engine = args.engine ?? "valkey";
    if (engine !== "valkey" && engine !== "redis") {
        throw argError("engine", engine, `"valkey" or "redis"`);
    }
    const a: NormalizedCacheArgs = {
        engine,
        engineVersion: args.engineVersion ?? cacheEngineDefaults[engine],
        replicas: args.replicas ?? 1,
        multiAz: args.multiAz ?? true,
        snapshotRetentionDays: args.snapshotRetentionDays ?? 7,
        maxmemoryPolicy: args.maxmemoryPolicy ?? "allkeys-lru",
        protect: args.protect ?? true,
    };
    cacheParameterFamily(a.engine, a.engineVersion, where);
    if (!isInt(a.replicas) || a.replicas < 0 || a.replicas > 5) {
        throw argError("replicas", a.replicas, "a whole number from 0 to 5");
    }
    if (a.multiAz && a.replicas === 0) {
        throw argError("replicas", a.replicas, "at least 1 while multiAz is true (a replica to fail over to), or set multiAz: false");
    }
    if (!isInt(a.snapshotRetentionDays) || a.snapshotRetentionDays < 0 || a.snapshotRetentionDays > 35) {
        throw argError("snapshotRetentionDays", a.snapshotRetentionDays, "a whole number of days from 0 (no snapshots) to 35");
    }
    if (!maxmemoryPolicies.includes(a.maxmemoryPolicy)) {
        throw argError("maxmemoryPolicy", a.maxmemoryPolicy, `one of ${maxmemoryPolicies.join(", ")}`);
    }
    return a;
}
