import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DockerCache, type DockerCacheArgs, normalizeDockerCacheArgs, redisHealthcheck } from "../../components/cache/docker";
import type { DockerHost } from "../../components/shared/docker";
import { FILE_MARKER } from "../../components/shared/host-files";
import type { RecordedResource } from "../../offline/recorder";
import { isSecretValue, reveal } from "../../offline/secret-value";
import { expectArgError } from "../helpers/arg-error";
import { testDockerHost } from "../helpers/docker-host";
import { expectParentedAndPrefixed, isTestProvider } from "../helpers/children";
import { recordResources, resolve } from "../helpers/record";

const T = {
    component: "slipway:components:Cache",
    container: "docker:index/container:Container",
    command: "command:local:Command",
    password: "random:index/randomPassword:RandomPassword",
    provider: "pulumi:providers:docker",
};

async function build(extra: Partial<DockerCacheArgs> = {}, hostOverrides: Partial<DockerHost> = {}) {
    const { graph, result } = await recordResources(() => new DockerCache("cache", { host: testDockerHost(hostOverrides), ...extra }));
    const root = hostOverrides.dataDir ?? "/srv/slipway";
    const confs = graph.ofType(T.command).filter((c) => String(c.inputs.create).startsWith(`${FILE_MARKER}${root}/redis/redis.conf\n`));
    expect(confs).toHaveLength(1);
    return { graph, cache: result, container: graph.one(T.container), password: graph.one(T.password), conf: confs[0], restart: graph.byName("cache-restart") };
}

/** Every place a value occurs in plain text (not inside a SecretValue), as paths. */
function plainOccurrences(v: unknown, needle: string, path = ""): string[] {
    if (isSecretValue(v)) return [];
    if (typeof v === "string") return v.includes(needle) ? [path] : [];
    if (Array.isArray(v)) return v.flatMap((x, i) => plainOccurrences(x, needle, `${path}[${i}]`));
    if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => plainOccurrences(x, needle, `${path}.${k}`));
    return [];
}

const confText = (conf: RecordedResource): string => reveal(conf.inputs.stdin) as string;

describe("normalizeDockerCacheArgs", () => {
    it("applies the neutral defaults plus an eighth of the host's memory", () => {
        const host = testDockerHost();
        expect(normalizeDockerCacheArgs("cache", { host })).toMatchObject({ maxmemoryPolicy: "allkeys-lru", snapshotRetentionDays: 7, protect: true, memoryMiB: 512 });
        expect(normalizeDockerCacheArgs("cache", { host, memoryMiB: 256 }).memoryMiB).toBe(256);
    });

    it("fails with sentences naming the cache, the key and the fix", () => {
        const host = testDockerHost();
        expectArgError(() => normalizeDockerCacheArgs("sessions", { host: undefined as never }), { key: "host", value: undefined, allowed: "the DockerHost the payload runs on" });
        expectArgError(() => normalizeDockerCacheArgs("sessions", { host: { ...host, networks: undefined } }), { key: "host.networks", value: undefined, allowed: /DockerNetwork's hostNetworks/ });
        expectArgError(() => normalizeDockerCacheArgs("sessions", { host: { ...host, memoryMiB: 256 } }), { key: "memoryMiB", value: 32, allowed: /at least 64 MiB .*eighth of the host's 256 MiB/ });
        expect(expectArgError(() => normalizeDockerCacheArgs("sessions", { host, memoryMiB: 63 }), { key: "memoryMiB", value: 63, allowed: /at least 64 MiB/ }).allowed).not.toMatch(/default/);
        expectArgError(() => normalizeDockerCacheArgs("sessions", { host, maxmemoryPolicy: "lru" as never }), { key: "maxmemoryPolicy", value: "lru", allowed: /one of .*allkeys-lru/ });
    });
});

describe("DockerCache container", () => {
    it("has a fixed name, the pinned image, deletes before replacing and is protected by default", async () => {
        const { container, password } = await build();
        expect(container.inputs.name).toBe("test-redis");
        // The pin from components/shared/images.ts: the 7.4 line, by tag and digest.
        expect(container.inputs.image).toMatch(/^redis:7\.4\.\d+-alpine@sha256:[0-9a-f]{64}$/);
        expect(container.deleteBeforeReplace).toBe(true);
        expect(container.protect).toBe(true);
        // The password lives only in redis.conf: a new one is rewritten and applied, nothing to protect.
        expect(password.protect).toBe(false);
        expect((await build({ protect: false })).container.protect).toBe(false);
    });

    it("joins the data network only, as `redis`, and publishes nothing", async () => {
        const { container } = await build();
        expect(container.inputs.networksAdvanced).toEqual([{ name: "test-data", aliases: ["redis"] }]);
        expect(container.inputs.ports).toBeUndefined();
    });

    it("is hardened: read-only root, only the capabilities to copy the config and drop to the redis user, memory from the budget", async () => {
        const { container } = await build({ memoryMiB: 768 });
        expect(container.inputs.capabilities).toEqual({ drops: ["ALL"], adds: ["CHOWN", "SETUID", "SETGID", "DAC_READ_SEARCH"] });
        expect(container.inputs).toMatchObject({ privileged: false, readOnly: true, securityOpts: ["no-new-privileges:true"], memory: 768, memorySwap: 768 });
        expect(container.inputs.tmpfs).toEqual({ "/run/redis": "rw,nosuid,nodev,noexec,size=1m,mode=0755" });
        // No --user: the entrypoint drops to uid 999 itself after copying the 0600 config.
        expect(container.inputs.user).toBeUndefined();
        expect(container.inputs.entrypoints).toEqual(["/bin/sh", "-c"]);
        expect(container.inputs.command).toEqual([
            // chmod before chown: root holds CHOWN but not FOWNER (GNU install -o -m failed in tier 5).
            "install -m 0600 /etc/redis/redis.conf /run/redis/redis.conf && chown redis:redis /run/redis/redis.conf && exec docker-entrypoint.sh redis-server /run/redis/redis.conf",
        ]);
    });

    it("mounts data and the config file from the data dir", async () => {
        const { container } = await build({}, { dataDir: "/mnt/data" });
        expect(container.inputs.volumes).toEqual([
            { hostPath: "/mnt/data/redis/data", containerPath: "/data" },
            { hostPath: "/mnt/data/redis/redis.conf", containerPath: "/etc/redis/redis.conf", readOnly: true },
        ]);
    });

    it("checks health with an authenticated PING whose password never appears in the container's config", async () => {
        const { container, cache } = await build();
        const tests = (container.inputs.healthcheck as { tests: string[] }).tests;
        expect(tests).toEqual(redisHealthcheck(6379));
        expect(tests[0]).toBe("CMD-SHELL");
        expect(tests[1]).toMatch(/^REDISCLI_AUTH="\$\(sed -n .*\/run\/redis\/redis\.conf\)" redis-cli -h 127\.0\.0\.1 -p 6379 ping \| grep -q PONG$/);
        const pw = (await resolve(cache.password)).value;
        expect(plainOccurrences(container.inputs, pw)).toEqual([]);
        expect(container.inputs.envs).toBeUndefined();
    });

    it("waits for its config file but never takes its content as an input", async () => {
        const { graph, container, conf } = await build();
        expect(graph.dependsOn(container, conf)).toBe(true);
        // No directive with its value (the health check names `requirepass` only to read it back).
        expect(JSON.stringify(container.inputs)).not.toMatch(/maxmemory|appendonly|appendfsync/);
    });
});

describe("DockerCache config and secrets", () => {
    it("writes redis.conf 0600 as a secret: password, AOF, maxmemory from the budget, the chosen policy", async () => {
        const { conf, cache } = await build({ memoryMiB: 1024, maxmemoryPolicy: "volatile-lru" });
        expect(conf.inputs.create).toMatch(/chmod 0600/);
        expect(isSecretValue(conf.inputs.stdin)).toBe(true);
        const text = confText(conf);
        const pw = (await resolve(cache.password)).value;
        expect(text).toContain(`requirepass "${pw}"`);
        expect(text).toMatch(/^maxmemory 768mb$/m);
        expect(text).toMatch(/^maxmemory-policy volatile-lru$/m);
        expect(text).toMatch(/^appendonly yes$/m);
        expect(text).toMatch(/^appendfsync everysec$/m);
        expect(text).toMatch(/^bind 0\.0\.0\.0$/m);
        expect(text).toMatch(/^port 6379$/m);
        expect(text).toMatch(/^dir "\/data"$/m);
        expect(text).toMatch(/^protected-mode yes$/m);
        expect(text).toMatch(/^save 3600 1/m);
        expect(confText((await build({ snapshotRetentionDays: 0 })).conf)).toMatch(/^save ""$/m);
    });

    it("keeps the password out of every input and output in plain text", async () => {
        const { graph, cache } = await build();
        const pw = (await resolve(cache.password)).value;
        for (const r of graph.resources) {
            if (r.type === T.password) continue;
            expect(plainOccurrences(r.inputs, pw), r.name).toEqual([]);
            expect(plainOccurrences(r.outputs ?? {}, pw), r.name).toEqual([]);
        }
    });

    it("outputs the in-network address, and the password and URL as secrets", async () => {
        const { cache, graph } = await build();
        const pw = await resolve(cache.password);
        expect(pw.secret).toBe(true);
        const url = await resolve(cache.url);
        expect(url.secret).toBe(true);
        expect(url.value).toBe(`redis://:${encodeURIComponent(pw.value)}@redis:6379/0`);
        expect((await resolve(cache.host)).value).toBe("redis");
        expect((await resolve(cache.port)).value).toBe(6379);
        expect((await resolve(cache.containerName)).value).toBe("test-redis");
        const outputs = graph.one(T.component).outputs ?? {};
        expect(Object.keys(outputs).sort()).toEqual(["containerName", "host", "password", "port", "url"]);
        expect(isSecretValue(outputs.password) && isSecretValue(outputs.url)).toBe(true);
    });
});

describe("DockerCache config changes", () => {
    it("restarts only on a changed file, after the container, triggered by the file's hash", async () => {
        const { graph, restart, container, conf } = await build();
        expect(restart.inputs.create).toMatch(/docker exec 'test-redis' cat '\/run\/redis\/redis.conf' .*\| cmp -s - '\/srv\/slipway\/redis\/redis.conf'/);
        expect(restart.inputs.triggers).toEqual([createHash("sha256").update(confText(conf)).digest("hex")]);
        for (const dep of [container, conf]) expect(graph.dependsOn(restart, dep), dep.name).toBe(true);
    });

    it("a config change re-runs the restart but leaves the container's inputs untouched", async () => {
        const lru = await build({ maxmemoryPolicy: "allkeys-lru" });
        const lfu = await build({ maxmemoryPolicy: "allkeys-lfu" });
        expect(lfu.restart.inputs.triggers).not.toEqual(lru.restart.inputs.triggers);
        expect(lfu.container.inputs).toEqual(lru.container.inputs);
    });
});

describe("DockerCache children", () => {
    it("parents every child to the component, prefixes it, and runs the container on the host's provider", async () => {
        const { graph, container } = await build();
        const children = expectParentedAndPrefixed(graph, T.component, "cache", isTestProvider);
        expect(children.map((c) => c.name).sort()).toEqual(["cache-conf", "cache-password", "cache-redis", "cache-restart"]);
        expect(container.provider?.startsWith(`${graph.one(T.provider).urn}::`)).toBe(true);
    });
});
