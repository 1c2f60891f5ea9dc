import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DockerDatabase, type DockerDatabaseArgs, dockerPostgresMajor, normalizeDockerDatabaseArgs } from "../../components/database/docker";
import type { DockerHost } from "../../components/shared/docker";
import { FILE_MARKER } from "../../components/shared/host-files";
import type { Graph } from "../../offline/graph";
import type { RecordedResource } from "../../offline/recorder";
import { isSecretValue, reveal } from "../../offline/secret-value";
import { expectArgError } from "../helpers/arg-error";
import { testDockerHost } from "../helpers/docker-host";
import { expectParentedAndPrefixed, isTestProvider } from "../helpers/children";
import { recordResources, resolve } from "../helpers/record";

const T = {
    component: "slipway:components:Database",
    container: "docker:index/container:Container",
    command: "command:local:Command",
    password: "random:index/randomPassword:RandomPassword",
    provider: "pulumi:providers:docker",
};

async function build(extra: Partial<DockerDatabaseArgs> = {}, hostOverrides: Partial<DockerHost> = {}) {
    const { graph, result } = await recordResources(() => new DockerDatabase("db", { host: testDockerHost(hostOverrides), ...extra }));
    const root = hostOverrides.dataDir ?? "/srv/slipway";
    const file = (path: string): RecordedResource => {
        const found = graph.ofType(T.command).filter((c) => String(c.inputs.create).startsWith(`${FILE_MARKER}${root}/${path}\n`));
        expect(found, path).toHaveLength(1);
        return found[0];
    };
    return {
        graph,
        db: result,
        container: graph.one(T.container),
        password: graph.one(T.password),
        conf: file("postgres/conf/postgresql.conf"),
        hba: file("postgres/conf/pg_hba.conf"),
        secretFile: file("postgres/secrets/password"),
        reload: graph.byName("db-reload"),
    };
}

/** Every place a value occurs in plain text (not inside a SecretValue), as paths. */
function plainOccurrences(v: unknown, needle: string, path = ""): string[] {
    if (isSecretValue(v)) return [];
    if (typeof v === "string") return v.includes(needle) ? [path] : [];
    if (Array.isArray(v)) return v.flatMap((x, i) => plainOccurrences(x, needle, `${path}[${i}]`));
    if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => plainOccurrences(x, needle, `${path}.${k}`));
    return [];
}

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

describe("normalizeDockerDatabaseArgs", () => {
    it("applies the neutral defaults plus a quarter of the host's memory, 100 connections and the data network only", () => {
        const host = testDockerHost();
        const a = normalizeDockerDatabaseArgs("db", { host });
        expect(a).toMatchObject({ databaseName: "app", username: "app", slowQueryMs: 500, protect: true, memoryMiB: 1024, maxConnections: 100, clients: ["samenet"] });
        expect(normalizeDockerDatabaseArgs("db", { host, memoryMiB: 3000, maxConnections: 50 })).toMatchObject({ memoryMiB: 3000, maxConnections: 50 });
    });

    it("fails with sentences naming the database, the key and the fix", () => {
        const host = testDockerHost();
        expectArgError(() => normalizeDockerDatabaseArgs("orders", { host: undefined as never }), { key: "host", value: undefined, allowed: "the DockerHost the payload runs on" });
        expectArgError(() => normalizeDockerDatabaseArgs("orders", { host: { ...host, networks: undefined } }), { key: "host.networks", value: undefined, allowed: /DockerNetwork's hostNetworks/ });
        expectArgError(() => normalizeDockerDatabaseArgs("orders", { host, engineVersion: "17" }), { key: "engineVersion", value: "17", allowed: /^"16": Docker runs the pinned postgres:16\.\d+-alpine@sha256:[0-9a-f]{64}/ });
        expectArgError(() => normalizeDockerDatabaseArgs("orders", { host: { ...host, memoryMiB: 512 } }), { key: "memoryMiB", value: 128, allowed: /at least 256 MiB .*quarter of the host's 512 MiB/ });
        expectArgError(() => normalizeDockerDatabaseArgs("orders", { host, memoryMiB: 100 }), { key: "memoryMiB", value: 100, allowed: /at least 256 MiB/ });
        expectArgError(() => normalizeDockerDatabaseArgs("orders", { host, username: "pg_admin" }), { key: "username", value: "pg_admin", allowed: /not a reserved role \(pg_\*/ });
        expect(dockerPostgresMajor()).toBe(16);
        expect(dockerPostgresMajor("postgres:17.2-alpine")).toBe(17);
    });
});

describe("DockerDatabase container", () => {
    it("has a fixed name, the pinned image, deletes before replacing and is protected by default", async () => {
        const { container, password } = await build();
        expect(container.inputs.name).toBe("test-postgres");
        // The pin from components/shared/images.ts: major 16 (the data directory's), by tag and digest.
        expect(container.inputs.image).toMatch(/^postgres:16\.\d+-alpine@sha256:[0-9a-f]{64}$/);
        expect(container.deleteBeforeReplace).toBe(true);
        expect(container.protect).toBe(true);
        expect(password.protect).toBe(true);
        const unprotected = await build({ protect: false });
        expect(unprotected.container.protect).toBe(false);
        expect(unprotected.password.protect).toBe(false);
    });

    it("joins the data network only, as `postgres`, and publishes nothing", async () => {
        const { container } = await build();
        expect(container.inputs.networksAdvanced).toEqual([{ name: "test-data", aliases: ["postgres"] }]);
        expect(container.inputs.ports).toBeUndefined();
        expect(container.inputs.networkMode).toBeUndefined();
    });

    it("is hardened: capabilities for the entrypoint only, read-only root, no new privileges, memory and shm sized from the budget", async () => {
        const { container } = await build({ memoryMiB: 2048 });
        expect(container.inputs.capabilities).toEqual({ drops: ["ALL"], adds: ["CHOWN", "SETUID", "SETGID", "DAC_OVERRIDE", "FOWNER"] });
        expect(container.inputs).toMatchObject({
            privileged: false,
            readOnly: true,
            securityOpts: ["no-new-privileges:true"],
            memory: 2048,
            memorySwap: 2048,
            shmSize: 256,
            restart: "unless-stopped",
        });
        expect(Object.keys(container.inputs.tmpfs as object).sort()).toEqual(["/tmp", "/var/run/postgresql"]);
        const labels = Object.fromEntries((container.inputs.labels as { label: string; value: string }[]).map((l) => [l.label, l.value]));
        expect(labels).toMatchObject({ "host.instance": "droplet-123", "slipway.component": "database" });
    });

    it("checks health with pg_isready over TCP for the app's user and database", async () => {
        const { container } = await build({ username: "shop_owner", databaseName: "shop" });
        expect((container.inputs.healthcheck as { tests: string[] }).tests).toEqual([
            "CMD",
            "pg_isready",
            "-h",
            "127.0.0.1",
            "-p",
            "5432",
            "-U",
            "shop_owner",
            "-d",
            "shop",
        ]);
        expect(container.inputs.envs).toEqual(["POSTGRES_DB=shop", "POSTGRES_USER=shop_owner", "POSTGRES_PASSWORD_FILE=/run/secrets/postgres-password"]);
    });

    it("mounts data, the config directory (read-only) and the password file (read-only) from the data dir, and runs the rendered config", async () => {
        const { container } = await build({}, { dataDir: "/mnt/data" });
        expect(container.inputs.volumes).toEqual([
            { hostPath: "/mnt/data/postgres/data", containerPath: "/var/lib/postgresql/data" },
            { hostPath: "/mnt/data/postgres/conf", containerPath: "/etc/slipway/postgres", readOnly: true },
            { hostPath: "/mnt/data/postgres/secrets/password", containerPath: "/run/secrets/postgres-password", readOnly: true },
        ]);
        expect(container.inputs.command).toEqual(["postgres", "-c", "config_file=/etc/slipway/postgres/postgresql.conf"]);
    });

    it("waits for the files it mounts but never takes their content as an input", async () => {
        const { graph, container, conf, hba, secretFile } = await build();
        for (const f of [conf, hba, secretFile]) expect(graph.dependsOn(container, f), f.name).toBe(true);
        expect(JSON.stringify(container.inputs)).not.toMatch(/shared_buffers|scram-sha-256/);
    });
});

describe("DockerDatabase files and secrets", () => {
    it("writes postgresql.conf tuned from the budget and pg_hba.conf for the data network, readable, not secret", async () => {
        const { conf, hba } = await build({ memoryMiB: 4096, slowQueryMs: 250 });
        expect(conf.inputs.create).toMatch(/chmod 0644/);
        const text = conf.inputs.stdin as string;
        expect(text).toMatch(/^shared_buffers = 1024MB$/m);
        expect(text).toMatch(/^log_min_duration_statement = 250$/m);
        expect(text).toMatch(/^hba_file = '\/etc\/slipway\/postgres\/pg_hba.conf'$/m);
        expect(text).toMatch(/^listen_addresses = '\*'$/m);
        expect(text).toMatch(/^max_wal_size = 2560MB$/m);
        expect(hba.inputs.stdin).toMatch(/^host +all +all +samenet +scram-sha-256$/m);
        expect(hba.inputs.stdin).not.toMatch(/0\.0\.0\.0\/0/);
        expect((hba.inputs.stdin as string).split("\n").filter((l) => /\btrust$/.test(l))).toEqual([expect.stringMatching(/^local /)]);
        const custom = await build({ clients: ["172.30.0.0/24"], performanceInsights: false });
        expect(custom.hba.inputs.stdin).toMatch(/^host +all +all +172\.30\.0\.0\/24 +scram-sha-256$/m);
        expect(custom.hba.inputs.stdin).not.toMatch(/samenet/);
        expect(custom.conf.inputs.stdin).not.toMatch(/pg_stat_statements/);
    });

    it("hands the password over as a 0600 file whose content stays secret, and nowhere in plain text", async () => {
        const { graph, secretFile, db } = await build();
        expect(secretFile.inputs.create).toMatch(/chmod 0600/);
        expect(isSecretValue(secretFile.inputs.stdin)).toBe(true);
        const pw = (await resolve(db.password)).value;
        expect(reveal(secretFile.inputs.stdin)).toBe(pw);
        for (const r of graph.resources) {
            if (r.type === T.password) continue;
            expect(plainOccurrences(r.inputs, pw), r.name).toEqual([]);
            expect(plainOccurrences(r.outputs ?? {}, pw), r.name).toEqual([]);
        }
    });

    it("outputs the in-network address, and the password and URL as secrets", async () => {
        const { db } = await build({ username: "shop_owner", databaseName: "shop" });
        const pw = await resolve(db.password);
        expect(pw.secret).toBe(true);
        const url = await resolve(db.connectionUrl);
        expect(url.secret).toBe(true);
        expect(url.value).toBe(`postgres://shop_owner:${encodeURIComponent(pw.value)}@postgres:5432/shop`);
        expect((await resolve(db.host)).value).toBe("postgres");
        expect((await resolve(db.port)).value).toBe(5432);
        expect((await resolve(db.databaseName)).value).toBe("shop");
        expect((await resolve(db.username)).value).toBe("shop_owner");
        expect((await resolve(db.containerName)).value).toBe("test-postgres");
    });
});

describe("DockerDatabase config reload", () => {
    it("reloads in place after the container, triggered by the hashes of both files", async () => {
        const { graph, reload, container, conf, hba } = await build();
        expect(reload.inputs.create).toMatch(/docker exec 'test-postgres' psql .*-U 'app' -d 'app' -c 'SELECT pg_reload_conf\(\)'/);
        expect(reload.inputs.triggers).toEqual([sha256(conf.inputs.stdin as string), sha256(hba.inputs.stdin as string)]);
        for (const dep of [container, conf, hba]) expect(graph.dependsOn(reload, dep), dep.name).toBe(true);
    });

    it("a config change re-runs the reload but leaves the container's inputs untouched", async () => {
        const small = await build({ memoryMiB: 1024, slowQueryMs: 500 });
        const changed = await build({ memoryMiB: 1024, slowQueryMs: 100 });
        expect(changed.reload.inputs.triggers).not.toEqual(small.reload.inputs.triggers);
        expect(changed.container.inputs).toEqual(small.container.inputs);
    });
});

describe("DockerDatabase children", () => {
    it("parents every child to the component, prefixes it, and runs containers on the host's provider", async () => {
        const { graph, container } = await build();
        const children = expectParentedAndPrefixed(graph, T.component, "db", isTestProvider);
        expect(children.map((c) => c.name).sort()).toEqual(["db-conf", "db-hba", "db-password", "db-password-file", "db-postgres", "db-reload"]);
        expect(container.provider?.startsWith(`${graph.one(T.provider).urn}::`)).toBe(true);
        expectOutputsRegistered(graph);
    });
});

function expectOutputsRegistered(graph: Graph): void {
    const outputs = graph.one(T.component).outputs ?? {};
    expect(Object.keys(outputs).sort()).toEqual(["connectionUrl", "containerName", "databaseName", "host", "password", "port", "username"]);
    expect(isSecretValue(outputs.password)).toBe(true);
    expect(isSecretValue(outputs.connectionUrl)).toBe(true);
}
