import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { DropletHost, type DropletHostArgs, dataSubdirs, dropletHostSettings } from "../../components/host/digitalocean";
import { inboundRules, outboundRules } from "../../components/host/firewall-rules";
import { readinessScript, sshWaitEnv, waitForSshScript } from "../../components/host/readiness";
import { FILE_MARKER } from "../../components/shared/host-files";
import { isSecretValue, reveal } from "../../offline/secret-value";
import { expectParentedAndPrefixed } from "../helpers/children";
import { recordResources, resolve } from "../helpers/record";

const T = {
    component: "slipway:components:Host",
    key: "tls:index/privateKey:PrivateKey",
    sshKey: "digitalocean:index/sshKey:SshKey",
    vpc: "digitalocean:index/vpc:Vpc",
    ip: "digitalocean:index/reservedIp:ReservedIp",
    dns: "digitalocean:index/dnsRecord:DnsRecord",
    volume: "digitalocean:index/volume:Volume",
    tag: "digitalocean:index/tag:Tag",
    firewall: "digitalocean:index/firewall:Firewall",
    droplet: "digitalocean:index/droplet:Droplet",
    ipAssignment: "digitalocean:index/reservedIpAssignment:ReservedIpAssignment",
    attachment: "digitalocean:index/volumeAttachment:VolumeAttachment",
    local: "command:local:Command",
    remote: "command:remote:Command",
    provider: "pulumi:providers:docker",
};

const userKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIYouYouYouYouYouYouYouYouYouYouYouYouYouYo you@laptop";
const args: DropletHostArgs = {
    stack: "dev",
    region: "fra1",
    sshAllowedCidrs: ["203.0.113.7/32"],
    sshPublicKeys: [userKey],
    domain: "dev.example.com",
    dnsZone: "example.com",
};

async function build(extra: Partial<DropletHostArgs> = {}, name = "vps") {
    const { graph, result } = await recordResources(() => new DropletHost(name, { ...args, ...extra }), { stack: "dev" });
    const keys = graph.ofType(T.key);
    return {
        graph,
        host: result,
        deployKey: keys.find((k) => k.name === `${name}-deploy-key`)!,
        hostKey: keys.find((k) => k.name === `${name}-host-key`)!,
        droplet: graph.one(T.droplet),
        volume: graph.one(T.volume),
        ip: graph.one(T.ip),
        firewall: graph.one(T.firewall),
        ipAssignment: graph.one(T.ipAssignment),
        attachment: graph.one(T.attachment),
        sshWait: graph.one(T.local),
        gate: graph.byName(`${name}-ready`),
        authorizedKeys: graph.byName(`${name}-authorized-keys`),
        provider: graph.one(T.provider),
    };
}

/** The cloud-init document the droplet boots with. */
function userData(droplet: { inputs: Record<string, unknown> }) {
    const text = String(reveal(droplet.inputs.userData));
    return { text, doc: parse(text) as Record<string, any> };
}

describe("DropletHost", () => {
    it("creates the droplet stack once each, every child parented and prefixed", async () => {
        const { graph } = await build();
        const children = expectParentedAndPrefixed(graph, T.component, "vps");
        const types = children.map((c) => c.type).sort();
        expect(types).toEqual(
            [T.key, T.key, T.sshKey, T.vpc, T.ip, T.dns, T.volume, T.tag, T.firewall, T.droplet, T.ipAssignment, T.attachment, T.local, T.remote, T.remote, T.provider].sort(),
        );
    });

    it("orders the build as DESIGN says: IP, DNS, volume and firewall before the droplet; attachments after", async () => {
        const { graph, droplet, ip, volume, firewall, ipAssignment, attachment } = await build();
        const dns = graph.one(T.dns);
        for (const before of [ip, dns, volume, firewall]) expect(graph.dependsOn(droplet, before), before.name).toBe(true);
        expect(graph.dependsOn(dns, ip)).toBe(true);
        expect(graph.dependsOn(ipAssignment, droplet)).toBe(true);
        expect(graph.dependsOn(ipAssignment, ip)).toBe(true);
        expect(graph.dependsOn(attachment, droplet)).toBe(true);
        expect(graph.dependsOn(attachment, volume)).toBe(true);
        expect(graph.dependsOn(droplet, ipAssignment)).toBe(false);
    });

    it("gates on the attachments and the firewall, then waits for sshd and runs the readiness script as deploy", async () => {
        const { graph, gate, sshWait, ipAssignment, attachment, firewall, droplet, host } = await build();
        for (const r of [ipAssignment, attachment, firewall]) {
            expect(graph.dependsOn(gate, r), r.name).toBe(true);
            expect(graph.dependsOn(sshWait, r), r.name).toBe(true);
        }
        expect(graph.dependsOn(gate, sshWait)).toBe(true);
        expect(gate.inputs.create).toBe(readinessScript({ dataDir: "/mnt/slipway", dataSubdirs }));
        expect(dataSubdirs).toEqual(expect.arrayContaining(["nginx", "postgres", "redis", "prometheus", "grafana", "backup"]));
        expect(isSecretValue(gate.inputs.connection)).toBe(true);
        const conn = reveal(gate.inputs.connection) as Record<string, unknown>;
        expect(conn).toEqual({
            user: "deploy",
            port: 22,
            host: (await resolve(host.ipv4Address)).value,
            privateKey: (await resolve(host.deployPrivateKey)).value,
            hostKey: expect.stringMatching(/^ssh-ed25519 \S+$/),
            // @pulumi/command 1.x's SDK defaults.
            dialErrorLimit: 10,
            perDialTimeout: 15,
        });
        // The pinned host key is the one cloud-init installs and known_hosts trusts: secrets are
        // sent only over a connection that verified it.
        expect(String((await resolve(host.knownHostsLine)).value).endsWith(` ${String(conn.hostKey)}`)).toBe(true);
        expect(conn.host).toMatch(/^203\.0\.113\.\d+$/);
        expect(conn.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
        // A rebuilt droplet behind the same IP re-runs both waits.
        expect(gate.inputs.triggers).toEqual([droplet.id, expect.any(String), expect.any(String)]);
        expect(sshWait.inputs.triggers).toEqual(gate.inputs.triggers);
        expect(sshWait.inputs.interpreter).toEqual(["node", "-e"]);
        expect(sshWait.inputs.create).toBe(waitForSshScript());
        expect(sshWait.inputs.environment).toMatchObject({ [sshWaitEnv.host]: conn.host, [sshWaitEnv.port]: "22" });
    });

    it("installs people's keys after the gate, keeping the deploy key first, and again on a rebuild", async () => {
        const { graph, gate, authorizedKeys, droplet } = await build();
        expect(graph.dependsOn(authorizedKeys, gate)).toBe(true);
        const deployPublic = String(graph.one(T.sshKey).inputs.publicKey);
        expect(authorizedKeys.inputs.stdin).toBe(`${deployPublic}\n${userKey}\n`);
        expect(authorizedKeys.inputs.create).toContain(`grep -qxF '${deployPublic}'`);
        expect(authorizedKeys.inputs.triggers).toEqual(gate.inputs.triggers);
        expect((authorizedKeys.inputs.triggers as unknown[])[0]).toBe(droplet.id);
        expect(isSecretValue(authorizedKeys.inputs.connection)).toBe(true);
    });

    it("makes the Docker provider's host a data dependency on the gate and the keys (providers ignore dependsOn)", async () => {
        const { provider, gate, authorizedKeys, host } = await build();
        expect(provider.propertyDependencies.host).toEqual(expect.arrayContaining([gate.urn, authorizedKeys.urn]));
        expect(provider.dependencies).toContain(gate.urn);
        const ip = (await resolve(host.ipv4Address)).value;
        expect(provider.inputs.host).toBe(`ssh://deploy@${ip}`);
        const sshOpts = JSON.parse(String(provider.inputs.sshOpts)) as string[];
        const line = (await resolve(host.knownHostsLine)).value;
        expect(sshOpts).toContain(`KnownHostsCommand=/bin/echo ${line}`);
        expect(sshOpts).toContain("StrictHostKeyChecking=yes");
        expect(sshOpts).toContain("UserKnownHostsFile=/dev/null");
        expect(sshOpts).not.toContain("-i");
        const withFile = await build({ sshIdentityFile: "~/.ssh/slipway-dev" });
        expect(JSON.parse(String(withFile.provider.inputs.sshOpts)).slice(-2)).toEqual(["-i", "~/.ssh/slipway-dev"]);
    });

    it("protects the data volume and pre-formats it as ext4", async () => {
        const { volume } = await build();
        expect(volume.protect).toBe(true);
        expect(volume.retainOnDelete).toBe(false);
        expect(volume.inputs).toMatchObject({ region: "fra1", size: 50, initialFilesystemType: "ext4", initialFilesystemLabel: "slipway-data" });
        expect(String(volume.inputs.name)).toMatch(/^dev-vps-data-[0-9a-f]{6}$/);
        const off = await build({ protect: false, volumeSizeGb: 100 });
        expect(off.volume.protect).toBe(false);
        expect(off.volume.inputs.size).toBe(100);
        for (const r of off.graph.resources) expect(r.protect, r.name).toBe(false);
    });

    it("creates the droplet with monitoring, IPv6, weekly backups, its VPC, tag and key, replaced delete-first", async () => {
        const { graph, droplet } = await build();
        expect(droplet.inputs).toMatchObject({
            size: "s-2vcpu-4gb",
            region: "fra1",
            image: "ubuntu-24-04-x64",
            monitoring: true,
            ipv6: true,
            backups: true,
            backupPolicy: { plan: "weekly", weekday: "SUN", hour: 8 },
            gracefulShutdown: true,
            vpcUuid: graph.one(T.vpc).id,
            sshKeys: [graph.one(T.sshKey).id],
            tags: [graph.one(T.tag).inputs.name],
        });
        expect(droplet.deleteBeforeReplace).toBe(true);
        expect(droplet.protect).toBe(false);
        const cheap = await build({ backups: false, size: "s-1vcpu-2gb" });
        expect(cheap.droplet.inputs.backups).toBe(false);
        expect(cheap.droplet.inputs).not.toHaveProperty("backupPolicy");
        expect(cheap.host.memoryMiB).toBe(2048);
    });

    it("attaches the IP and the volume to the droplet by its numeric id, detaching first on replacement", async () => {
        const { droplet, ip, volume, ipAssignment, attachment } = await build();
        expect(Number.isInteger(Number(droplet.id))).toBe(true);
        expect(ipAssignment.inputs.dropletId).toBe(Number(droplet.id));
        expect(attachment.inputs.dropletId).toBe(Number(droplet.id));
        expect(attachment.inputs.volumeId).toBe(volume.id);
        expect(ipAssignment.inputs.ipAddress).toMatch(/^203\.0\.113\.\d+$/);
        expect(ip.inputs).toEqual({ region: "fra1" });
        expect(ipAssignment.deleteBeforeReplace).toBe(true);
        expect(attachment.deleteBeforeReplace).toBe(true);
    });

    it("filters by tag from the first boot: 80/443 from anywhere, 22 from the allow-list only", async () => {
        const { graph, firewall } = await build({ sshAllowedCidrs: ["203.0.113.7/32", "198.51.100.0/24"] });
        expect(firewall.inputs.tags).toEqual([graph.one(T.tag).inputs.name]);
        expect(firewall.inputs.inboundRules).toEqual(inboundRules({ sshAllowedCidrs: ["203.0.113.7/32", "198.51.100.0/24"], allowPing: false }));
        expect(firewall.inputs.outboundRules).toEqual(outboundRules());
        const ssh = (firewall.inputs.inboundRules as { portRange?: string; sourceAddresses: string[] }[]).filter((r) => r.portRange === "22");
        expect(ssh).toEqual([{ protocol: "tcp", portRange: "22", sourceAddresses: ["203.0.113.7/32", "198.51.100.0/24"] }]);
        expect(() => new DropletHost("bad", { ...args, sshAllowedCidrs: ["0.0.0.0/0"] })).toThrow(/whole internet/);
    });

    it("points the domain at the reserved IP in the DigitalOcean zone, only when a zone is given", async () => {
        const { graph, host } = await build();
        const dns = graph.one(T.dns);
        expect(dns.inputs).toEqual({ domain: "example.com", type: "A", name: "dev", value: (await resolve(host.ipv4Address)).value, ttl: 300 });
        const none = await build({ dnsZone: undefined });
        expect(none.graph.ofType(T.dns)).toHaveLength(0);
        expect(none.graph.dependsOn(none.droplet, none.ip)).toBe(true);
    });

    it("boots with cloud-init holding the deploy and user keys, the pinned host key and the volume's device", async () => {
        const { graph, droplet, volume, host } = await build();
        expect(isSecretValue(droplet.inputs.userData)).toBe(true);
        const { text, doc } = userData(droplet);
        expect(text.startsWith("#cloud-config\n")).toBe(true);
        const deployPublic = graph.one(T.sshKey).inputs.publicKey;
        expect(deployPublic).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI\S+$/);
        expect(doc.users[0].name).toBe("deploy");
        // Only the deploy key: people's keys change without rebuilding the droplet.
        expect(doc.users[0].ssh_authorized_keys).toEqual([deployPublic]);
        expect(text).not.toContain(userKey);
        // The host key is its own key, and its private half is not the deploy key.
        const hostPublic = String((await resolve(host.knownHostsLine)).value).split(" ").slice(1).join(" ");
        expect(doc.ssh_keys.ed25519_public).toBe(hostPublic);
        expect(hostPublic).not.toBe(deployPublic);
        expect(doc.ssh_keys.ed25519_private).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
        expect(doc.ssh_keys.ed25519_private).not.toBe((await resolve(host.deployPrivateKey)).value);
        const bootstrap = (doc.write_files as { path: string; content: string }[]).find((f) => f.path === "/usr/local/sbin/slipway-bootstrap")!.content;
        expect(bootstrap).toContain(`dev='${dropletHostSettings.volumeDevicePrefix}${volume.inputs.name}'`);
        expect(bootstrap).toContain("dir='/mnt/slipway'");
        expect(doc.swap.size).toBe(2 * 1024 ** 3);
    });

    it("pins the host key: known_hosts line, ssh command, and cloud-init agree", async () => {
        const { host, droplet } = await build();
        const ip = (await resolve(host.ipv4Address)).value;
        const line = await resolve(host.knownHostsLine);
        expect(line.secret).toBe(false);
        expect(line.value).toBe(`${ip} ${userData(droplet).doc.ssh_keys.ed25519_public}`);
        const cmd = (await resolve(host.sshCommand)).value;
        expect(cmd).toContain(`'KnownHostsCommand=/bin/echo ${line.value}'`);
        expect(cmd.endsWith(`deploy@${ip}`)).toBe(true);
    });

    it("keeps every private key secret: tls outputs, the deploy key output, the connection", async () => {
        const { deployKey, hostKey, host } = await build();
        for (const k of [deployKey, hostKey]) {
            expect(k.inputs).toEqual({ algorithm: "ED25519" });
            expect(k.additionalSecretOutputs).toEqual(expect.arrayContaining(["privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8"]));
        }
        const key = await resolve(host.deployPrivateKey);
        expect(key.secret).toBe(true);
        expect(key.value).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
        expect((await resolve(host.connection.privateKey!)).secret).toBe(true);
    });

    it("exposes what the Docker components need", async () => {
        const { host, droplet } = await build();
        expect(host.dataDir).toBe("/mnt/slipway");
        expect(host.memoryMiB).toBe(4096);
        expect((await resolve(host.dropletId)).value).toBe(droplet.id);
        expect((await resolve(host.instanceId)).value).toBe(droplet.id);
        const dh = host.dockerHost({ edge: "e", data: "d" });
        expect(dh).toMatchObject({ stack: "dev", dataDir: "/mnt/slipway", memoryMiB: 4096, networks: { edge: "e", data: "d" } });
        expect(dh.provider).toBe(host.provider);
        expect(dh.files).toBe(host.hostFiles);
        expect(host.hostFiles.root).toBe("/mnt/slipway");
    });

    it("writes host files over SSH only after the gate", async () => {
        const { graph } = await recordResources(
            () => {
                const h = new DropletHost("vps", args);
                h.hostFiles.write(h, "vps-probe-file", { path: "nginx/nginx.conf", content: "events {}\n" });
                return h;
            },
            { stack: "dev" },
        );
        const file = graph.byName("vps-probe-file");
        expect(graph.dependsOn(file, graph.byName("vps-ready"))).toBe(true);
        expect(String(file.inputs.create)).toContain(`${FILE_MARKER}/mnt/slipway/nginx/nginx.conf`);
        expect(isSecretValue(file.inputs.connection)).toBe(true);
    });

    it("warns when nothing but the generated key could log the Docker provider in", async () => {
        const warn = vi.spyOn(pulumi.log, "warn");
        try {
            await build({ sshPublicKeys: [] });
            expect(warn.mock.calls.some(([m]) => /no sshPublicKeys and no sshIdentityFile/.test(String(m)))).toBe(true);
            warn.mockClear();
            await build();
            expect(warn).not.toHaveBeenCalled();
        } finally {
            warn.mockRestore();
        }
    });

    it("records its outputs on the component", async () => {
        const { graph } = await build();
        const outputs = graph.one(T.component).outputs ?? {};
        expect(Object.keys(outputs).sort()).toEqual(
            ["dataDir", "deployPrivateKey", "dropletId", "instanceId", "ipv4Address", "knownHostsLine", "memoryMiB", "sshCommand"].sort(),
        );
    });
});
