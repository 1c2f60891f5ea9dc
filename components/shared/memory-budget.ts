import { argError } from "./errors";
/**
 * The memory budget of one Docker host: every container's memory limit, plus what a deploy adds
 * while it rolls, plus a reserve for the operating system, must fit in the host's memory.
 *
 * Pure, so the stacks (before anything registers) and the `docker-host-memory-budget` policy
 * rule (from the recorded graph) decide with the same arithmetic.
 */

/** One container's share. */
export interface BudgetContainer {
    /** What a person recognises, e.g. `db-postgres` or `web-app-0`. */
    name: string;
    /** The container's memory limit in MiB (Docker's `memory`; swap is off, so a hard cap). */
    memoryMiB: number;
    /**
     * Replaced create-before-delete (auto-named app replicas): Pulumi creates the new container
     * and deletes the old one only at the end of the whole update, so during a roll both run.
     * Fixed-name containers are delete-before-replace and never overlap.
     */
    createBeforeDelete?: boolean;
}

export interface MemoryBudget {
    hostMiB: number;
    /** The containers, in the order given. */
    containers: BudgetContainer[];
    /** Sum of the limits. */
    limitsMiB: number;
    /** What a roll adds on top: every create-before-delete container, once more. */
    surgeMiB: number;
    /** Kept for the kernel, systemd, sshd, dockerd/containerd and one shim per container. */
    reserveMiB: number;
    /** limits + surge + reserve. */
    totalMiB: number;
    fits: boolean;
}

/** The smallest reserve, in MiB. */
export const minReserveMiB = 512;
/** The reserve as a share of the host, when that is larger. */
export const reserveShare = 0.1;

/**
 * The OS reserve: max(512 MiB, 10% of the host). Typical figures (published ones, not measured
 * by this project): an idle Ubuntu 24.04 server (kernel, systemd, journald, sshd, the
 * DigitalOcean agent) uses ~250–300 MiB, dockerd and containerd ~80–120 MiB, and each
 * container's containerd-shim ~10 MiB outside its cgroup (15 containers: ~150 MiB) — about
 * 500 MiB before any page cache, which PostgreSQL counts on (effective_cache_size). 10% keeps
 * the headroom proportional on bigger hosts, where the kernel's own tables grow with memory.
 */
export function osReserveMiB(hostMiB: number): number {
    return Math.max(minReserveMiB, Math.ceil(hostMiB * reserveShare));
}

/** The budget of `containers` on a host of `hostMiB`. */
export function memoryBudget(hostMiB: number, containers: BudgetContainer[]): MemoryBudget {
    if (!Number.isFinite(hostMiB) || hostMiB <= 0) throw argError("memoryMiB", hostMiB, "a positive number of MiB (the host's memory)", { where: "the host's memory budget" });
    for (const c of containers) {
        if (!Number.isFinite(c.memoryMiB) || c.memoryMiB <= 0) throw argError(`${c.name}.memoryMiB`, c.memoryMiB, "a positive memory limit in MiB: every container needs one", { where: "the host's memory budget" });
    }
    const limitsMiB = containers.reduce((s, c) => s + c.memoryMiB, 0);
    const surgeMiB = containers.filter((c) => c.createBeforeDelete).reduce((s, c) => s + c.memoryMiB, 0);
    const reserveMiB = osReserveMiB(hostMiB);
    const totalMiB = limitsMiB + surgeMiB + reserveMiB;
    return { hostMiB, containers: [...containers], limitsMiB, surgeMiB, reserveMiB, totalMiB, fits: totalMiB <= hostMiB };
}

/** `limits 3040 + roll surge 512 + OS reserve 512 = 4064 MiB of 4096` */
export function budgetSummary(b: MemoryBudget): string {
    return `limits ${b.limitsMiB} + roll surge ${b.surgeMiB} + OS reserve ${b.reserveMiB} = ${b.totalMiB} MiB of the host's ${b.hostMiB}`;
}

/** The budget as a table (container, MiB), for reports and `npm run plan` readers. */
export function budgetTable(b: MemoryBudget): string[] {
    const width = Math.max(...b.containers.map((c) => c.name.length), "OS reserve (max(512, 10%))".length);
    const row = (name: string, mib: number | string): string => `${name.padEnd(width)}  ${String(mib).padStart(6)}`;
    return [
        row("container", "MiB"),
        ...b.containers.map((c) => row(c.name, c.memoryMiB)),
        row("roll surge", b.surgeMiB),
        row("OS reserve (max(512, 10%))", b.reserveMiB),
        row("total", b.totalMiB),
        row("host", b.hostMiB),
    ];
}
