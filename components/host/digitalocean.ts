import * as command from "@pulumi/command";
import * as digitalocean from "@pulumi/digitalocean";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { doTags } from "./tags";
import * as tls from "@pulumi/tls";
import { SlipwayComponent } from "../shared/component";
import type { DockerHost } from "../shared/docker";
import { type HostFiles, sshHostFiles } from "../shared/host-files";
import { hostPaths } from "../shared/images";
import { physicalName } from "../shared/naming";
import { renderCloudInit } from "./cloud-init";
import { dnsRecordName } from "./dns-record";
import { dropletMemoryMiB } from "./droplet-sizes";
import { inboundRules, outboundRules } from "./firewall-rules";
import { type HostArgs, type NormalizedHostArgs, normalizeHostArgs } from "./index";
import { readinessScript, sshWaitEnv, waitForSshScript } from "./readiness";
import { authorizedKeysFile, authorizedKeysScript, deployUser, knownHostsLine, sshClientOptions, sshCommandLine } from "./ssh";
import { argError, withComponent } from "../shared/errors";

export interface DropletHostArgs extends HostArgs {
    /**
     * Tags for the droplet and the volume (DigitalOcean has no provider default tags), written
     * as `key:value`.
     * @default {}
     * @example
     * ```ts
     * { tags: { project: "slipway", stack: "dev", owner: "platform-team" } }
     * ```
     */
    tags?: Record<string, string>;
    /**
     * The Pulumi stack name: container names and labels carry it.
     * @default required
     * @example
     * ```ts
     * { stack: pulumi.getStack() }
     * ```
     */
    stack: string;
    /**
     * The app's public host name. With `dnsZone`, an A record points it at the reserved IP;
     * without, point it yourself at `ipv4Address`.
     * @default no DNS record
     * @example
     * ```ts
     * { domain: "app.example.com", dnsZone: "example.com" }
     * ```
     */
    domain?: string;
    /**
     * A domain managed in this DigitalOcean account that contains `domain`; the A record
     * (TTL 300) is created in it.
     * @default no DNS record
     * @example
     * ```ts
     * { domain: "dev.example.com", dnsZone: "example.com" }
     * ```
     */
    dnsZone?: string;
    /**
     * Protect the data volume from `pulumi destroy` and replacement.
     * @default true
     * @example
     * ```ts
     * { protect: false } // throwaway review stacks only
     * ```
     */
    protect?: boolean;
    /**
     * Private range of the droplet's VPC (a /16 to /24 in RFC 1918 space, not overlapping
     * another VPC of the account).
     * @default chosen by DigitalOcean
     * @example
     * ```ts
     * { vpcIpRange: "10.42.0.0/24" }
     * ```
     */
    vpcIpRange?: string;
    /**
     * Answer ICMP (ping) from anywhere. Off keeps the firewall to exactly 80, 443 and SSH.
     * @default false
     * @example
     * ```ts
     * { allowPing: true }
     * ```
     */
    allowPing?: boolean;
    /**
     * A private key file on the machine running Pulumi that the Docker provider's `ssh` uses
     * (`-i`, with `IdentitiesOnly`). Without it, ssh uses your agent and default keys. Slipway never
     * writes a key to disk itself; to use the generated deploy key, save it yourself:
     * `pulumi stack output deployPrivateKey --show-secrets > ~/.ssh/slipway-dev && chmod 600 ~/.ssh/slipway-dev`.
     * @default your SSH agent and default identities
     * @example
     * ```ts
     * { sshIdentityFile: "~/.ssh/id_ed25519" }
     * ```
     */
    sshIdentityFile?: string;
}

export type NormalizedDropletHostArgs = NormalizedHostArgs & {
    stack: string;
    domain?: string;
    dnsZone?: string;
    /** The A record's name inside `dnsZone` (`@` for the apex), when a record is made. */
    dnsRecordName?: string;
    protect: boolean;
    vpcIpRange?: string;
    allowPing: boolean;
    sshIdentityFile?: string;
    memoryMiB: number;
};

/** Applies the neutral defaults plus the DigitalOcean ones, and checks them. */
export function normalizeDropletHostArgs(name: string, args: DropletHostArgs): NormalizedDropletHostArgs {
    const { stack, domain, dnsZone, protect, vpcIpRange, allowPing, sshIdentityFile, ...neutral } = args ?? ({} as DropletHostArgs);
    const where = `the ${name} droplet`;
    if (!stack) throw argError("stack", undefined, "the stack name: { stack: pulumi.getStack() }", { where });
    const a = normalizeHostArgs(name, neutral);
    if (dnsZone && !domain) throw argError("domain", domain, `a name inside dnsZone ${JSON.stringify(dnsZone)} (e.g. "app.${dnsZone}"), or drop dnsZone`, { where });
    if (vpcIpRange !== undefined && !/^(10|172|192)\.\d{1,3}\.\d{1,3}\.\d{1,3}\/(1[6-9]|2[0-4])$/.test(vpcIpRange)) {
        throw argError("vpcIpRange", vpcIpRange, `a private IPv4 CIDR from /16 to /24, e.g. "10.42.0.0/24"`, { where });
    }
    if (sshIdentityFile !== undefined && !/^(~\/|\/)[^\s'"]+$/.test(sshIdentityFile)) {
        throw argError("sshIdentityFile", sshIdentityFile, "an absolute path or one that starts with ~/, without spaces or quotes", { where });
    }
    return {
        ...a,
        stack,
        domain,
        dnsZone,
        dnsRecordName: dnsZone && domain ? dnsRecordName(domain, dnsZone) : undefined,
        protect: protect ?? true,
        vpcIpRange,
        allowPing: allowPing ?? false,
        sshIdentityFile,
        memoryMiB: dropletMemoryMiB(a.size),
    };
}

/** Fixed layout and timings of the droplet host. */
export const dropletHostSettings = {
    /** The data volume's mount point; every rendered file and bind mount lives under it. */
    dataDir: "/mnt/slipway",
    /** DigitalOcean's stable device path of a volume, by name. */
    volumeDevicePrefix: "/dev/disk/by-id/scsi-0DO_Volume_",
    volumeLabel: "slipway-data",
    /** The bootstrap waits this long for the volume attachment. */
    volumeWaitSeconds: 600,
    /** The SSH wait gives a new droplet this long to answer. */
    sshWaitSeconds: 600,
    /** Unattended-upgrades reboots (when a fix needs it) at this UTC time, clear of the backup window. */
    automaticRebootTime: "04:30",
    /** Weekly droplet backups (20% of the size's price; daily costs 30%), Sunday from 08:00 UTC. */
    backupPolicy: { plan: "weekly", weekday: "SUN", hour: 8 },
    dnsTtlSeconds: 300,
    /** DigitalOcean volume names: lowercase, start with a letter, at most 64 characters. */
    volumeNameMax: 64,
    hostnameMax: 63,
} as const;

/** The top-level directories of the data layout, created for the deploy user by the readiness gate. */
export const dataSubdirs = [...new Set(Object.values(hostPaths).map((p) => p.split("/")[0]))].sort();

const privateKeyOutputs = ["privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8"];

/**
 * One DigitalOcean droplet ready for the Docker payload, built in the order that makes it safe:
 * reserved IP → DNS record → data volume (protected) → firewall (by tag, so it applies from the
 * droplet's first boot) → droplet (cloud-init: deploy user in the docker group, Docker with log
 * rotation, volume mount, sshd hardening, pinned host key) → IP and volume attachments → a
 * readiness gate over SSH → people's SSH keys → a `docker.Provider` that cannot be configured
 * before both passed. Cloud-init holds only what first boot needs: a change to it rebuilds the
 * droplet (the data volume and the host key survive; containers are recreated on the new one).
 *
 * Access: a generated ED25519 deploy key (a secret output) authenticates Pulumi's own SSH
 * commands; the host's ED25519 key is generated too and installed by cloud-init, so a rebuilt
 * droplet keeps its identity and `knownHostsLine` stays valid. The Docker provider runs the
 * system `ssh` client, which can only take a key from a file or an agent: it uses your agent
 * or default keys (or `sshIdentityFile`), and trusts exactly the pinned host key.
 *
 * ## Cost
 * The droplet size (s-2vcpu-4gb: $24/month) plus 20% with `backups`; the volume at $0.10 per
 * GiB-month ($5 for 50 GiB). The reserved IP is free while assigned; VPC, firewall, DNS and
 * monitoring are free; outbound transfer beyond the size's allowance is billed per GiB.
 */
export class DropletHost extends SlipwayComponent {
    /** The reserved IPv4 address: stable across droplet rebuilds, the DNS record's target. */
    public readonly ipv4Address: pulumi.Output<string>;
    /** The droplet's id. */
    public readonly dropletId: pulumi.Output<string>;
    /** The droplet's id, as the `host.instance` container label (a rebuilt droplet recreates containers). */
    public readonly instanceId: pulumi.Output<string>;
    /** The data volume's mount point. */
    public readonly dataDir: string;
    /** The generated deploy key, OpenSSH format (secret). */
    public readonly deployPrivateKey: pulumi.Output<string>;
    /** `<ip> ssh-ed25519 AAAA…`: the pinned host key, for `~/.ssh/known_hosts`. */
    public readonly knownHostsLine: pulumi.Output<string>;
    /** An `ssh` command line that logs in as the deploy user with the host key pinned. */
    public readonly sshCommand: pulumi.Output<string>;
    /** The Docker provider for this droplet (ssh://deploy@ip), configured only after the gate. */
    public readonly provider: docker.Provider;
    /** SSH connection for `@pulumi/command` remote commands on this droplet (deploy key, secret). */
    public readonly connection: command.types.input.remote.ConnectionArgs;
    /** The droplet's memory in MiB, from its size slug. */
    public readonly memoryMiB: number;
    /** Writes rendered files under `dataDir` and runs host commands, after the gate. */
    public readonly hostFiles: HostFiles;
    /** The readiness gate: depend on it for anything that needs the host up. */
    public readonly ready: command.remote.Command;
    /** The stack name given. */
    public readonly stack: string;

    constructor(name: string, args: DropletHostArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before anything registers: bad args must not leave half a component.
        const a = withComponent("Host", name, () => normalizeDropletHostArgs(name, args));
        super("Host", name, opts);
        const s = dropletHostSettings;
        this.stack = a.stack;
        this.dataDir = s.dataDir;
        this.memoryMiB = a.memoryMiB;

        const deployKey = new tls.PrivateKey(this.childName("deploy-key"), { algorithm: "ED25519" }, this.childOpts({ additionalSecretOutputs: privateKeyOutputs }));
        const hostKey = new tls.PrivateKey(this.childName("host-key"), { algorithm: "ED25519" }, this.childOpts({ additionalSecretOutputs: privateKeyOutputs }));
        const deployPublicKey = deployKey.publicKeyOpenssh.apply((k) => k.trim());

        // Registered with DigitalOcean only so the droplet is created with a key: without one, DO
        // sets a root password and emails it. DO puts the key in root's authorized_keys, where
        // cloud-init's disable_root blocks it and sshd refuses root anyway (PermitRootLogin no).
        const sshKey = new digitalocean.SshKey(
            this.childName("deploy-ssh-key"),
            { name: physicalName(`${name}-deploy`, 255), publicKey: deployPublicKey },
            this.childOpts(),
        );

        const vpc = new digitalocean.Vpc(
            this.childName("vpc"),
            { name: physicalName(name, 64), region: a.region, ipRange: a.vpcIpRange, description: `Slipway ${a.stack}: ${name} host` },
            this.childOpts(),
        );

        const reservedIp = new digitalocean.ReservedIp(this.childName("ip"), { region: a.region }, this.childOpts());
        this.ipv4Address = reservedIp.ipAddress;

        const dns = a.dnsZone && a.dnsRecordName
            ? new digitalocean.DnsRecord(
                  this.childName("dns"),
                  { domain: a.dnsZone, type: "A", name: a.dnsRecordName, value: reservedIp.ipAddress, ttl: s.dnsTtlSeconds },
                  this.childOpts(),
              )
            : undefined;

        // The volume holds every byte of state. Its logical name must never change (that would
        // replace it); `protect` refuses deletion. No retainOnDelete: an unprotected stack is meant
        // to be thrown away, and a retained volume would block its name and bill on.
        const volumeName = physicalName(`${name}-data`, s.volumeNameMax);
        const volume = new digitalocean.Volume(
            this.childName("data"),
            {
                name: volumeName,
                region: a.region,
                size: a.volumeSizeGb,
                initialFilesystemType: "ext4",
                initialFilesystemLabel: s.volumeLabel,
                description: `Slipway ${a.stack}: ${name} data (PostgreSQL, Redis, Prometheus, certificates, config)`,
                tags: doTags(args.tags ?? {}),
            },
            this.childOpts({ protect: a.protect }),
        );

        // The firewall targets a tag the droplet is created with, so it filters from the first boot;
        // with droplet ids it could only attach after the droplet exists, leaving it open meanwhile.
        const tag = new digitalocean.Tag(this.childName("tag"), { name: physicalName(`${name}-host`, 255) }, this.childOpts());
        const firewall = new digitalocean.Firewall(
            this.childName("firewall"),
            {
                name: physicalName(name, 255),
                tags: [tag.name],
                inboundRules: inboundRules({ sshAllowedCidrs: a.sshAllowedCidrs, allowPing: a.allowPing }),
                outboundRules: outboundRules(),
            },
            this.childOpts(),
        );

        // The user data carries the host's private key, so it is a secret end to end. DigitalOcean's
        // metadata service serves it only to the droplet itself (link-local, not across the VPC), and
        // it is the only way to pin the host key before first boot. The policy rule against secrets
        // in user data is about literals written into code, not a generated key kept secret.
        const userData = pulumi.secret(
            pulumi.all([deployPublicKey, hostKey.privateKeyOpenssh, hostKey.publicKeyOpenssh]).apply(([deployPub, hostPrivate, hostPublic]) =>
                renderCloudInit({
                    user: deployUser,
                    // The deploy key only: people's keys follow after the gate (see authorized-keys below).
                    authorizedKeys: [deployPub],
                    hostKey: { privateKeyOpenssh: hostPrivate, publicKeyOpenssh: hostPublic },
                    dataDir: s.dataDir,
                    volumeDevice: `${s.volumeDevicePrefix}${volumeName}`,
                    volumeLabel: s.volumeLabel,
                    volumeWaitSeconds: s.volumeWaitSeconds,
                    swapGb: a.swapGb,
                    automaticRebootTime: s.automaticRebootTime,
                }),
            ),
        );

        // Delete-before-replace: a rebuild shuts the old droplet down gracefully (flushing the
        // volume) and detaches the volume before the new one boots, instead of yanking a mounted
        // volume from a running database. A rebuild is downtime on one host either way.
        const droplet = new digitalocean.Droplet(
            this.childName("droplet"),
            {
                name: physicalName(name, s.hostnameMax),
                size: a.size,
                region: a.region,
                image: a.image,
                vpcUuid: vpc.id,
                ipv6: true,
                monitoring: true,
                backups: a.backups,
                backupPolicy: a.backups ? { ...s.backupPolicy } : undefined,
                sshKeys: [sshKey.id],
                userData,
                gracefulShutdown: true,
                tags: [tag.name, ...doTags(args.tags ?? {})],
            },
            this.childOpts({ dependsOn: [reservedIp, ...(dns ? [dns] : []), volume, firewall], deleteBeforeReplace: true }),
        );
        this.dropletId = droplet.id;
        this.instanceId = droplet.id;
        const dropletNumber = droplet.id.apply((id) => parseInt(id, 10));

        // Both attachments are delete-before-replace: a reserved IP or a volume belongs to one
        // droplet at a time, so the old attachment must go before the new one is made.
        const ipAssignment = new digitalocean.ReservedIpAssignment(
            this.childName("ip-assignment"),
            { ipAddress: reservedIp.ipAddress, dropletId: dropletNumber },
            this.childOpts({ deleteBeforeReplace: true }),
        );
        const volumeAttachment = new digitalocean.VolumeAttachment(
            this.childName("data-attachment"),
            { dropletId: dropletNumber, volumeId: volume.id },
            this.childOpts({ deleteBeforeReplace: true }),
        );

        this.deployPrivateKey = pulumi.secret(deployKey.privateKeyOpenssh);
        this.knownHostsLine = pulumi.all([reservedIp.ipAddress, hostKey.publicKeyOpenssh]).apply(([ip, key]) => knownHostsLine(ip, key));
        this.sshCommand = pulumi
            .all([reservedIp.ipAddress, this.knownHostsLine])
            .apply(([ip, line]) => sshCommandLine(ip, { knownHostsLine: line, identityFile: a.sshIdentityFile }));
        // The pinned host key, verified on every connection (golang.org/x/crypto/ssh FixedHostKey,
        // @pulumi/command ≥ 1.1): the database password, the TLS key, redis.conf and the alert
        // URLs cross this connection, so it must never talk to a machine that is not our droplet.
        // Without `hostKey` the provider would accept any host key (InsecureIgnoreHostKey).
        this.connection = {
            host: reservedIp.ipAddress,
            port: 22,
            user: deployUser,
            privateKey: this.deployPrivateKey,
            hostKey: hostKey.publicKeyOpenssh.apply((k) => k.trim()),
        };

        const settledFirst: pulumi.Resource[] = [ipAssignment, volumeAttachment, firewall];
        // Re-run both waits whenever the machine behind the (unchanged) address changes.
        const rebuilt = [droplet.id, ipAssignment.id, volumeAttachment.id];
        const sshWait = new command.local.Command(
            this.childName("ssh-wait"),
            {
                create: waitForSshScript(),
                interpreter: ["node", "-e"],
                environment: {
                    [sshWaitEnv.host]: reservedIp.ipAddress,
                    [sshWaitEnv.port]: "22",
                    [sshWaitEnv.timeoutSeconds]: String(s.sshWaitSeconds),
                },
                triggers: rebuilt,
            },
            this.childOpts({ dependsOn: settledFirst }),
        );
        this.ready = new command.remote.Command(
            this.childName("ready"),
            { connection: this.connection, create: readinessScript({ dataDir: s.dataDir, dataSubdirs }), triggers: rebuilt },
            this.childOpts({ dependsOn: [...settledFirst, sshWait] }),
        );

        // People's keys (sshPublicKeys), with the deploy key kept first. Here and not in cloud-init,
        // because a cloud-init change rebuilds the droplet; re-run on a rebuild, whose cloud-init
        // only installs the deploy key.
        const authorizedKeys = new command.remote.Command(
            this.childName("authorized-keys"),
            {
                connection: this.connection,
                create: deployPublicKey.apply(authorizedKeysScript),
                stdin: deployPublicKey.apply((k) => authorizedKeysFile(k, a.sshPublicKeys)),
                triggers: rebuilt,
            },
            this.childOpts({ dependsOn: [this.ready] }),
        );

        // Providers ignore dependsOn: the engine configures a provider as soon as its inputs are
        // known. Deriving `host` from the gate's stdout (and the key installation's, since the
        // provider logs in with a person's key) makes them data dependencies, so no container is
        // created (or even diffed against a live daemon) before the host passed the gate.
        const hostUrl = pulumi.interpolate`ssh://${deployUser}@${reservedIp.ipAddress}`;
        this.provider = new docker.Provider(
            this.childName("docker"),
            {
                host: pulumi.all([this.ready.stdout, authorizedKeys.stdout]).apply(() => hostUrl),
                sshOpts: this.knownHostsLine.apply((line) => sshClientOptions({ knownHostsLine: line, identityFile: a.sshIdentityFile })),
            },
            this.childOpts(),
        );

        this.hostFiles = sshHostFiles(s.dataDir, this.connection, this.ready);

        if (a.sshPublicKeys.length === 0 && !a.sshIdentityFile) {
            pulumi.log.warn(
                `${name}: no sshPublicKeys and no sshIdentityFile, so the Docker provider's ssh can only log in once the generated deploy key is in your agent. ` +
                    "Add your own public key to sshPublicKeys (recommended), or after the first run: " +
                    "`pulumi stack output deployPrivateKey --show-secrets | ssh-add -`.",
                this,
            );
        }

        this.registerOutputs({
            ipv4Address: this.ipv4Address,
            dropletId: this.dropletId,
            instanceId: this.instanceId,
            dataDir: this.dataDir,
            deployPrivateKey: this.deployPrivateKey,
            knownHostsLine: this.knownHostsLine,
            sshCommand: this.sshCommand,
            memoryMiB: this.memoryMiB,
        });
    }

    /** The `DockerHost` every Docker component takes, for this droplet. */
    public dockerHost(networks?: DockerHost["networks"]): DockerHost {
        return {
            provider: this.provider,
            stack: this.stack,
            instanceId: this.instanceId,
            dataDir: this.dataDir,
            files: this.hostFiles,
            memoryMiB: this.memoryMiB,
            networks,
        };
    }
}
