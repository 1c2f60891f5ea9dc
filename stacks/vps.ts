import * as pulumi from "@pulumi/pulumi";
import { DropletHost } from "../components/host/digitalocean";
import type { SlipwayConfig } from "./config";
import { dockerPayload } from "./docker-payload";

/**
 * The vps target: one DigitalOcean droplet (reserved IP, DNS, protected data volume, cloud
 * firewall, hardened cloud-init, readiness gate) and the Docker payload driven over SSH.
 */
export function vpsStack(config: SlipwayConfig): Record<string, pulumi.Input<unknown>> {
    const stack = pulumi.getStack();
    const vps = config.vps ?? {};
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
        protect: config.production,
        tags: { project: pulumi.getProject(), stack, owner: config.owner ?? "unowned", environment: config.environment, ...config.tags },
    });
    const opts: pulumi.ComponentResourceOptions = { providers: [host.provider] };

    const payload = dockerPayload(config, {
        host: host.dockerHost(),
        appImage: config.app!.image!,
        // Let's Encrypt's staging issuer unless the stack says production: staging has no
        // rate limits to trip while a team iterates.
        tls: { mode: "letsencrypt", email: vps.acmeEmail!, staging: (vps.letsEncrypt ?? (config.production ? "production" : "staging")) !== "production" },
        publish: { http: 80, https: 443, ip: "0.0.0.0" },
        backupRepository: { kind: "spaces", region: vps.region ?? "nyc3" },
        opts,
    });

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
    };
}
