import { minRedisMemoryMiB } from "../components/cache/redis-conf";
import { minPostgresMemoryMiB } from "../components/database/postgres-conf";
import { monitoringMemoryMiB } from "../components/monitoring/docker";
import { type BudgetContainer, type MemoryBudget, budgetSummary, memoryBudget } from "../components/shared/memory-budget";
import { dockerWebTierDefaults } from "../components/web-tier/docker";
import { webTierDefaults } from "../components/web-tier/index";
import type { SlipwayConfig } from "./config";
import { ConfigError } from "./config-errors";

/**
 * How the Docker payload shares out one host's memory, and the check that it fits. The stacks
 * call `planPayloadMemory` before any resource registers and hand its limits to the components,
 * so the budget counts exactly what gets deployed.
 *
 * Defaults (the shares are of the host's memory; a 4 GiB droplet shown):
 * - PostgreSQL 3/16 (768 MiB): shared_buffers, effective_cache_size and work_mem follow it.
 * - Redis 1/16 (256 MiB): maxmemory is three quarters of it.
 * - the backup job 256 MiB: pg_dump streams; restic's index of a small team's repository
 *   stays well under that (raise `backups.memoryMiB` for a repository of many GB).
 * What does not scale with the host — nginx, certbot, the monitoring containers — has fixed
 * limits in its component; the app's come from `app.memoryMiB` × `app.replicas`.
 */
export const payloadMemoryShares = { database: 3 / 16, cache: 1 / 16, backupsMiB: 256 } as const;

/** The host the payload runs on, as the stack file names it. */
export interface BudgetHost {
    memoryMiB: number;
    /** The key that sets it, e.g. `slipway:vps.size`. */
    key: string;
    /** Its value, as the message shows it, e.g. `s-2vcpu-4gb (4096 MiB)`. */
    shown: string;
}

export interface PayloadMemory {
    databaseMiB: number;
    cacheMiB: number;
    backupsMiB: number;
    budget: MemoryBudget;
}

/** Every container's limit for this config on this host (no check). */
export function payloadMemory(config: SlipwayConfig, hostMiB: number, letsEncrypt: boolean): PayloadMemory {
    const databaseMiB = config.database?.memoryMiB ?? Math.max(minPostgresMemoryMiB, Math.floor(hostMiB * payloadMemoryShares.database));
    const cacheMiB = config.cache?.memoryMiB ?? Math.max(minRedisMemoryMiB, Math.floor(hostMiB * payloadMemoryShares.cache));
    const backupsMiB = config.backups?.memoryMiB ?? payloadMemoryShares.backupsMiB;
    const replicas = config.app?.replicas ?? webTierDefaults.replicas;
    const appMiB = config.app?.memoryMiB ?? webTierDefaults.memoryMiB;
    const kebab = (s: string): string => s.replace(/([A-Z])/g, "-$1").toLowerCase();
    const containers: BudgetContainer[] = [
        ...Array.from({ length: replicas }, (_, i) => ({ name: `web-app-${i}`, memoryMiB: appMiB, createBeforeDelete: true })),
        { name: "web-edge", memoryMiB: dockerWebTierDefaults.edgeMemoryMiB },
        ...(letsEncrypt ? [{ name: "web-certbot", memoryMiB: dockerWebTierDefaults.certbotMemoryMiB }] : []),
        { name: "db-postgres", memoryMiB: databaseMiB },
        { name: "cache-redis", memoryMiB: cacheMiB },
        { name: "backups-container", memoryMiB: backupsMiB },
        ...Object.entries(monitoringMemoryMiB).map(([k, mib]) => ({ name: `monitoring-${kebab(k)}`, memoryMiB: mib })),
    ];
    return { databaseMiB, cacheMiB, backupsMiB, budget: memoryBudget(hostMiB, containers) };
}

/**
 * `payloadMemory`, refused with one `ConfigError` line naming the keys to change when the
 * containers, the roll surge and the OS reserve do not fit in the host.
 */
export function planPayloadMemory(config: SlipwayConfig, host: BudgetHost, letsEncrypt: boolean): PayloadMemory {
    const plan = payloadMemory(config, host.memoryMiB, letsEncrypt);
    const b = plan.budget;
    if (!b.fits) {
        const replicas = config.app?.replicas ?? webTierDefaults.replicas;
        const appMiB = config.app?.memoryMiB ?? webTierDefaults.memoryMiB;
        throw new ConfigError(
            `${config.stackFile}: the Docker payload needs ${b.totalMiB} MiB but ${host.key} ${host.shown} has ${host.memoryMiB} MiB (${budgetSummary(b)}); ` +
                `expected it to fit: lower slipway:app.memoryMiB (${appMiB} × ${replicas} replicas, twice while a deploy rolls) or slipway:app.replicas, ` +
                `slipway:database.memoryMiB (${plan.databaseMiB}), slipway:cache.memoryMiB (${plan.cacheMiB}), slipway:backups.memoryMiB (${plan.backupsMiB}), or raise ${host.key}`,
        );
    }
    return plan;
}
