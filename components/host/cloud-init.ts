import { posix } from "node:path";
import { stringify } from "yaml";
import { containerLogOptions } from "../shared/docker";
import { shellQuote } from "../shared/host-files";
import { minRsaBits, pubkeyAcceptedAlgorithms, userKeyProblem } from "./ssh-keys";
import { argError } from "../shared/errors";

/** Everything the droplet's first boot needs; every path and name is an option. */
export interface CloudInitOptions {
    /** The account that deploys: docker group, no sudo, key-only. */
    user: string;
    /** OpenSSH public key lines allowed to log in as `user`. */
    authorizedKeys: string[];
    /** The pinned SSH host key, so a rebuilt droplet keeps its identity. */
    hostKey: { privateKeyOpenssh: string; publicKeyOpenssh: string };
    /** Where the data volume is mounted (`/mnt/slipway`). */
    dataDir: string;
    /** The volume's stable device path (`/dev/disk/by-id/scsi-0DO_Volume_<name>` on DigitalOcean). */
    volumeDevice: string;
    /** Label given if the volume has to be formatted here (ext4 labels: at most 16 characters). */
    volumeLabel: string;
    /** How long to wait for the volume to be attached (it is attached after the droplet boots). */
    volumeWaitSeconds: number;
    /** Swap file size in GiB; 0 for none. */
    swapGb: number;
    /** Reboot for kernel/libc security updates at this UTC time ("HH:MM"), or never. */
    automaticRebootTime: string | false;
    /** Container log rotation as Docker daemon defaults. */
    dockerLogOptions?: { "max-size": string; "max-file": string };
}

/** Where the rendered files go on the host (exported for tests and the artifact checks). */
export const cloudInitPaths = {
    dockerDaemon: "/etc/docker/daemon.json",
    sshd: "/etc/ssh/sshd_config.d/50-slipway.conf",
    unattendedUpgrades: "/etc/apt/apt.conf.d/52slipway-unattended-upgrades",
    sysctl: "/etc/sysctl.d/60-slipway.conf",
    dockerDropIn: "/etc/systemd/system/docker.service.d/10-slipway-data.conf",
    bootstrap: "/usr/local/sbin/slipway-bootstrap",
    metadataBlock: "/usr/local/sbin/slipway-metadata-block",
    metadataBlockUnit: "/etc/systemd/system/slipway-metadata-block.service",
    swapFile: "/swapfile",
} as const;

const unixName = /^[a-z_][a-z0-9_-]{0,31}$/;
const safePath = /^\/[A-Za-z0-9._/-]+$/;

function check(o: CloudInitOptions): void {
    if (!unixName.test(o.user)) throw argError("user", o.user, "a Unix user name (a lowercase letter or _, then up to 31 lowercase letters, digits, _ or -)", { where: "cloud-init" });
    if (!safePath.test(o.dataDir) || posix.normalize(o.dataDir) !== o.dataDir || o.dataDir === "/") {
        throw argError("dataDir", o.dataDir, "a normalised absolute path other than / (letters, digits, . _ - /)", { where: "cloud-init" });
    }
    if (!safePath.test(o.volumeDevice)) throw argError("volumeDevice", o.volumeDevice, "an absolute device path", { where: "cloud-init" });
    if (!/^[A-Za-z0-9_-]{1,16}$/.test(o.volumeLabel)) throw argError("volumeLabel", o.volumeLabel, "1–16 letters, digits, _ or -", { where: "cloud-init" });
    if (!Number.isInteger(o.volumeWaitSeconds) || o.volumeWaitSeconds < 1) throw argError("volumeWaitSeconds", o.volumeWaitSeconds, "a positive whole number of seconds", { where: "cloud-init" });
    if (!Number.isInteger(o.swapGb) || o.swapGb < 0 || o.swapGb > 64) throw argError("swapGb", o.swapGb, "a whole number of GiB from 0 (no swap) to 64", { where: "cloud-init" });
    if (o.automaticRebootTime !== false && !/^([01]\d|2[0-3]):[0-5]\d$/.test(o.automaticRebootTime)) {
        throw argError("automaticRebootTime", o.automaticRebootTime, "HH:MM (UTC) or false", { where: "cloud-init" });
    }
    if (o.authorizedKeys.length === 0) throw argError("authorizedKeys", o.authorizedKeys, `at least one key, or nobody could log in as ${o.user}`, { where: "cloud-init" });
    for (const k of o.authorizedKeys) {
        // The key types sshd's PubkeyAcceptedAlgorithms accepts (./ssh-keys.ts); a refused key would lock its owner out.
        const problem = /[\r\n]/.test(k.trim()) ? `"${k.slice(0, 40)}…" is not a single OpenSSH public key line.` : userKeyProblem(k);
        if (problem) throw argError("authorizedKeys", `${k.slice(0, 40)}…`, `OpenSSH public key lines sshd accepts (${problem.replace(/\.$/, "")})`, { where: "cloud-init" });
    }
}

/**
 * Docker daemon defaults: rotated json-file logs (the default driver grows without bound),
 * containers survive a daemon restart or upgrade (`live-restore`), published ports go through
 * iptables rather than a userland proxy process per port, and no container gains privileges
 * through setuid binaries.
 */
export function dockerDaemonConfig(log: { "max-size": string; "max-file": string } = containerLogOptions): Record<string, unknown> {
    return {
        "log-driver": "json-file",
        "log-opts": { ...log },
        "live-restore": true,
        "userland-proxy": false,
        "no-new-privileges": true,
    };
}

/**
 * The SSH algorithms, per ssh-audit's Ubuntu 24.04 server guide (2025-09 revision) as far as
 * the droplet's OpenSSH 9.6 and our clients allow:
 * - key exchange: the post-quantum hybrid sntrup761 first (OpenSSH ≥ 8.5; mlkem768x25519-sha256
 *   needs 9.9, and sshd refuses to start on a name it does not know, so it is not listed), then
 *   Curve25519 (what Go's x/crypto, inside @pulumi/command, negotiates), then the 4096/8192-bit
 *   fixed DH groups. No NIST ECDH. `diffie-hellman-group-exchange-sha256` is left out: it would
 *   need /etc/ssh/moduli pruned below 3072 bits and none of our clients needs it. No GSSAPI.
 * - ciphers: AEAD and CTR only (CTR always paired with an encrypt-then-MAC below); no CBC.
 * - MACs: encrypt-then-MAC only, no SHA-1, no 64-bit tags (umac-64).
 * - host key: the one pinned Ed25519 key; user keys: exactly ./ssh-keys.ts's table.
 */
export const sshAlgorithms = {
    KexAlgorithms: [
        "sntrup761x25519-sha512@openssh.com",
        "curve25519-sha256",
        "curve25519-sha256@libssh.org",
        "diffie-hellman-group18-sha512",
        "diffie-hellman-group16-sha512",
    ],
    Ciphers: ["chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com", "aes256-ctr", "aes192-ctr", "aes128-gcm@openssh.com", "aes128-ctr"],
    MACs: ["hmac-sha2-512-etm@openssh.com", "hmac-sha2-256-etm@openssh.com", "umac-128-etm@openssh.com"],
    HostKeyAlgorithms: ["ssh-ed25519"],
    PubkeyAcceptedAlgorithms: pubkeyAcceptedAlgorithms,
} as const satisfies Record<string, readonly string[]>;

/**
 * sshd hardening. sshd keeps the FIRST value it reads for a keyword and reads
 * sshd_config.d/*.conf in order at the top of sshd_config, so this file (50-) wins over the
 * image's 60-cloudimg-settings.conf and the main file (OpenSSH ≥ 9.5 also takes the first
 * `Subsystem sftp`, so ours replaces the main file's; 9.2 would refuse the duplicate).
 * Root cannot log in at all; only `user` can, with a key and nothing else. Local forwarding
 * stays allowed so operators can `ssh -L` to the loopback-only admin UIs (Grafana,
 * Prometheus); remote, agent, Unix-socket and X11 forwarding are off.
 *
 * Throttling: at most 10 unauthenticated connections (then dropped at random, all refused at
 * 60), 10 of them from one source (an IPv4 address or an IPv6 /64). Not lower: the Docker
 * provider opens one SSH connection per Docker API call (`docker system dial-stdio`), so a
 * `pulumi up` bursts several from the same address. Dead sessions are cut after 3 unanswered
 * keepalives a minute apart. `LogLevel VERBOSE` logs the fingerprint of the key that logged
 * in; sftp (nothing of ours uses it) runs in-process and logs to AUTHPRIV.
 */
export function sshdConfig(user: string): string {
    return [
        "# Slipway: key-only SSH for the deploy user; managed by cloud-init, replaced on rebuild.",
        "HostKey /etc/ssh/ssh_host_ed25519_key",
        ...Object.entries(sshAlgorithms).map(([keyword, list]) => `${keyword} ${list.join(",")}`),
        `RequiredRSASize ${minRsaBits}`,
        "AuthenticationMethods publickey",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin no",
        `AllowUsers ${user}`,
        "AuthorizedKeysFile .ssh/authorized_keys",
        "MaxAuthTries 3",
        "LoginGraceTime 30",
        "MaxStartups 10:30:60",
        "PerSourceMaxStartups 10",
        "PerSourceNetBlockSize 32:64",
        "ClientAliveInterval 60",
        "ClientAliveCountMax 3",
        "LogLevel VERBOSE",
        "X11Forwarding no",
        "AllowAgentForwarding no",
        "AllowTcpForwarding local",
        "AllowStreamLocalForwarding no",
        "PermitTunnel no",
        "Subsystem sftp internal-sftp -f AUTHPRIV -l INFO",
        "",
    ].join("\n");
}

/**
 * Kernel settings. Swap is for bursts; keep the working set in RAM. Docker makes the host a
 * router (ip_forward for its bridges), and a router sends ICMP redirects by default and, on an
 * interface that does not forward, accepts them: a container or a neighbour on the VPC could
 * then steer the host's routes. None sent, none accepted, on every interface: the `*` glob
 * covers `all`, `default` (interfaces created later: Docker's bridges and veths) and the
 * interfaces that exist when it is applied (procps ≥ 3.3.17 and systemd-sysctl expand it;
 * systemd's udev rule applies it again to each new interface).
 */
export function sysctlConfig(): string {
    return [
        "# Slipway: managed by cloud-init.",
        "vm.swappiness = 10",
        "net.ipv4.conf.*.send_redirects = 0",
        "net.ipv4.conf.*.accept_redirects = 0",
        "net.ipv4.conf.*.secure_redirects = 0",
        "net.ipv6.conf.*.accept_redirects = 0",
        "",
    ].join("\n");
}

/** The droplet metadata service: it serves the user data, which holds the SSH host private key. */
export const metadataAddress = "169.254.169.254";

/**
 * The iptables rule (arguments after the chain) that stops containers reaching the metadata
 * service. DOCKER-USER sees only forwarded traffic, i.e. containers on Docker's bridges (the
 * host's own processes go through OUTPUT, untouched). REJECT rather than DROP: a container that
 * tries gets "connection refused" at once instead of hanging.
 */
export const metadataBlockRule = ["-d", `${metadataAddress}/32`, "-j", "REJECT", "--reject-with", "icmp-port-unreachable"] as const;

/**
 * Inserts the metadata rule into DOCKER-USER, once (`-C` before `-I`), so it can run after
 * every Docker start. Docker creates DOCKER-USER and jumps to it from FORWARD when it starts
 * and leaves its rules alone; creating the chain here too (if missing) is harmless.
 */
export function metadataBlockScript(): string {
    const rule = metadataBlockRule.join(" ");
    return [
        "#!/bin/sh",
        "# Slipway: containers may not reach the droplet metadata service (it serves the user data,",
        "# which holds the SSH host private key). Idempotent; run by slipway-metadata-block.service.",
        "set -eu",
        "iptables -w 10 -N DOCKER-USER 2>/dev/null || true",
        `if ! iptables -w 10 -C DOCKER-USER ${rule} 2>/dev/null; then`,
        `    iptables -w 10 -I DOCKER-USER 1 ${rule}`,
        "fi",
        "",
    ].join("\n");
}

/**
 * Runs the metadata block after Docker has started, and again after every Docker restart:
 * `PartOf` stops it with Docker, `WantedBy` starts it again with Docker.
 */
export function metadataBlockUnit(): string {
    return [
        "[Unit]",
        "Description=Slipway: containers may not reach the droplet metadata service",
        "After=docker.service",
        "PartOf=docker.service",
        "",
        "[Service]",
        "Type=oneshot",
        "RemainAfterExit=yes",
        `ExecStart=${cloudInitPaths.metadataBlock}`,
        "",
        "[Install]",
        "WantedBy=docker.service",
        "",
    ].join("\n");
}

/**
 * Unattended upgrades: the security pockets, and the `-updates` pocket, because Ubuntu 24.04's
 * docker.io, containerd and runc are universe packages whose fixes (including security ones)
 * ship there as new upstream releases; a security-only policy would leave the engine as the
 * image had it. unattended-upgrades cannot limit a pocket to some packages, so `-updates`
 * brings the other stable-release updates too (reviewed bug fixes, what `apt upgrade` installs
 * anyway). Docker restarting for its upgrade keeps the containers (`live-restore`). A reboot
 * happens at a fixed quiet time when a kernel or libc fix needs one. A single host has no
 * redundancy, so that is a minute or two of downtime, but an unpatched kernel is worse; the
 * payload comes back by itself (containers restart unless-stopped, Docker waits for the data
 * volume). `#clear` drops the image's default origin list so ours is the only one.
 */
export function unattendedUpgradesConfig(rebootTime: string | false): string {
    return [
        "// Slipway: security updates, plus -updates for Docker (docker.io/containerd/runc); managed by cloud-init.",
        'APT::Periodic::Update-Package-Lists "1";',
        'APT::Periodic::Unattended-Upgrade "1";',
        'APT::Periodic::AutocleanInterval "7";',
        "#clear Unattended-Upgrade::Allowed-Origins;",
        "Unattended-Upgrade::Allowed-Origins {",
        '    "${distro_id}:${distro_codename}-security";',
        '    "${distro_id}ESMApps:${distro_codename}-apps-security";',
        '    "${distro_id}ESM:${distro_codename}-infra-security";',
        '    "${distro_id}:${distro_codename}-updates";',
        "};",
        'Unattended-Upgrade::Remove-Unused-Kernel-Packages "true";',
        'Unattended-Upgrade::Remove-Unused-Dependencies "true";',
        `Unattended-Upgrade::Automatic-Reboot "${rebootTime === false ? "false" : "true"}";`,
        ...(rebootTime === false ? [] : [`Unattended-Upgrade::Automatic-Reboot-Time "${rebootTime}";`]),
        "",
    ].join("\n");
}

/**
 * Docker must not start before the data volume is mounted: a container bind-mounting a path
 * under an unmounted data directory would get an empty directory on the root disk (PostgreSQL
 * would initialise a new, empty cluster there). With the volume missing, Docker stays down,
 * which is the failure we want.
 */
export function dockerDataDropIn(dataDir: string): string {
    return ["[Unit]", `RequiresMountsFor=${dataDir}`, ""].join("\n");
}

/**
 * The first-boot script (cloud-init `runcmd`), one `set -eu` script so any failure marks
 * cloud-init as failed and the readiness gate refuses to deploy. It waits for the volume
 * (DigitalOcean attaches it after the droplet boots), formats it only when it holds no
 * filesystem at all (never a volume with data), mounts it through fstab (`nofail`, so a
 * missing volume does not stop the boot; Docker's drop-in keeps Docker down instead), hands the
 * data directory to the deploy user, applies sysctl, enables Docker and the metadata block, and checks and reloads
 * sshd (reload keeps open sessions; the hardened config is normally already in effect because
 * cloud-init writes it before sshd first starts).
 */
export function bootstrapScript(o: CloudInitOptions): string {
    const dev = shellQuote(o.volumeDevice);
    const dir = shellQuote(o.dataDir);
    const user = o.user; // checked: a plain Unix name
    const fstab = shellQuote(`${o.volumeDevice} ${o.dataDir} ext4 defaults,nofail,discard,noatime 0 2`);
    return [
        "#!/bin/sh",
        "# Slipway first-boot bootstrap; run once by cloud-init (runcmd).",
        "set -eu",
        "",
        `dev=${dev}`,
        `dir=${dir}`,
        "waited=0",
        'while [ ! -b "$dev" ]; do',
        `    if [ "$waited" -ge ${o.volumeWaitSeconds} ]; then`,
        `        echo "slipway: data volume $dev was not attached within ${o.volumeWaitSeconds}s" >&2`,
        "        exit 1",
        "    fi",
        "    sleep 2",
        "    waited=$((waited + 2))",
        "done",
        "",
        "# blkid -p exits 2 when the device holds no filesystem (nor anything else it recognises).",
        "probe=0",
        'blkid -p "$dev" >/dev/null 2>&1 || probe=$?',
        'case "$probe" in',
        "    0) ;;",
        `    2) mkfs.ext4 -q -L ${shellQuote(o.volumeLabel)} "$dev" ;;`,
        '    *) echo "slipway: cannot probe $dev (blkid exit $probe); not formatting it" >&2',
        "       exit 1 ;;",
        "esac",
        "",
        'mkdir -p "$dir"',
        `if ! awk -v d="$dev" '$1 == d { found = 1 } END { exit !found }' /etc/fstab; then`,
        `    echo ${fstab} >> /etc/fstab`,
        "fi",
        "systemctl daemon-reload",
        'mountpoint -q "$dir" || mount "$dir"',
        `chown ${user}:${user} "$dir"`,
        'chmod 0755 "$dir"',
        "",
        "sysctl --system >/dev/null",
        "systemctl enable --now docker",
        "# Containers may not reach the metadata service; re-applied after every Docker start.",
        `systemctl enable --now ${posix.basename(cloudInitPaths.metadataBlockUnit)}`,
        "# Socket-activated sshd (Ubuntu 22.10+) creates its runtime directory only when it first runs.",
        "install -d -m 0755 /run/sshd",
        "sshd -t",
        "systemctl try-reload-or-restart ssh",
        "",
    ].join("\n");
}

/**
 * The droplet's user data: a `#cloud-config` document using documented modules only (users,
 * ssh, write_files, packages, swap via mounts, runcmd, timezone). It holds the pinned host
 * private key, so the caller must keep the rendered text a Pulumi secret.
 *
 * Any change to the rendered text replaces the droplet (user data is create-only), so only
 * what first boot needs and what rarely changes belongs here: things that grow with the
 * product (the data directory layout, people's SSH keys) are applied over SSH after the gate.
 */
export function renderCloudInit(o: CloudInitOptions): string {
    check(o);
    const bootstrap = bootstrapScript(o);
    const doc: Record<string, unknown> = {
        timezone: "Etc/UTC",
        // No `default` entry: the image's default user (with passwordless sudo) is not created.
        users: [
            {
                name: o.user,
                // The docker group is root-equivalent (whoever talks to the daemon can mount / into a
                // container) and required: the Docker provider reaches the daemon as this user over SSH.
                // No sudo on top of it: no sudoers rule to abuse and one privileged path, not two.
                // cloud-init creates the group before the docker.io package, whose postinst keeps it.
                groups: ["docker"],
                shell: "/bin/bash",
                lock_passwd: true,
                ssh_authorized_keys: [...o.authorizedKeys],
            },
        ],
        disable_root: true,
        ssh_pwauth: false,
        ssh_deletekeys: true,
        // cloud-init generates host keys only when `ssh_keys` is absent; should that ever happen, only
        // the type sshd is configured for. (`[]` reads as "none" but fails the schema: minItems 1.)
        ssh_genkeytypes: ["ed25519"],
        ssh_keys: {
            ed25519_private: o.hostKey.privateKeyOpenssh,
            ed25519_public: o.hostKey.publicKeyOpenssh.trim(),
        },
        package_update: true,
        package_upgrade: true,
        // A reboot mid-cloud-init would cut the readiness gate's session; unattended-upgrades reboots later.
        package_reboot_if_required: false,
        // Ubuntu's docker.io (universe): its updates come from the -updates pocket, which
        // unattendedUpgradesConfig therefore includes.
        packages: ["docker.io", "unattended-upgrades"],
        write_files: [
            { path: cloudInitPaths.dockerDaemon, owner: "root:root", permissions: "0644", content: `${JSON.stringify(dockerDaemonConfig(o.dockerLogOptions), null, 2)}\n` },
            { path: cloudInitPaths.sshd, owner: "root:root", permissions: "0644", content: sshdConfig(o.user) },
            { path: cloudInitPaths.unattendedUpgrades, owner: "root:root", permissions: "0644", content: unattendedUpgradesConfig(o.automaticRebootTime) },
            { path: cloudInitPaths.sysctl, owner: "root:root", permissions: "0644", content: sysctlConfig() },
            { path: cloudInitPaths.metadataBlock, owner: "root:root", permissions: "0755", content: metadataBlockScript() },
            { path: cloudInitPaths.metadataBlockUnit, owner: "root:root", permissions: "0644", content: metadataBlockUnit() },
            // Deferred (written after packages are installed) so the docker.io postinst starts the
            // daemon normally; from the next boot on Docker waits for the data volume.
            { path: cloudInitPaths.dockerDropIn, owner: "root:root", permissions: "0644", content: dockerDataDropIn(o.dataDir), defer: true },
            { path: cloudInitPaths.bootstrap, owner: "root:root", permissions: "0755", content: bootstrap },
        ],
        runcmd: [[cloudInitPaths.bootstrap]],
    };
    if (o.swapGb > 0) {
        const bytes = o.swapGb * 1024 ** 3;
        doc.swap = { filename: cloudInitPaths.swapFile, size: bytes, maxsize: bytes };
    }
    return `#cloud-config\n${stringify(doc, { lineWidth: 0 })}`;
}
