import { argError } from "../shared/errors";

/**
 * Pure ElastiCache helpers: engine version → parameter family, member cluster names and the
 * client URL. No Pulumi here, so each is tested on its own.
 */

export type CacheEngine = "valkey" | "redis";

/** Major versions per engine that support what Slipway requires (TLS "required" mode, AUTH rotation). */
export const supportedCacheMajors: Record<CacheEngine, readonly number[]> = {
    valkey: [7, 8, 9],
    redis: [7],
};

/**
 * The cache parameter group family ("valkey8", "redis7") of an engine version such as "8.0".
 * @throws when the version is malformed or unsupported; `where` names the cache.
 */
export function cacheParameterFamily(engine: CacheEngine, engineVersion: string, where = "the cache"): string {
    const m = /^(\d+)\.(\d+)$/.exec(engineVersion);
    const major = m ? Number(m[1]) : NaN;
    const majors = supportedCacheMajors[engine];
    if (!majors) throw argError("engine", engine, `"valkey" or "redis"`, { where });
    if (!majors.includes(major)) {
        throw argError("engineVersion", engineVersion, `a major.minor version of ${engine} with major ${majors.join(" or ")}, e.g. "${majors[majors.length > 1 ? 1 : 0]}.0"`, { where });
    }
    return `${engine}${major}`;
}

/**
 * The cache cluster ids ElastiCache gives the nodes of a cluster-mode-disabled replication
 * group: `<replicationGroupId>-001`, `-002`… CloudWatch's per-node metrics (memory,
 * evictions) use them as the `CacheClusterId` dimension. After a node is replaced (e.g. a
 * failover that swaps roles) the ids stay, only which one is primary changes.
 */
export function memberClusterIds(replicationGroupId: string, numCacheClusters: number): string[] {
    return Array.from({ length: numCacheClusters }, (_, i) => `${replicationGroupId}-${String(i + 1).padStart(3, "0")}`);
}

/** A TLS client URL with the AUTH token as password and no user (the default user). */
export function cacheUrl(host: string, port: number, authToken: string): string {
    return `rediss://:${encodeURIComponent(authToken)}@${host}:${port}`;
}
