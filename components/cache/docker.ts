import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { posix } from "node:path";
import { SlipwayComponent } from "../shared/component";
import { type DockerHost, hardenedContainerArgs } from "../shared/docker";
import { contentHash } from "../shared/host-files";
import { hostPaths, images, serviceAliases, servicePorts } from "../shared/images";
import { type CacheArgs, type NormalizedCacheArgs, normalizeCacheArgs } from "./index";
import { minRedisMemoryMiB, redisRestartScript, renderRedisConf } from "./redis-conf";
import { argError, withComponent } from "../shared/errors";

export interface DockerCacheArgs extends CacheArgs {
    /**
     * The Docker host, with its networks: the cache joins the `data` network only.
     * @default required
     * @example
     * ```ts
     * { host: { ...dockerHost, networks: network.hostNetworks } }
     * ```
     */
    host: DockerHost;
    /**
     * Memory limit of the Redis container in MiB; `maxmemory` is three quarters of it. At least 64.
     * @default An eighth of `host.memoryMiB`.
     * @example
     * ```ts
     * { memoryMiB: 1024 }
     * ```
     */
    memoryMiB?: number;
}

export type NormalizedDockerCacheArgs = NormalizedCacheArgs & {
    host: DockerHost;
    networks: { edge: pulumi.Input<string>; data: pulumi.Input<string> };
    memoryMiB: number;
};

/**
 * Applies the neutral defaults plus the Docker-only ones and checks them. One host runs the
 * pinned `images.redis` whatever `engine`/`engineVersion` say (Valkey and Redis speak the same
 * protocol), with no replicas or failover; `snapshotRetentionDays: 0` turns RDB snapshots off.
 */
export function normalizeDockerCacheArgs(name: string, args: DockerCacheArgs): NormalizedDockerCacheArgs {
    const { host, memoryMiB, ...neutral } = args;
    if (!host) throw argError("host", undefined, "the DockerHost the payload runs on");
    if (!host.networks) throw argError("host.networks", undefined, "the DockerNetwork's hostNetworks");
    const a = normalizeCacheArgs(name, neutral);
    const budget = memoryMiB ?? Math.floor(host.memoryMiB / 8);
    if (!Number.isInteger(budget) || budget < minRedisMemoryMiB) {
        throw argError(
            "memoryMiB",
            budget,
            `a whole number of at least ${minRedisMemoryMiB} MiB for Redis${memoryMiB === undefined ? ` (the default is an eighth of the host's ${host.memoryMiB} MiB)` : ""}`,
        );
    }
    return { ...a, host, networks: host.networks, memoryMiB: budget };
}

/** Where things live inside the container. */
export const redisContainerPaths = {
    data: "/data",
    /** The host's 0600 file, readable by root only (via DAC_READ_SEARCH). */
    mountedConf: "/etc/redis/redis.conf",
    /** The copy the server runs with, owned by the redis user, on a tmpfs. */
    runningConf: "/run/redis/redis.conf",
} as const;

/**
 * Health check without the password in the container's config: the shell reads it from the
 * running config at check time and hands it to redis-cli through REDISCLI_AUTH (never argv,
 * never `docker inspect`). The generated password is letters and digits, so it needs no unescaping.
 */
export const redisHealthcheck = (port: number): string[] => [
    "CMD-SHELL",
    `REDISCLI_AUTH="$(sed -n 's/^requirepass "\\(.*\\)"$/\\1/p' ${redisContainerPaths.runningConf})" redis-cli -h 127.0.0.1 -p ${port} ping | grep -q PONG`,
];

/**
 * Redis in one container on the internal data network (alias `redis`), never published:
 * `requirepass`, append-only file fsynced every second, `maxmemory` with the chosen eviction
 * policy, data in a bind mount under the host's data directory, config in a 0600 host file
 * (it holds the password), restarted only when that file changes.
 *
 * With `protect` (the default) the container is protected: the data survives on the host
 * either way, but a destroy or replacement would take the cache down. An image bump
 * therefore needs `protect: false` for that one deployment.
 *
 * ## Cost
 * Nothing beyond the host: the memory limit (`memoryMiB`) and disk under the data directory.
 */
export class DockerCache extends SlipwayComponent {
    /** Host name on the data network ("redis"). */
    public readonly host: pulumi.Output<string>;
    /** TCP port on the data network (6379). */
    public readonly port: pulumi.Output<number>;
    /** The `requirepass` password (secret). */
    public readonly password: pulumi.Output<string>;
    /** `redis://:password@redis:6379/0` (secret). No TLS: the data network never leaves the host. */
    public readonly url: pulumi.Output<string>;
    /** The container's fixed name, `${stack}-redis`. */
    public readonly containerName: pulumi.Output<string>;

    constructor(name: string, args: DockerCacheArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = withComponent("Cache", name, () => normalizeDockerCacheArgs(name, args));
        super("Cache", name, opts);
        const host = a.host;
        const port = servicePorts.redis;
        const containerName = `${host.stack}-redis`;
        const onHost = (relative: string): string => posix.join(host.dataDir, relative);

        // Not protected: it lives only in redis.conf, so a new one is rewritten there and applied
        // by the restart below, and the apps pick the new URL up on their next deployment.
        const password = new random.RandomPassword(
            this.childName("password"),
            // Letters and digits only: URL-safe, and the health check reads it back without unescaping.
            { length: 64, special: false },
            this.childOpts(),
        );

        const conf = pulumi.secret(
            password.result.apply((pw) =>
                renderRedisConf({
                    // The container's only interfaces are loopback and the data network.
                    bind: ["0.0.0.0"],
                    port,
                    password: pw,
                    dir: redisContainerPaths.data,
                    memoryMiB: a.memoryMiB,
                    maxmemoryPolicy: a.maxmemoryPolicy,
                    snapshots: a.snapshotRetentionDays > 0,
                }),
            ),
        );
        const confFile = host.files.write(this, this.childName("conf"), { path: hostPaths.redisConf, content: conf, mode: "0600" });

        // Started as root, but only for a moment: the host file is 0600 and owned by whoever
        // writes it (the deploy user, an unknown uid), so root reads it (DAC_READ_SEARCH), copies
        // it onto a tmpfs for the redis user (CHOWN), and the image's entrypoint then chowns
        // /data and drops to redis, uid 999 (SETUID, SETGID). The server never runs as root, and
        // after the drop holds no capabilities.
        const start = [
            // Mode first, owner last: once the file is redis's, root (no FOWNER) may not chmod it.
            // GNU install -o … -m … chowns first and fails here; busybox's happens to chmod first.
            `install -m 0600 ${redisContainerPaths.mountedConf} ${redisContainerPaths.runningConf}`,
            `chown redis:redis ${redisContainerPaths.runningConf}`,
            `exec docker-entrypoint.sh redis-server ${redisContainerPaths.runningConf}`,
        ].join(" && ");

        const container = new docker.Container(
            this.childName("redis"),
            hardenedContainerArgs(host, {
                image: images.redis,
                name: containerName,
                memoryMiB: a.memoryMiB,
                component: "cache",
                healthcheck: { test: redisHealthcheck(port), intervalSeconds: 10, startPeriodSeconds: 30 },
                networks: [{ name: a.networks.data, aliases: [serviceAliases.redis] }],
                entrypoints: ["/bin/sh", "-c"],
                command: [start],
                volumes: [
                    { hostPath: onHost(hostPaths.redisData), containerPath: redisContainerPaths.data },
                    // A file mount is enough: a changed file is applied by a restart, which mounts it afresh.
                    { hostPath: onHost(hostPaths.redisConf), containerPath: redisContainerPaths.mountedConf, readOnly: true },
                ],
                readOnly: true,
                tmpfs: { [posix.dirname(redisContainerPaths.runningConf)]: "rw,nosuid,nodev,noexec,size=1m,mode=0755" },
                capAdd: ["CHOWN", "SETUID", "SETGID", "DAC_READ_SEARCH"],
                // redis-server as PID 1: the entrypoint drops to uid 999, which a root tini without
                // CAP_KILL cannot signal, so `docker stop` would kill it before its final save.
                init: false,
            }),
            // Fixed name: the old container must be gone before its replacement can take the name.
            this.childOpts({ provider: host.provider, deleteBeforeReplace: true, protect: a.protect, dependsOn: [confFile] }),
        );

        host.files.run(this, this.childName("restart"), {
            command: redisRestartScript({ container: containerName, runningConf: redisContainerPaths.runningConf, hostConf: onHost(hostPaths.redisConf) }),
            triggers: [contentHash(conf)],
            dependsOn: [container, confFile],
        });

        // Through the container (see DockerDatabase.host): clients are created after Redis exists.
        this.host = container.name.apply(() => serviceAliases.redis);
        this.port = pulumi.output(port);
        this.password = pulumi.secret(password.result);
        this.url = pulumi.secret(pulumi.all([password.result, container.name]).apply(([pw]) => `redis://:${encodeURIComponent(pw)}@${serviceAliases.redis}:${port}/0`));
        this.containerName = container.name;

        this.registerOutputs({
            host: this.host,
            port: this.port,
            password: this.password,
            url: this.url,
            containerName: this.containerName,
        });
    }
}
