import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type CloudInitOptions, bootstrapScript, cloudInitPaths, renderCloudInit } from "../../components/host/cloud-init";
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
            HostKey: "/etc/ssh/ssh_host_ed25519_key",
        });
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

    it("sizes the swap file from swapGb, and has none at 0", () => {
        expect(render().doc.swap).toEqual({ filename: "/swapfile", size: 2 * 1024 ** 3, maxsize: 2 * 1024 ** 3 });
        expect(render({ swapGb: 8 }).doc.swap.size).toBe(8 * 1024 ** 3);
        expect(render({ swapGb: 0 }).doc).not.toHaveProperty("swap");
    });

    it("takes security updates only and reboots for them at the set time, or never", () => {
        const on = render().file(cloudInitPaths.unattendedUpgrades).content;
        expect(on).toContain("#clear Unattended-Upgrade::Allowed-Origins;");
        const origins = on.split("Allowed-Origins {")[1].split("};")[0];
        expect(origins.trim().split("\n").every((l) => /security";$/.test(l.trim()))).toBe(true);
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
        expect(() => render({ user: "Deploy Me" })).toThrow(/user "Deploy Me"/);
        expect(() => render({ dataDir: "mnt/slipway" })).toThrow(/dataDir "mnt\/slipway"/);
        expect(() => render({ dataDir: "/" })).toThrow(/dataDir "\/"/);
        expect(() => render({ dataDir: "/mnt/../etc" })).toThrow(/normalised/);
        expect(() => render({ volumeDevice: "/dev/x'; rm -rf /" })).toThrow(/volumeDevice/);
        expect(() => render({ volumeLabel: "a-label-longer-than-16" })).toThrow(/volumeLabel/);
        expect(() => render({ authorizedKeys: [] })).toThrow(/At least one authorized key/);
        expect(() => render({ authorizedKeys: [`${deployKey}\nssh-ed25519 AAAA evil`] })).toThrow(/single OpenSSH public key line/);
        expect(() => render({ swapGb: 65 })).toThrow(/swapGb is 65/);
        expect(() => render({ automaticRebootTime: "4:30" })).toThrow(/automaticRebootTime "4:30"/);
    });
});

describe("bootstrapScript", () => {
    it("is valid POSIX sh", () => {
        const dir = mkdtempSync(join(tmpdir(), "slipway-bootstrap-"));
        const file = join(dir, "bootstrap.sh");
        writeFileSync(file, bootstrapScript(base));
        execFileSync("sh", ["-n", file]);
    });

    it.skipIf(!has("shellcheck"))("passes shellcheck", () => {
        const dir = mkdtempSync(join(tmpdir(), "slipway-bootstrap-"));
        const file = join(dir, "bootstrap.sh");
        writeFileSync(file, bootstrapScript(base));
        const r = spawnSync("shellcheck", ["-s", "sh", file], { encoding: "utf8" });
        expect(r.stdout + r.stderr).toBe("");
        expect(r.status).toBe(0);
    });
});
