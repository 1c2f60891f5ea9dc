import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

/**
 * Where the Docker payload runs and how its containers are wired. Built once per stack by
 * `stacks/vps.ts` or `stacks/local.ts` and handed to every Docker component.
 */
export interface DockerHost {
    /** The Docker provider for this host (ssh://deploy@ip on vps, the local daemon on local). */
    provider: docker.Provider;
    /** Stack name, used in container names and labels. */
    stack: string;
    /**
     * The identity of the machine the containers run on (the droplet id on vps): every container
     * carries it as the `host.instance` label, so a rebuilt droplet gets its containers recreated.
     */
    instanceId: pulumi.Input<string>;
    /** Absolute directory on the host for persistent data and rendered config files. */
    dataDir: string;
    /** Writes rendered files to the host (see host-files.ts). */
    files: import("./host-files").HostFiles;
    /** Host memory in MiB, for tuning (PostgreSQL shared_buffers, Redis maxmemory…). */
    memoryMiB: number;
    /** The two networks: edge (nginx ↔ apps) and data (internal, no outside route). */
    networks?: { edge: pulumi.Input<string>; data: pulumi.Input<string> };
}

/** What every Slipway container must say about itself; the hardening is applied for it. */
export interface HardenedContainerArgs {
    /** Pinned image reference (tag or digest). */
    image: pulumi.Input<string>;
    /** Fixed container name (data containers); omit to let Pulumi auto-name (app replicas). */
    name?: pulumi.Input<string>;
    /** Memory limit in MiB: required, so one container cannot starve the host. */
    memoryMiB: number;
    /** Docker health check: a command run in the container (`CMD` or `CMD-SHELL` form). */
    healthcheck: { test: string[]; intervalSeconds?: number; timeoutSeconds?: number; retries?: number; startPeriodSeconds?: number };
    /** Which Slipway component this belongs to (label `slipway.component`). */
    component: string;
    /** Networks to join, with DNS aliases. */
    networks: { name: pulumi.Input<string>; aliases?: string[] }[];
    /** Published ports; only the edge and loopback-only admin ports may publish. */
    ports?: { internal: number; external: number; ip?: string }[];
    envs?: pulumi.Input<pulumi.Input<string>[]>;
    command?: pulumi.Input<string>[];
    entrypoints?: pulumi.Input<string>[];
    volumes?: docker.types.input.ContainerVolume[];
    /** Run as this user (uid[:gid]); images that drop privileges themselves may omit it. */
    user?: string;
    /** Read-only root filesystem; writable paths go in `tmpfs`. */
    readOnly?: boolean;
    tmpfs?: Record<string, string>;
    /** Capabilities to add back after dropping ALL (e.g. CHOWN, SETUID for images that drop privileges). */
    capAdd?: string[];
    /** Wait until the health check passes before the resource counts as created. */
    wait?: boolean;
    /** Seconds to give the process to stop on SIGTERM before SIGKILL. */
    stopTimeoutSeconds?: number;
    /**
     * Docker's init (tini) as PID 1, forwarding signals and reaping zombies. `false` for images
     * whose entrypoint drops to another uid before it execs a server that reaps its own children
     * (postgres, redis): tini stays root without CAP_KILL, so it cannot forward the stop signal
     * to that uid ("Unexpected error when forwarding signal: Operation not permitted"), exits, and
     * the kernel kills the server: no shutdown checkpoint, no final save (found by tier 5).
     * @default true
     */
    init?: boolean;
    extraLabels?: Record<string, pulumi.Input<string>>;
}

/** Log rotation for every container: the default json-file driver grows without bound. */
export const containerLogOptions = { "max-size": "10m", "max-file": "3" } as const;

const seconds = (s: number): string => `${s}s`;

/**
 * The `docker.ContainerArgs` for a Slipway container: restart unless-stopped, rotated logs, a
 * memory limit, a health check, no privileges (capabilities dropped, no-new-privileges, never
 * privileged or on a host namespace), and the labels that tie it to its stack and host.
 */
export function hardenedContainerArgs(host: DockerHost, a: HardenedContainerArgs): docker.ContainerArgs {
    const labels: Record<string, pulumi.Input<string>> = {
        "host.instance": host.instanceId,
        "slipway.stack": host.stack,
        "slipway.component": a.component,
        ...a.extraLabels,
    };
    return {
        image: a.image,
        name: a.name,
        restart: "unless-stopped",
        logDriver: "json-file",
        logOpts: { ...containerLogOptions },
        memory: a.memoryMiB,
        // No swap beyond the limit: a container over its budget is restarted, not slowed to a crawl.
        memorySwap: a.memoryMiB,
        healthcheck: {
            tests: a.healthcheck.test,
            interval: seconds(a.healthcheck.intervalSeconds ?? 15),
            timeout: seconds(a.healthcheck.timeoutSeconds ?? 5),
            retries: a.healthcheck.retries ?? 3,
            startPeriod: seconds(a.healthcheck.startPeriodSeconds ?? 20),
        },
        labels: Object.entries(labels).map(([label, value]) => ({ label, value })),
        networksAdvanced: a.networks.map((n) => ({ name: n.name, aliases: n.aliases })),
        ports: a.ports?.map((p) => ({ internal: p.internal, external: p.external, ip: p.ip ?? "127.0.0.1", protocol: "tcp" })),
        envs: a.envs,
        command: a.command,
        entrypoints: a.entrypoints,
        volumes: a.volumes,
        user: a.user,
        readOnly: a.readOnly ?? false,
        tmpfs: a.tmpfs,
        capabilities: { drops: ["ALL"], adds: a.capAdd ?? [] },
        securityOpts: ["no-new-privileges:true"],
        privileged: false,
        init: a.init ?? true,
        wait: a.wait ?? true,
        waitTimeout: 120,
        stopTimeout: a.stopTimeoutSeconds ?? 30,
        mustRun: true,
    };
}

/** Docker's health-check `CMD` form. */
export const healthCmd = (...argv: string[]): string[] => ["CMD", ...argv];
