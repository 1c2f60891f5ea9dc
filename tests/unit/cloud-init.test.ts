import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
    type CloudInitOptions,
    bootstrapScript,
    cloudInitPaths,
    metadataAddress,
    metadataBlockRule,
    metadataBlockScript,
    metadataBlockUnit,
    renderCloudInit,
    sshAlgorithms,
} from "../../components/host/cloud-init";
import { pubkeyAcceptedAlgorithms, userKeyTypes } from "../../components/host/ssh-keys";
import { containerLogOptions } from "../../components/shared/docker";

const deployKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDeployDeployDeployDeployDeployDeployDeploy deploy";
const userKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIYouYouYouYouYouYouYouYouYouYouYouYouYouYo you@laptop";
const hostPrivate = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
const hostPublic = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostHostHostHostHostHostHostHostHostHostHost\n";

const base: CloudInitOptions = {
    user: "deploy",
    authorizedKeys: [deployKey, userKey],
    hostKey: { privateKeyOpenssh: hostPrivate, publicKeyOpenssh: hostPublic },
    dataDir: "/mnt/slipway",
    volumeDevice: "/dev/disk/by-id/scsi-0DO_Volume_dev-vps-data-1a2b3c",
    volumeLabel: "slipway-data",
    volumeWaitSeconds: 600,
    swapGb: 2,
    automaticRebootTime: "04:30",
};

type WriteFile = { path: string; content: string; permissions: string; owner: string; defer?: boolean };

function render(extra: Partial<CloudInitOptions> = {}) {
    const text = renderCloudInit({ ...base, ...extra });
    const doc = parse(text) as Record<string, any>;
    const files = doc.write_files as WriteFile[];
    const file = (path: string): WriteFile => {
        const f = files.find((x) => x.path === path);
        if (!f) throw new Error(`no write_files entry for ${path}`);
        return f;
    };
    return { text, doc, files, file };
}

/** sshd keyword → value, first occurrence wins (as in sshd). */
function sshdSettings(content: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of content.split("\n")) {
        const m = /^\s*([A-Za-z0-9]+)\s+(.*)$/.exec(line);
        if (m && !line.trim().startsWith("#") && !(m[1] in out)) out[m[1]] = m[2].trim();
    }
    return out;
}

const has = (cmd: string): boolean => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

describe("renderCloudInit", () => {
    it("is a #cloud-config document using only documented top-level modules", () => {
        const { text, doc } = render();
        expect(text.split("\n")[0]).toBe("#cloud-config");
        const documented = [
            "timezone", "users", "disable_root", "ssh_pwauth", "ssh_deletekeys", "ssh_genkeytypes", "ssh_keys",
            "package_update", "package_upgrade", "package_reboot_if_required", "packages", "write_files", "runcmd", "swap",
        ];
        for (const key of Object.keys(doc)) expect(documented, key).toContain(key);
    });

    it("creates only the deploy user: docker group, no sudo, locked password, the given keys", () => {
        const { doc } = render();
        expect(doc.users).toHaveLength(1); // no "default": the image's sudo-enabled user is not created
        const [u] = doc.users;
        expect(u.name).toBe("deploy");
        expect(u.groups).toEqual(["docker"]);
        expect(u).not.toHaveProperty("sudo");
        expect(u.lock_passwd).toBe(true);
        expect(u.ssh_authorized_keys).toEqual([deployKey, userKey]);
        expect(doc.disable_root).toBe(true);
        expect(doc.ssh_pwauth).toBe(false);
    });

    it("installs the pinned ED25519 host key and generates no other type", () => {
        const { doc } = render();
        expect(doc.ssh_deletekeys).toBe(true);
        expect(doc.ssh_genkeytypes).toEqual(["ed25519"]);
        expect(doc.ssh_keys).toEqual({ ed25519_private: hostPrivate, ed25519_public: hostPublic.trim() });
    });

    it("hardens sshd in a drop-in that sorts before the image's own", () => {
        const { file } = render();
        const f = file(cloudInitPaths.sshd);
        expect(f.path).toMatch(/sshd_config\.d\/50-/);
        expect(sshdSettings(f.content)).toMatchObject({
            PasswordAuthentication: "no",
            KbdInteractiveAuthentication: "no",
            PermitRootLogin: "no",
            AllowUsers: "deploy",
            MaxStartups: "10:30:60",
            X11Forwarding: "no",
            AllowAgentForwarding: "no",
            AllowTcpForwarding: "local",
            AllowStreamLocalForwarding: "no",
            HostKey: "/etc/ssh/ssh_host_ed25519_key",
            AuthenticationMethods: "publickey",
            RequiredRSASize: "3072",
            PerSourceMaxStartups: "10",
            ClientAliveInterval: "60",
            ClientAliveCountMax: "3",
            LogLevel: "VERBOSE",
            AuthorizedKeysFile: ".ssh/authorized_keys",
            Subsystem: "sftp internal-sftp -f AUTHPRIV -l INFO",
        });
    });

    it("restricts sshd to the hardening guide's algorithms: no NIST curves, no SHA-1, no encrypt-and-MAC, no 64-bit tags", () => {
        const s = sshdSettings(render().file(cloudInitPaths.sshd).content);
        const list = (k: string) => s[k].split(",");
        expect(list("KexAlgorithms")).toEqual([
            "sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "curve25519-sha256@libssh.org",
            "diffie-hellman-group18-sha512", "diffie-hellman-group16-sha512",
        ]);
        expect(list("Ciphers")).toEqual(["chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com", "aes256-ctr", "aes192-ctr", "aes128-gcm@openssh.com", "aes128-ctr"]);
        expect(list("MACs")).toEqual(["hmac-sha2-512-etm@openssh.com", "hmac-sha2-256-etm@openssh.com", "umac-128-etm@openssh.com"]);
        expect(list("HostKeyAlgorithms")).toEqual(["ssh-ed25519"]);
        const all = Object.values(sshAlgorithms).flat();
        for (const name of all) expect(name).not.toMatch(/nistp|sha1|-cbc|umac-64|^hmac-sha2-(256|512)$|^ssh-rsa$|ssh-dss|arcfour|mlkem/);
        expect(list("MACs").every((m) => m.endsWith("-etm@openssh.com"))).toBe(true);
    });

    it("accepts exactly the user-key types our validation accepts (one table)", () => {
        const s = sshdSettings(render().file(cloudInitPaths.sshd).content);
        expect(s.PubkeyAcceptedAlgorithms.split(",")).toEqual([...pubkeyAcceptedAlgorithms]);
        // ssh-rsa the key format is signed with rsa-sha2-*; every other format is its own algorithm.
        const formats = s.PubkeyAcceptedAlgorithms.split(",").map((a) => (a.startsWith("rsa-sha2-") ? "ssh-rsa" : a));
        expect([...new Set(formats)]).toEqual(userKeyTypes);
    });

    it("refuses an authorized key the rendered sshd would refuse, naming the fix", () => {
        expect(() => render({ authorizedKeys: [deployKey, "ecdsa-sha2-nistp256 AAAAE2VjZHNh me"] })).toThrow(/cloud-init: authorizedKeys is "ecdsa-sha2-nistp256 .*"; expected OpenSSH public key lines sshd accepts .*ecdsa-sha2-nistp256 key.*ssh-keygen -t ed25519/);
    });

    it("configures Docker with rotated logs, live restore, no userland proxy and no new privileges", () => {
        const { file, doc } = render();
        const daemon = JSON.parse(file(cloudInitPaths.dockerDaemon).content);
        expect(daemon).toEqual({
            "log-driver": "json-file",
            "log-opts": { "max-size": containerLogOptions["max-size"], "max-file": containerLogOptions["max-file"] },
            "live-restore": true,
            "userland-proxy": false,
            "no-new-privileges": true,
        });
        expect(doc.packages).toContain("docker.io");
        const custom = JSON.parse(render({ dockerLogOptions: { "max-size": "50m", "max-file": "5" } }).file(cloudInitPaths.dockerDaemon).content);
        expect(custom["log-opts"]).toEqual({ "max-size": "50m", "max-file": "5" });
    });

    it("keeps Docker down until the data volume is mounted, written after the packages", () => {
        const { file } = render();
        const dropIn = file(cloudInitPaths.dockerDropIn);
        expect(dropIn.content).toContain("RequiresMountsFor=/mnt/slipway");
        expect(dropIn.defer).toBe(true);
    });

    it("mounts the volume by its stable device path with nofail and discard, formatting only a blank one", () => {
        const { file, doc } = render();
        const script = file(cloudInitPaths.bootstrap);
        expect(script.permissions).toBe("0755");
        expect(doc.runcmd).toEqual([[cloudInitPaths.bootstrap]]);
        const s = script.content;
        expect(s).toContain("set -eu");
        expect(s).toContain("dev='/dev/disk/by-id/scsi-0DO_Volume_dev-vps-data-1a2b3c'");
        expect(s).toMatch(/while \[ ! -b "\$dev" \]/);
        expect(s).toContain('-ge 600 ]');
        // mkfs only in the "no filesystem" branch of blkid -p
        expect(s).toMatch(/blkid -p "\$dev"[^\n]*\|\| probe=\$\?/);
        expect(s).toMatch(/\n\s+2\) mkfs\.ext4 -q -L 'slipway-data' "\$dev" ;;/);
        expect(s.match(/mkfs/g)).toHaveLength(1);
        expect(s).toContain("/dev/disk/by-id/scsi-0DO_Volume_dev-vps-data-1a2b3c /mnt/slipway ext4 defaults,nofail,discard,noatime 0 2");
        expect(s).toMatch(/mountpoint -q "\$dir" \|\| mount "\$dir"/);
    });

    it("hands the data directory to the deploy user, enables Docker and reloads a checked sshd", () => {
        const s = render().file(cloudInitPaths.bootstrap).content;
        expect(s).toContain('chown deploy:deploy "$dir"');
        expect(s.indexOf('mount "$dir"')).toBeLessThan(s.indexOf('chown deploy:deploy "$dir"'));
        expect(s).toContain("systemctl enable --now docker");
        expect(s.indexOf("sshd -t")).toBeLessThan(s.indexOf("systemctl try-reload-or-restart ssh"));
    });

    it("sends and accepts no ICMP redirects on any interface, IPv4 and IPv6, and applies it at first boot", () => {
        const { file } = render();
        const f = file(cloudInitPaths.sysctl);
        const lines = f.content.split("\n").filter((l) => l && !l.startsWith("#"));
        expect(lines).toEqual([
            "vm.swappiness = 10",
            "net.ipv4.conf.*.send_redirects = 0",
            "net.ipv4.conf.*.accept_redirects = 0",
            "net.ipv4.conf.*.secure_redirects = 0",
            "net.ipv6.conf.*.accept_redirects = 0",
        ]);
        expect(f.path).toMatch(/^\/etc\/sysctl\.d\/.*\.conf$/);
        expect(file(cloudInitPaths.bootstrap).content).toContain("sysctl --system");
    });

    it("blocks containers from the metadata service in DOCKER-USER, re-applied after every Docker start", () => {
        const { file } = render();
        expect(metadataAddress).toBe("169.254.169.254");
        expect(metadataBlockRule.join(" ")).toBe("-d 169.254.169.254/32 -j REJECT --reject-with icmp-port-unreachable");
        const script = file(cloudInitPaths.metadataBlock);
        expect(script.permissions).toBe("0755");
        expect(script.content).toBe(metadataBlockScript());
        // Idempotent: checked (-C) before inserted (-I), in DOCKER-USER.
        expect(script.content).toMatch(/iptables -w 10 -C DOCKER-USER -d 169\.254\.169\.254\/32 -j REJECT[^\n]*\n\s+iptables -w 10 -I DOCKER-USER 1 -d 169\.254\.169\.254\/32 -j REJECT/);
        const unit = file(cloudInitPaths.metadataBlockUnit);
        expect(unit.content).toBe(metadataBlockUnit());
        for (const line of ["After=docker.service", "PartOf=docker.service", "WantedBy=docker.service", "Type=oneshot", `ExecStart=${cloudInitPaths.metadataBlock}`]) {
            expect(unit.content.split("\n")).toContain(line);
        }
        const boot = file(cloudInitPaths.bootstrap).content;
        expect(boot.indexOf("systemctl enable --now docker")).toBeLessThan(boot.indexOf("systemctl enable --now slipway-metadata-block.service"));
    });

    it("sizes the swap file from swapGb, and has none at 0", () => {
        expect(render().doc.swap).toEqual({ filename: "/swapfile", size: 2 * 1024 ** 3, maxsize: 2 * 1024 ** 3 });
        expect(render({ swapGb: 8 }).doc.swap.size).toBe(8 * 1024 ** 3);
        expect(render({ swapGb: 0 }).doc).not.toHaveProperty("swap");
    });

    it("takes security updates and -updates (where Ubuntu ships docker.io) and reboots at the set time, or never", () => {
        const on = render().file(cloudInitPaths.unattendedUpgrades).content;
        expect(on).toContain("#clear Unattended-Upgrade::Allowed-Origins;");
        const origins = on.split("Allowed-Origins {")[1].split("};")[0].trim().split("\n").map((l) => l.trim());
        expect(origins).toEqual([
            '"${distro_id}:${distro_codename}-security";',
            '"${distro_id}ESMApps:${distro_codename}-apps-security";',
            '"${distro_id}ESM:${distro_codename}-infra-security";',
            '"${distro_id}:${distro_codename}-updates";',
        ]);
        expect(origins.filter((o) => /proposed|backports/.test(o))).toEqual([]);
        expect(render().doc.packages).toContain("docker.io");
        expect(on).toContain('Unattended-Upgrade::Automatic-Reboot "true";');
        expect(on).toContain('Unattended-Upgrade::Automatic-Reboot-Time "04:30";');
        const off = render({ automaticRebootTime: false }).file(cloudInitPaths.unattendedUpgrades).content;
        expect(off).toContain('Unattended-Upgrade::Automatic-Reboot "false";');
        expect(off).not.toContain("Automatic-Reboot-Time");
    });

    it("takes every path and name from its options", () => {
        const { text } = render({ user: "ops", dataDir: "/srv/data", volumeDevice: "/dev/vdb" });
        expect(text).not.toContain("/mnt/slipway");
        expect(text).not.toMatch(/AllowUsers deploy|name: deploy|chown deploy/);
        expect(text).toContain("AllowUsers ops");
        expect(text).toContain("RequiresMountsFor=/srv/data");
        expect(text).toContain("dev='/dev/vdb'");
    });

    it("rejects options that would render a broken or unsafe file", () => {
        expect(() => render({ user: "Deploy Me" })).toThrow(/cloud-init: user is "Deploy Me"; expected a Unix user name/);
        expect(() => render({ dataDir: "mnt/slipway" })).toThrow(/cloud-init: dataDir is "mnt\/slipway"; expected a normalised absolute path/);
        expect(() => render({ dataDir: "/" })).toThrow(/dataDir is "\/"; expected a normalised absolute path other than \//);
        expect(() => render({ dataDir: "/mnt/../etc" })).toThrow(/dataDir is "\/mnt\/\.\.\/etc"; expected a normalised absolute path/);
        expect(() => render({ volumeDevice: "/dev/x'; rm -rf /" })).toThrow(/volumeDevice is ".*"; expected an absolute device path/);
        expect(() => render({ volumeLabel: "a-label-longer-than-16" })).toThrow(/volumeLabel is "a-label-longer-than-16"; expected 1–16 letters/);
        expect(() => render({ authorizedKeys: [] })).toThrow(/authorizedKeys is \[\]; expected at least one key, or nobody could log in/);
        expect(() => render({ authorizedKeys: [`${deployKey}\nssh-ed25519 AAAA evil`] })).toThrow(/authorizedKeys is ".*"; expected OpenSSH public key lines sshd accepts .*not a single OpenSSH public key line/);
        expect(() => render({ swapGb: 65 })).toThrow(/swapGb is 65; expected a whole number of GiB from 0 \(no swap\) to 64/);
        expect(() => render({ automaticRebootTime: "4:30" })).toThrow(/automaticRebootTime is "4:30"; expected HH:MM \(UTC\) or false/);
    });
});

describe("bootstrapScript", () => {
    it("is valid POSIX sh", () => {
        const dir = mkdtempSync(join(tmpdir(), "slipway-bootstrap-"));
        const file = join(dir, "bootstrap.sh");
        writeFileSync(file, bootstrapScript(base));
        execFileSync("sh", ["-n", file]);
    });

    it.skipIf(!has("shellcheck"))("passes shellcheck (and so does the metadata block script)", () => {
        const dir = mkdtempSync(join(tmpdir(), "slipway-bootstrap-"));
        for (const [name, content] of [["bootstrap.sh", bootstrapScript(base)], ["metadata-block.sh", metadataBlockScript()]]) {
            const file = join(dir, name);
            writeFileSync(file, content);
            const r = spawnSync("shellcheck", ["-s", "sh", file], { encoding: "utf8" });
            expect(r.stdout + r.stderr).toBe("");
            expect(r.status).toBe(0);
        }
    });
});
