/**
 * The Docker Engine API request the Pulumi Docker provider (the kreuzwerker Terraform provider
 * underneath) sends for a `docker.Container`'s inputs. Every input key the program uses is
 * mapped here; an input the harness does not know fails the run instead of being dropped.
 */

export interface PortRebinding {
    /** Where a port published on a non-loopback address goes instead (tier 5 binds loopback only). */
    (p: { internal: number; external: number; ip: string }): { ip: string; external: number };
}

export interface ContainerSpec {
    name: string;
    body: Record<string, unknown>;
    /** Networks after the first (connected after create, with their aliases). */
    extraNetworks: { name: string; aliases: string[] }[];
    wait: boolean;
    waitTimeoutSeconds: number;
    mustRun: boolean;
    stopTimeoutSeconds: number;
    /** The published ports as the graph asked for them, and where tier 5 bound them. */
    published: { internal: number; requested: { ip: string; external: number }; bound: { ip: string; external: number } }[];
}

/** Go duration ("10s", "1m30s", "500ms") → nanoseconds, as the provider parses it. */
export function durationNs(d: unknown): number {
    if (typeof d !== "string" || d === "") return 0;
    const units: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
    let total = 0;
    const re = /(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g;
    let matched = "";
    for (let m = re.exec(d); m; m = re.exec(d)) {
        total += Number(m[1]) * units[m[2]];
        matched += m[0];
    }
    if (matched !== d) throw new Error(`duration "${d}" is not a Go duration`);
    return Math.round(total);
}

const MiB = 1024 * 1024;

type Inputs = Record<string, unknown>;

/**
 * Input keys and how each lands in the API request. Keys that only steer the provider (wait,
 * mustRun…) are read separately below.
 */
const handled = new Set([
    "image",
    "name",
    "restart",
    "maxRetryCount",
    "logDriver",
    "logOpts",
    "memory",
    "memorySwap",
    "cpuShares",
    "healthcheck",
    "labels",
    "networksAdvanced",
    "ports",
    "envs",
    "command",
    "entrypoints",
    "volumes",
    "user",
    "groupAdds",
    "readOnly",
    "tmpfs",
    "capabilities",
    "securityOpts",
    "privileged",
    "init",
    "shmSize",
    "stopTimeout",
    "stopSignal",
    "wait",
    "waitTimeout",
    "mustRun",
]);

export function containerSpec(inputs: Inputs, name: string, image: string, rebind: PortRebinding): ContainerSpec {
    const unknown = Object.keys(inputs).filter((k) => !handled.has(k));
    if (unknown.length) throw new Error(`tier 5 does not know how to apply docker.Container input(s) ${unknown.join(", ")} (container ${name}); map them in container-spec.ts`);

    const hc = inputs.healthcheck as { tests: string[]; interval?: string; timeout?: string; startPeriod?: string; retries?: number } | undefined;
    const labels = Object.fromEntries(((inputs.labels as { label: string; value: string }[]) ?? []).map((l) => [l.label, l.value]));
    const networks = ((inputs.networksAdvanced as { name: string; aliases?: string[] }[]) ?? []).map((n) => ({ name: n.name, aliases: n.aliases ?? [] }));
    const caps = (inputs.capabilities as { adds?: string[]; drops?: string[] } | undefined) ?? {};
    const volumes = (inputs.volumes as { hostPath?: string; volumeName?: string; containerPath: string; readOnly?: boolean; fromContainer?: string }[]) ?? [];
    const binds = volumes.map((v) => {
        if (v.fromContainer) throw new Error(`volumes.fromContainer is not applied by tier 5 (container ${name})`);
        const source = v.hostPath ?? v.volumeName;
        if (!source) throw new Error(`a volume of container ${name} has neither hostPath nor volumeName`);
        return `${source}:${v.containerPath}${v.readOnly ? ":ro" : ""}`;
    });
    const ports = (inputs.ports as { internal: number; external: number; ip?: string; protocol?: string }[]) ?? [];
    const published = ports.map((p) => {
        const requested = { ip: p.ip ?? "0.0.0.0", external: p.external };
        return { internal: p.internal, requested, bound: rebind({ internal: p.internal, external: p.external, ip: requested.ip }) };
    });
    const portKey = (p: { internal: number }, i: number) => `${p.internal}/${ports[i].protocol ?? "tcp"}`;
    const restart = String(inputs.restart ?? "no");

    const body: Record<string, unknown> = {
        Image: image,
        User: inputs.user ?? "",
        Env: inputs.envs ?? [],
        Cmd: inputs.command,
        Entrypoint: inputs.entrypoints,
        Labels: labels,
        StopTimeout: inputs.stopTimeout,
        StopSignal: inputs.stopSignal,
        ExposedPorts: Object.fromEntries(ports.map((p, i) => [portKey(p, i), {}])),
        Healthcheck: hc
            ? { Test: hc.tests, Interval: durationNs(hc.interval), Timeout: durationNs(hc.timeout), StartPeriod: durationNs(hc.startPeriod), Retries: hc.retries ?? 0 }
            : undefined,
        HostConfig: {
            Binds: binds,
            RestartPolicy: { Name: restart, MaximumRetryCount: restart === "on-failure" ? Number(inputs.maxRetryCount ?? 0) : 0 },
            LogConfig: { Type: inputs.logDriver ?? "json-file", Config: inputs.logOpts ?? {} },
            Memory: Number(inputs.memory ?? 0) * MiB,
            MemorySwap: inputs.memorySwap === undefined ? 0 : Number(inputs.memorySwap) * MiB,
            CpuShares: Number(inputs.cpuShares ?? 0),
            ReadonlyRootfs: inputs.readOnly === true,
            Tmpfs: inputs.tmpfs ?? {},
            CapAdd: caps.adds ?? [],
            CapDrop: caps.drops ?? [],
            SecurityOpt: inputs.securityOpts ?? [],
            Privileged: inputs.privileged === true,
            GroupAdd: ((inputs.groupAdds as (string | number)[]) ?? []).map(String),
            Init: inputs.init === true,
            ShmSize: inputs.shmSize === undefined ? 0 : Number(inputs.shmSize) * MiB,
            PortBindings: Object.fromEntries(published.map((p, i) => [portKey(p, i), [{ HostIp: p.bound.ip, HostPort: String(p.bound.external) }]])),
            NetworkMode: networks[0]?.name ?? "none",
        },
        NetworkingConfig: networks[0] ? { EndpointsConfig: { [networks[0].name]: { Aliases: networks[0].aliases } } } : undefined,
    };
    return {
        name,
        body,
        extraNetworks: networks.slice(1),
        wait: inputs.wait === true,
        waitTimeoutSeconds: Number(inputs.waitTimeout ?? 60),
        mustRun: inputs.mustRun !== false,
        stopTimeoutSeconds: Number(inputs.stopTimeout ?? 10),
        published,
    };
}
