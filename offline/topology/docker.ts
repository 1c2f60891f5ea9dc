import type { RecordedResource } from "../recorder";
import { type RenderedFile, hostFileOf } from "../rendered-files";
import { GraphIndex, plain, text } from "./index-graph";
import { type FlowKind, TopologyBuilder, safeId } from "./model";
import { type PortRange, admits, formatPorts, isWorld, parsePortRange } from "./ports";
import {
    type Reference,
    alertReceivers,
    envReferences,
    grafanaReferences,
    nginxListens,
    nginxReferences,
    prometheusReferences,
    protocolLabel,
    urlReferences,
} from "./references";

/**
 * The Docker part of a topology (vps and local targets), read from the recorded graph.
 *
 * Nodes: every container (app replicas that differ only in their `-N` suffix drawn once with
 * a count), the droplet's block volume, its reserved IP, the backup bucket or repository.
 * Not drawn: the commands that write config files, images, keys, passwords, tags.
 *
 * Boundaries: the DigitalOcean cloud firewall around the droplet it applies to (by droplet or
 * tag), the droplet (or the local Docker daemon) a container's provider reaches, and inside it
 * one group per Docker network. A container on one network sits in it; a container on
 * several (the app, Prometheus, the backup job) sits on the host between them, its networks
 * listed.
 *
 * Flows: published ports (world-reachable when bound to all addresses and the firewall admits
 * the port from anywhere; on loopback, reachable through an SSH tunnel when the firewall admits
 * SSH), and each container's references (environment, command line, mounted nginx, Prometheus,
 * Grafana and Alertmanager configs) resolved on the networks it shares with the target, as
 * Docker's DNS would. Edges touching Monitoring or BackupBucket containers are data flows, drawn
 * the way the data moves (metrics into Prometheus, dumps into the backup job, the repository).
 */

const T = {
    container: "docker:index/container:Container",
    network: "docker:index/network:Network",
    image: "docker:index/image:Image",
    droplet: "digitalocean:index/droplet:Droplet",
    firewall: "digitalocean:index/firewall:Firewall",
    volume: "digitalocean:index/volume:Volume",
    volumeAttachment: "digitalocean:index/volumeAttachment:VolumeAttachment",
    reservedIp: "digitalocean:index/reservedIp:ReservedIp",
    reservedIpAssignment: "digitalocean:index/reservedIpAssignment:ReservedIpAssignment",
    dnsRecord: "digitalocean:index/dnsRecord:DnsRecord",
    spacesBucket: "digitalocean:index/spacesBucket:SpacesBucket",
    s3Bucket: "aws:s3/bucket:Bucket",
    commands: ["command:remote:Command", "command:local:Command"],
} as const;

const DATA_COMPONENTS = new Set(["Monitoring", "BackupBucket"]);
const STATEFUL_COMPONENTS = new Set(["Database", "Cache"]);
const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

interface PortMapping {
    external: number;
    internal: number;
    ip: string;
    protocol: string;
}
interface Mount {
    hostPath?: string;
    containerPath?: string;
    readOnly?: boolean;
}
interface NetworkAttachment {
    name?: string;
    aliases?: string[];
}

interface HostBoundary {
    id: string;
    droplet?: RecordedResource;
    firewall?: RecordedResource;
}

export function dockerTopology(index: GraphIndex, b: TopologyBuilder): void {
    const containers = index.ofType(T.container);
    if (!containers.length) return;
    const files = hostFiles(index);
    // One boundary object per host, so containers on the same host compare equal.
    const byId = new Map<string, HostBoundary>();
    const hosts = new Map<string, HostBoundary>();
    for (const c of containers) {
        const h = hostOf(index, b, c);
        if (!byId.has(h.id)) byId.set(h.id, h);
        hosts.set(c.urn, byId.get(h.id)!);
    }

    // ---- container nodes, replicas collapsed ---------------------------------------------------
    const nodeOf = new Map<string, string>();
    const replicaSets = new Map<string, RecordedResource[]>();
    for (const c of containers) {
        const key = `${index.componentOf(c)?.urn}|${c.name.replace(/-\d+$/, "")}|${text(c, "image")}`;
        replicaSets.set(key, [...(replicaSets.get(key) ?? []), c]);
    }
    const receiversOf = new Map<string, Map<string, number>>();
    for (const members of replicaSets.values()) {
        const c = members[0];
        const host = hosts.get(c.urn)!;
        const nets = networksOf(index, c);
        const boundary = nets.length === 1 ? networkGroup(b, host, nets[0]) : host.id;
        const name = members.length > 1 ? `${c.name.replace(/-\d+$/, "")} ×${members.length}` : (text(c, "name") ?? c.name);
        const lines = [name, imageOf(index, c)];
        if (nets.length > 1) lines.push(`networks: ${nets.map((n) => text(n, "name") ?? n.name).join(", ")}`);
        const receivers = mountedFiles(c, files).map(alertReceivers).find((x) => x !== undefined);
        if (receivers) {
            receiversOf.set(c.urn, receivers);
            if (receivers.size === 0) lines.push("no alert receiver configured");
        }
        const id = b.node({ id: safeId("n", members.length > 1 ? c.name.replace(/-\d+$/, "") : c.name), lines, shape: STATEFUL_COMPONENTS.has(index.componentType(c) ?? "") ? "cylinder" : "box", group: b.componentGroup(boundary, index.componentOf(c)) });
        for (const m of members) nodeOf.set(m.urn, id);
    }
    const kindOf = (a: RecordedResource, z: RecordedResource | undefined): FlowKind =>
        [a, z].some((r) => r && DATA_COMPONENTS.has(index.componentType(r) ?? "")) ? "data" : "traffic";

    // ---- container → container references -------------------------------------------------------
    for (const c of containers) {
        for (const ref of referencesOf(c, files)) {
            const target = resolveHost(index, c, ref.host);
            if (!target || target === c) continue;
            const from = nodeOf.get(c.urn)!;
            const to = nodeOf.get(target.urn)!;
            const proto = protocolLabel(ref.scheme, ref.port);
            if (ref.role === "scrape") b.edge(to, from, "data", `metrics · ${proto}`);
            else if (ref.role === "alerts") b.edge(from, to, "data", `alerts · ${proto}`);
            else if (kindOf(c, target) === "data") b.edge(to, from, "data", proto);
            else b.edge(from, to, "traffic", proto);
        }
    }

    // ---- ingress: published ports, firewall, SSH tunnels -------------------------------------
    for (const c of containers) {
        const host = hosts.get(c.urn)!;
        const listens = mountedFiles(c, files).map(nginxListens).find((m) => m.size > 0) ?? new Map<number, string>();
        for (const p of plain<PortMapping[]>(c, "ports") ?? []) {
            const proto = (p.protocol ?? "tcp").toLowerCase();
            const what = `${listens.get(p.internal) ?? proto.toUpperCase()} ${p.external}${p.external !== p.internal ? ` → ${p.internal}` : ""}`;
            const to = nodeOf.get(c.urn)!;
            if (LOOPBACK.has(p.ip)) {
                const ssh = host.firewall ? firewallRules(host.firewall).filter((r) => admits(r.range, "tcp", 22)) : [];
                if (host.droplet && ssh.length) b.edge(operators(b, host, ssh), to, "traffic", `SSH tunnel → ${p.ip}:${p.external}`);
                else if (!host.droplet) b.edge(thisMachine(b), to, "traffic", `${listens.get(p.internal) ?? proto.toUpperCase()} ${p.ip}:${p.external} → ${p.internal}`);
                continue;
            }
            const open = host.firewall ? firewallRules(host.firewall).some((r) => r.world && admits(r.range, proto, p.external)) : true;
            if (!open) continue;
            const source = host.droplet ? internetVia(index, b, host) : anyNetwork(b);
            b.edge(source, to, "traffic", what);
        }
    }

    // ---- data at rest: volume, backup repository ---------------------------------------------
    for (const host of byId.values()) {
        if (host.droplet) volumes(index, b, host, containers.filter((c) => hosts.get(c.urn) === host), nodeOf);
    }
    for (const c of containers) backupRepository(index, b, c, nodeOf.get(c.urn)!, hosts.get(c.urn)!);
    for (const [urn, receivers] of receiversOf) {
        if (!receivers.size) continue;
        const summary = [...receivers.entries()].sort().map(([k, n]) => `${k} ×${n}`).join(", ");
        const id = b.node({ id: safeId("n", `${index.get(urn)!.name}_receivers`), lines: ["Alert receivers", summary], shape: "stadium" });
        b.edge(nodeOf.get(urn)!, id, "data", "alerts");
    }
}

// ---- hosts and networks ------------------------------------------------------------------------

/** The droplet a container's Docker provider reaches (through its SSH host), or the local daemon. */
function hostOf(index: GraphIndex, b: TopologyBuilder, c: RecordedResource): HostBoundary {
    const providerUrn = c.provider ? c.provider.slice(0, c.provider.lastIndexOf("::")) : undefined;
    const provider = index.get(providerUrn);
    const droplet = provider ? index.ofType(T.droplet).find((d) => index.reaches(provider, d)) : undefined;
    if (!droplet) {
        const where = provider && text(provider, "host") ? `daemon at ${text(provider, "host")}` : "local daemon";
        return { id: b.group({ id: safeId("g", `docker_${provider?.name ?? "default"}`), title: `Docker host · ${where}`, kind: "boundary" }) };
    }
    const firewall = index.ofType(T.firewall).find((f) => appliesTo(index, f, droplet));
    const parent = firewall
        ? b.group({ id: safeId("g", firewall.name), title: `Cloud firewall ${text(firewall, "name") ?? firewall.name} · in: ${inboundSummary(firewall)}`, kind: "boundary" })
        : undefined;
    const title = [`Droplet ${text(droplet, "name") ?? droplet.name}`, text(droplet, "size"), text(droplet, "region"), text(droplet, "image")].filter(Boolean).join(" · ");
    return { id: b.group({ id: safeId("g", droplet.name), title, kind: "boundary", parent }), droplet, firewall };
}

/** A cloud firewall applies to the droplets it lists or that carry one of its tags. */
function appliesTo(index: GraphIndex, firewall: RecordedResource, droplet: RecordedResource): boolean {
    if (index.refs(firewall, "dropletIds").includes(droplet)) return true;
    const tags = new Set(index.refs(firewall, "tags"));
    return index.refs(droplet, "tags").some((t) => tags.has(t));
}

interface FirewallRule {
    range: PortRange;
    world: boolean;
    sources: string[];
}
function firewallRules(firewall: RecordedResource): FirewallRule[] {
    return (plain<{ protocol: string; portRange?: string; sourceAddresses?: string[] }[]>(firewall, "inboundRules") ?? []).map((r) => ({
        range: parsePortRange(r.protocol, r.portRange),
        world: (r.sourceAddresses ?? []).some(isWorld),
        sources: r.sourceAddresses ?? [],
    }));
}
function inboundSummary(firewall: RecordedResource): string {
    const rules = firewallRules(firewall);
    const world = rules.filter((r) => r.world).map((r) => r.range);
    const parts = world.length ? [`${formatPorts(world)} from anywhere`] : [];
    for (const r of rules.filter((x) => !x.world)) parts.push(`${formatPorts([r.range])} from ${r.sources.length} address${r.sources.length === 1 ? "" : "es"}`);
    return parts.join("; ") || "nothing";
}

function networksOf(index: GraphIndex, c: RecordedResource): RecordedResource[] {
    const nets = index.refsOfType(c, T.network, "networksAdvanced");
    const order = (plain<NetworkAttachment[]>(c, "networksAdvanced") ?? []).map((a) => a.name);
    return nets.sort((a, b) => order.indexOf(text(a, "name")) - order.indexOf(text(b, "name")));
}

function networkGroup(b: TopologyBuilder, host: HostBoundary, net: RecordedResource): string {
    const internal = plain(net, "internal") === true;
    const title = `Docker network ${text(net, "name") ?? net.name} · ${internal ? "internal: no route out" : `${text(net, "driver") ?? "bridge"}, outbound allowed`}`;
    return b.group({ id: safeId("g", `${host.id.replace(/^g_/, "")}_${net.name}`), title, kind: "boundary", parent: host.id });
}

/**
 * The container a host name reaches from `c`: by container name, network alias, or (for a
 * container Pulumi auto-named) logical name plus Pulumi's random suffix, on a shared network.
 */
function resolveHost(index: GraphIndex, c: RecordedResource, hostname: string): RecordedResource | undefined {
    const shared = new Set(networksOf(index, c).map((n) => text(n, "name")));
    return index.ofType(T.container).find((other) => {
        const attachments = (plain<NetworkAttachment[]>(other, "networksAdvanced") ?? []).filter((a) => shared.has(a.name));
        if (!attachments.length) return false;
        const name = text(other, "name");
        if (name === hostname || attachments.some((a) => (a.aliases ?? []).includes(hostname))) return true;
        return name === undefined && hostname.startsWith(`${other.name}-`) && /^[0-9a-f]{7}$/.test(hostname.slice(other.name.length + 1));
    });
}

const imageOf = (index: GraphIndex, c: RecordedResource): string => {
    const built = index.refsOfType(c, T.image, "image")[0];
    return shortImage((built && text(built, "imageName")) ?? text(c, "image") ?? "?");
};

/**
 * A label for an image reference: `repo:tag@sha256:…` (components/shared/images.ts pins every image
 * that way) shows as `repo:tag`, since the tag names the version and 64 hex digits say nothing to a
 * reader; a reference pinned by digest alone keeps the digest, cut to 12 digits.
 */
export const shortImage = (ref: string): string =>
    /^[^@]+:[^/@]+@sha256:[0-9a-f]{64}$/.test(ref) ? ref.replace(/@sha256:[0-9a-f]{64}$/, "") : ref.replace(/@sha256:([0-9a-f]{12})[0-9a-f]{52}$/, "@sha256:$1…");

// ---- what configures a container ---------------------------------------------------------------

/** Files the program writes on the host: the writing command's URN → absolute path and content. */
function hostFiles(index: GraphIndex): Map<string, RenderedFile> {
    const files = new Map<string, RenderedFile>();
    for (const cmd of index.ofType(...T.commands)) {
        const file = hostFileOf(cmd);
        if (file) files.set(cmd.urn, file);
    }
    return files;
}

type HostFileMap = ReturnType<typeof hostFiles>;

/**
 * The config files a container reads: host files it waits for (`dependsOn` the command that
 * writes them, as the program declares for every config a container needs at start) and that
 * are bind-mounted into it. A container that mounts the whole data directory to measure it
 * (node-exporter) does not thereby read every config file.
 */
function mountedFiles(c: RecordedResource, files: HostFileMap): string[] {
    const mounts = (plain<Mount[]>(c, "volumes") ?? []).map((m) => m.hostPath).filter((p): p is string => !!p);
    return c.dependencies
        .map((urn) => files.get(urn))
        .filter((f): f is RenderedFile => !!f && mounts.some((m) => f.path === m || f.path.startsWith(`${m}/`)))
        .map((f) => f.content);
}

function referencesOf(c: RecordedResource, files: HostFileMap): Reference[] {
    const refs = envReferences(plain<string[]>(c, "envs") ?? []);
    for (const arg of [...(plain<string[]>(c, "command") ?? []), ...(plain<string[]>(c, "entrypoints") ?? [])]) refs.push(...urlReferences(arg));
    for (const content of mountedFiles(c, files)) {
        // A one-line file is a secret passed as a file (the app's DATABASE_URL_FILE): a URL there is a connection.
        const oneLine = /^[^\n]+\n?$/.test(content) ? urlReferences(content) : [];
        refs.push(...(prometheusReferences(content) ?? grafanaReferences(content) ?? (/\bupstream\b|\bproxy_pass\b/.test(content) ? nginxReferences(content) : oneLine)));
    }
    return refs.filter((r) => !LOOPBACK.has(r.host));
}

// ---- nodes outside the containers ----------------------------------------------------------------

/** The internet, through the droplet's reserved IP (and its DNS names) when there is one. */
function internetVia(index: GraphIndex, b: TopologyBuilder, host: HostBoundary): string {
    const internet = internetNode(b);
    const assignment = index.ofType(T.reservedIpAssignment).find((a) => index.refs(a, "dropletId").includes(host.droplet!));
    const ip = assignment ? index.refsOfType(assignment, T.reservedIp, "ipAddress")[0] : undefined;
    if (!ip) return internet;
    const id = safeId("n", ip.name);
    if (!b.hasNode(id)) {
        const names = index.referrers(ip, T.dnsRecord, "value").map((r) => `DNS ${text(r, "type")} ${text(r, "name")}.${text(r, "domain")}`);
        b.node({ id, lines: ["Reserved IP", ...names.sort()], shape: "box", group: b.componentGroup(host.firewall ? undefined : host.id, index.componentOf(ip)) });
        const world = host.firewall ? firewallRules(host.firewall).filter((r) => r.world).map((r) => r.range) : [];
        b.edge(internet, id, "traffic", world.length ? formatPorts(world) : undefined);
    }
    return id;
}

const internetNode = (b: TopologyBuilder): string => {
    if (!b.hasNode("n_internet")) b.node({ id: "n_internet", lines: ["Internet"], shape: "circle" });
    return "n_internet";
};

const anyNetwork = (b: TopologyBuilder): string => {
    if (!b.hasNode("n_host_networks")) b.node({ id: "n_host_networks", lines: ["Any network the host is on", "no firewall in this stack"], shape: "circle" });
    return "n_host_networks";
};

const thisMachine = (b: TopologyBuilder): string => {
    if (!b.hasNode("n_this_machine")) b.node({ id: "n_this_machine", lines: ["This machine", "browser, curl"], shape: "circle" });
    return "n_this_machine";
};

/** Operators admitted by the firewall's SSH rules; they reach the droplet on 22. */
function operators(b: TopologyBuilder, host: HostBoundary, ssh: FirewallRule[]): string {
    const id = "n_operators";
    if (!b.hasNode(id)) {
        const from = ssh.some((r) => r.world) ? "from anywhere" : `from ${new Set(ssh.flatMap((r) => r.sources)).size} allow-listed address(es)`;
        b.node({ id, lines: ["Operators", `SSH ${from}`], shape: "circle" });
        b.edge(id, host.id, "traffic", "SSH 22");
    }
    return id;
}

/** The droplet's block volumes; data stores whose writable data lives on them point at them. */
function volumes(index: GraphIndex, b: TopologyBuilder, host: HostBoundary, containers: RecordedResource[], nodeOf: Map<string, string>): void {
    const userData = text(host.droplet!, "userData") ?? "";
    for (const attachment of index.ofType(T.volumeAttachment).filter((a) => index.refs(a, "dropletId").includes(host.droplet!))) {
        const volume = index.refsOfType(attachment, T.volume, "volumeId")[0];
        if (!volume) continue;
        const name = text(volume, "name") ?? volume.name;
        const id = b.node({
            id: safeId("n", volume.name),
            lines: [`Block volume ${name}`, [`${plain(volume, "size")} GB`, volume.protect ? "protected" : undefined].filter(Boolean).join(" · ")],
            shape: "cylinder",
            group: b.componentGroup(host.id, index.componentOf(volume)),
        });
        // cloud-init mounts the volume by its DigitalOcean device name: that line says where.
        const mountPoint = new RegExp(`scsi-0DO_Volume_${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s+(\\S+)`).exec(userData)?.[1];
        if (!mountPoint) continue;
        for (const c of containers.filter((x) => STATEFUL_COMPONENTS.has(index.componentType(x) ?? ""))) {
            const writable = (plain<Mount[]>(c, "volumes") ?? []).some((m) => !m.readOnly && m.hostPath?.startsWith(`${mountPoint}/`));
            if (writable) b.edge(nodeOf.get(c.urn)!, id, "data", `data files under ${mountPoint}`);
        }
    }
}

/** restic's RESTIC_REPOSITORY: a bucket of this stack (by name), or a bind-mounted host directory. */
function backupRepository(index: GraphIndex, b: TopologyBuilder, c: RecordedResource, from: string, host: HostBoundary): void {
    const env = new Map((plain<string[]>(c, "envs") ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)] as const));
    const repo = env.get("RESTIC_REPOSITORY");
    if (!repo) return;
    const schedule = env.get("BACKUP_SCHEDULE");
    const how = (transport: string): string => ["restic", transport, schedule ? `cron ${schedule}` : undefined].filter(Boolean).join(" · ");
    const bucket = [...index.ofType(T.spacesBucket), ...index.ofType(T.s3Bucket)].find((x) => {
        const name = text(x, "name") ?? text(x, "bucket");
        return !!name && repo.includes(name);
    });
    if (bucket) {
        const kind = bucket.type === T.spacesBucket ? "Spaces bucket" : "S3 bucket";
        const id = safeId("n", bucket.name);
        if (!b.hasNode(id)) b.node({ id, lines: [`${kind} ${bucket.name}`, text(bucket, "region") ?? ""].filter(Boolean), shape: "cylinder", group: b.componentGroup(undefined, index.componentOf(bucket)) });
        b.edge(from, id, "data", how(/^s3:https:/.test(repo) ? "S3 API over HTTPS" : "S3 API"));
        return;
    }
    const mount = (plain<Mount[]>(c, "volumes") ?? []).find((m) => m.containerPath && (repo === m.containerPath || repo.startsWith(`${m.containerPath}/`)));
    if (!mount) return;
    const id = b.node({ id: safeId("n", `${c.name}_repository`), lines: ["restic repository", `host directory, mounted at ${repo}`], shape: "cylinder", group: b.componentGroup(host.id, index.componentOf(c)) });
    b.edge(from, id, "data", how("local files"));
}
