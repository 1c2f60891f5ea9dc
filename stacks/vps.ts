import * as pulumi from "@pulumi/pulumi";
import { DropletHost } from "../components/host/digitalocean";
import { dropletMemoryMiB } from "../components/host/droplet-sizes";
import { letsEncryptStagingRootsPem } from "../components/monitoring/letsencrypt-staging";
import { createUptimeCheck } from "../components/monitoring/uptime";
import type { SlipwayConfig } from "./config";
import { ConfigError } from "./config-errors";
import { dockerPayload } from "./docker-payload";
import { planPayloadMemory } from "./memory-budget";

/** The droplet size when `vps.size` is not set (DropletHost's own default). */
export const defaultDropletSize = "s-2vcpu-4gb";

/**
 * The vps target: one DigitalOcean droplet (reserved IP, DNS, protected data volume, cloud
 * firewall, hardened cloud-init, readiness gate) and the Docker payload driven over SSH.
 */
export function vpsStack(config: SlipwayConfig): Record<string, pulumi.Input<unknown>> {
    const stack = pulumi.getStack();
    const vps = config.vps ?? {};
    // Let's Encrypt's staging issuer unless the stack says production: staging has no
    // rate limits to trip while a team iterates.
    const staging = (vps.letsEncrypt ?? (config.production ? "production" : "staging")) !== "production";

    // The whole payload must fit in the droplet before anything is registered.
    const size = vps.size ?? defaultDropletSize;
    let sizeMiB: number;
    try {
        sizeMiB = dropletMemoryMiB(size);
    } catch (e) {
        throw new ConfigError(`${config.stackFile}: slipway:vps.size is ${JSON.stringify(size)}; expected ${(e as Error).message.replace(/^size "[^"]*" is not /, "")}`);
    }
    const memory = planPayloadMemory(config, { memoryMiB: sizeMiB, key: "slipway:vps.size", shown: size }, true);

    const host = new DropletHost("vps", {
        stack,
        region: vps.region,
        size: vps.size,
        image: vps.image,
        volumeSizeGb: vps.volumeSizeGb,
        swapGb: vps.swapGb,
        backups: vps.dropletBackups,
        sshPublicKeys: vps.sshPublicKeys,
        sshAllowedCidrs: vps.sshAllowedCidrs ?? [],
        domain: config.domain,
        dnsZone: vps.dnsZone,
        // The data volume is protected in every environment (policy data-volume-protected): it
        // holds every byte of state, and a destroy of the wrong stack must not take it.
        protect: true,
        tags: { project: pulumi.getProject(), stack, owner: config.owner ?? "unowned", environment: config.environment, ...config.tags },
    });
    const opts: pulumi.ComponentResourceOptions = { providers: [host.provider] };

    const payload = dockerPayload(config, {
        host: host.dockerHost(),
        appImage: config.app!.image!,
        tls: { mode: "letsencrypt", email: vps.acmeEmail!, staging },
        publish: { http: 80, https: 443, ip: "0.0.0.0" },
        backupRepository: { kind: "spaces", region: vps.region ?? "nyc3" },
        // A staging certificate chains to Let's Encrypt's staging roots, which no trust store
        // holds: the probes trust exactly those, or EndpointDown would fire forever and the
        // expiry alert could never see the certificate. Production keeps the system roots.
        probe: staging ? { caPem: letsEncryptStagingRootsPem } : undefined,
        memory,
        opts,
    });

    // Off the droplet: DigitalOcean's uptime check and alerts still notify when the droplet
    // (and the Prometheus and Alertmanager on it) is dead. config.ts made sure someone is named.
    const m = config.monitoring ?? {};
    createUptimeCheck(
        "monitoring-uptime",
        {
            domain: config.domain!,
            healthPath: config.app?.healthPath,
            emails: m.alarmEmails,
            slack: m.slackChannel !== undefined && config.alertSlackWebhookUrl !== undefined ? { channel: m.slackChannel, url: pulumi.secret(config.alertSlackWebhookUrl) } : undefined,
        },
        payload.monitoring,
    );

    return {
        url: payload.web.url,
        // What the deploy workflow reads: the image this update deployed (its rollback target
        // next time) and the network a one-off migration container joins to reach PostgreSQL.
        appImage: config.app!.image!,
        dataNetwork: payload.network.dataNetworkName,
        ipv4Address: host.ipv4Address,
        dataDir: host.dataDir,
        sshCommand: host.sshCommand,
        knownHostsLine: host.knownHostsLine,
        // Grafana, Prometheus and Alertmanager listen on the droplet's loopback only.
        monitoringTunnel: payload.monitoring.tunnelCommand(pulumi.interpolate`deploy@${host.ipv4Address}`),
        grafanaUrl: payload.monitoring.grafanaUrl,
        grafanaAdminPassword: payload.monitoring.grafanaAdminPassword,
        deployPrivateKey: host.deployPrivateKey,
        databasePassword: payload.database.password,
        databaseUrl: payload.database.connectionUrl,
        cacheUrl: payload.cache.url,
        backupRepository: payload.backups.repository,
        backupBucket: payload.backups.bucketName,
        resticPassword: payload.backups.resticPassword,
        pitrCipherPass: payload.backups.pitrCipherPass,
    };
}
