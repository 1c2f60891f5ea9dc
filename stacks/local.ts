import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { localHostFiles } from "../components/shared/host-files";
import type { SlipwayConfig } from "./config";
import { dockerPayload } from "./docker-payload";
import { planPayloadMemory } from "./memory-budget";

/** Memory the local payload plans for when `local.memoryMiB` is not set: the default droplet's. */
export const defaultLocalMemoryMiB = 4096;

/** `~/x` → the home directory; relative paths are not accepted by the schema. */
export function expandHome(path: string): string {
    return path.startsWith("~/") ? join(homedir(), path.slice(2)) : path;
}

/**
 * The local target: the vps payload on this machine's Docker daemon. The app image is built
 * from app/, TLS is self-signed, the edge publishes on loopback only, and backups go to a
 * restic repository under the data directory.
 */
export function localStack(config: SlipwayConfig): Record<string, pulumi.Input<unknown>> {
    const stack = pulumi.getStack();
    const dataDir = expandHome(config.local?.dataDir ?? `~/.slipway/${stack}`);
    // A fixed figure, not this machine's memory: the plan is the same wherever it runs.
    const memoryMiB = config.local?.memoryMiB ?? defaultLocalMemoryMiB;
    const memory = planPayloadMemory(config, { memoryMiB, key: "slipway:local.memoryMiB", shown: String(memoryMiB) }, false);
    const provider = new docker.Provider("docker-local", {});
    const opts: pulumi.ComponentResourceOptions = { providers: [provider] };

    // Built locally and never pushed; the replicas run the image by its content digest.
    const appImage = new docker.Image(
        "app-image",
        {
            imageName: `slipway-app:${stack}`,
            // The host's identity, as every image built on a host carries it (follows-host-instance).
            build: { context: resolve(__dirname, "..", "app"), platform: "linux/amd64", args: { SLIPWAY_HOST_INSTANCE: "local" } },
            skipPush: true,
        },
        { provider },
    );

    const httpPort = config.local?.httpPort ?? 8080;
    const httpsPort = config.local?.httpsPort ?? 8443;
    const payload = dockerPayload(config, {
        host: { provider, stack, instanceId: "local", dataDir, files: localHostFiles(dataDir), memoryMiB },
        appImage: appImage.repoDigest,
        tls: { mode: "self-signed" },
        publish: { http: httpPort, https: httpsPort, ip: "127.0.0.1" },
        backupRepository: { kind: "local" },
        // *.localhost resolves to the container itself inside Docker: probe the edge by its
        // alias, trusting the self-signed certificate for this probe only.
        probe: { url: "https://edge:443/health", tlsAddress: "edge:443", serverName: config.domain ?? "app.localhost", insecureSkipVerify: true },
        // The data directory is a plain directory on the root filesystem here.
        dataMountpoint: "/",
        memory,
        opts,
    });

    return {
        url: payload.web.url,
        dataDir,
        grafanaUrl: payload.monitoring.grafanaUrl,
        prometheusUrl: payload.monitoring.prometheusUrl,
        grafanaAdminPassword: payload.monitoring.grafanaAdminPassword,
        databasePassword: payload.database.password,
        databaseUrl: payload.database.connectionUrl,
        cacheUrl: payload.cache.url,
        backupRepository: payload.backups.repository,
        resticPassword: payload.backups.resticPassword,
        pitrCipherPass: payload.backups.pitrCipherPass,
    };
}
