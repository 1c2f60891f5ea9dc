import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
    postgresMaxWalSizeMb,
    postgresMemorySettings,
    postgresReloadScript,
    postgresShmSizeMiB,
    renderPgHba,
    renderPostgresConf,
} from "../../components/database/postgres-conf";

/** postgresql.conf as a map; fails on a line that is neither a comment nor `name = value`, or on a repeated name. */
function parseConf(text: string): Map<string, string> {
    const settings = new Map<string, string>();
    for (const line of text.split("\n")) {
        if (line === "" || line.startsWith("#")) continue;
        const m = /^([a-z_.]+) = (.+)$/.exec(line);
        if (!m) throw new Error(`not a setting: ${line}`);
        if (settings.has(m[1])) throw new Error(`set twice: ${m[1]}`);
        settings.set(m[1], m[2]);
    }
    return settings;
}

const dockerLike = { listenAddresses: ["*"], port: 5432, slowQueryMs: 500 };

describe("postgresMemorySettings", () => {
    it.each([
        // GiB, shared_buffers, effective_cache_size, maintenance_work_mem, work_mem (kB)
        [1, 256, 768, 64, 2621],
        [2, 512, 1536, 128, 5242],
        [4, 1024, 3072, 256, 10485],
        [8, 2048, 6144, 512, 20971],
    ])("tunes a %i GiB budget with 100 connections", (gib, sharedBuffersMb, effectiveCacheSizeMb, maintenanceWorkMemMb, workMemKb) => {
        expect(postgresMemorySettings(gib * 1024, 100)).toEqual({ sharedBuffersMb, effectiveCacheSizeMb, maintenanceWorkMemMb, workMemKb });
    });

    it("caps maintenance_work_mem at 2 GB and floors work_mem at 1 MB", () => {
        expect(postgresMemorySettings(64 * 1024, 100).maintenanceWorkMemMb).toBe(2048);
        expect(postgresMemorySettings(512, 1000).workMemKb).toBe(1024);
    });

    it("keeps shared_buffers plus a full pool of work_mem sorts inside the budget", () => {
        fc.assert(
            fc.property(fc.integer({ min: 256, max: 256 * 1024 }), fc.integer({ min: 10, max: 5000 }), (mib, conns) => {
                const m = postgresMemorySettings(mib, conns);
                expect(m.sharedBuffersMb).toBeLessThanOrEqual(mib / 4);
                expect(m.effectiveCacheSizeMb).toBeGreaterThan(m.sharedBuffersMb);
                expect(m.effectiveCacheSizeMb).toBeLessThan(mib);
                if (m.workMemKb > 1024) expect(m.sharedBuffersMb * 1024 + m.workMemKb * conns * 3).toBeLessThanOrEqual(mib * 1024);
            }),
        );
    });

    it("refuses budgets and connection counts it cannot tune for", () => {
        expect(() => postgresMemorySettings(255, 100)).toThrow(/postgresql\.conf: memoryMiB is 255; expected a whole number of at least 256 MiB/);
        expect(() => postgresMemorySettings(1024.5, 100)).toThrow(/memoryMiB is 1024\.5; expected a whole number/);
        expect(() => postgresMemorySettings(1024, 5)).toThrow(/maxConnections is 5; expected a whole number from 10 to 5000/);
        expect(() => postgresMemorySettings(1024, 6000)).toThrow(/maxConnections is 6000; expected a whole number from 10 to 5000/);
    });
});

describe("sizing helpers", () => {
    it("sizes max_wal_size at ~5% of the disk, from 1 GB to 8 GB", () => {
        expect(postgresMaxWalSizeMb(20)).toBe(1024);
        expect(postgresMaxWalSizeMb(50)).toBe(2560);
        expect(postgresMaxWalSizeMb(100)).toBe(5120);
        expect(postgresMaxWalSizeMb(1000)).toBe(8192);
    });

    it("gives /dev/shm an eighth of the budget, from 64 MiB to 1 GiB", () => {
        expect(postgresShmSizeMiB(256)).toBe(64);
        expect(postgresShmSizeMiB(1024)).toBe(128);
        expect(postgresShmSizeMiB(4096)).toBe(512);
        expect(postgresShmSizeMiB(16384)).toBe(1024);
    });
});

describe("renderPostgresConf", () => {
    it("renders the Docker config: tuned memory, SCRAM, WAL, logging, pg_stat_statements", () => {
        const conf = parseConf(renderPostgresConf({ ...dockerLike, memoryMiB: 2048, hbaFile: "/etc/slipway/postgres/pg_hba.conf", maxWalSizeMb: 2560 }));
        expect(Object.fromEntries(conf)).toMatchObject({
            listen_addresses: "'*'",
            port: "5432",
            max_connections: "100",
            hba_file: "'/etc/slipway/postgres/pg_hba.conf'",
            password_encryption: "scram-sha-256",
            ssl: "off",
            shared_buffers: "512MB",
            effective_cache_size: "1536MB",
            work_mem: "5242kB",
            maintenance_work_mem: "128MB",
            wal_compression: "lz4",
            checkpoint_completion_target: "0.9",
            max_wal_size: "2560MB",
            min_wal_size: "640MB",
            log_min_duration_statement: "500",
            log_connections: "on",
            log_lock_waits: "on",
            log_line_prefix: "'%m [%p] %q%u@%d '",
            shared_preload_libraries: "'pg_stat_statements'",
        });
        // The data directory is the container's (or a test's) -D/PGDATA, never the file's.
        expect(conf.has("data_directory")).toBe(false);
        expect(conf.has("unix_socket_directories")).toBe(false);
    });

    it("says why TLS is off, and turns it on with certificate paths", () => {
        const off = renderPostgresConf({ ...dockerLike, memoryMiB: 1024 });
        expect(off).toMatch(/# TLS off: .*internal network/);
        const on = parseConf(renderPostgresConf({ ...dockerLike, memoryMiB: 1024, ssl: { certFile: "/tls/server.crt", keyFile: "/tls/server.key" } }));
        expect(on.get("ssl")).toBe("on");
        expect(on.get("ssl_cert_file")).toBe("'/tls/server.crt'");
        expect(on.get("ssl_key_file")).toBe("'/tls/server.key'");
        expect(on.get("ssl_min_protocol_version")).toBe("'TLSv1.2'");
    });

    it("runs on loopback with a temporary socket directory, another port and no hba override", () => {
        const conf = parseConf(
            renderPostgresConf({
                memoryMiB: 512,
                listenAddresses: ["127.0.0.1", "::1"],
                port: 55432,
                slowQueryMs: 0,
                maxConnections: 20,
                unixSocketDirectory: "/tmp/pg-it's",
                statStatements: false,
            }),
        );
        expect(conf.get("listen_addresses")).toBe("'127.0.0.1,::1'");
        expect(conf.get("port")).toBe("55432");
        expect(conf.get("max_connections")).toBe("20");
        expect(conf.get("unix_socket_directories")).toBe("'/tmp/pg-it''s'");
        expect(conf.get("log_min_duration_statement")).toBe("0");
        expect(conf.has("hba_file")).toBe(false);
        expect(conf.has("shared_preload_libraries")).toBe(false);
        expect(conf.get("max_wal_size")).toBe("2048MB");
    });

    it("rejects values PostgreSQL would refuse at start", () => {
        expect(() => renderPostgresConf({ ...dockerLike, memoryMiB: 128 })).toThrow(/memoryMiB is 128; expected a whole number of at least 256 MiB/);
        expect(() => renderPostgresConf({ ...dockerLike, memoryMiB: 1024, port: 70000 })).toThrow(/port is 70000; expected a TCP port from 1 to 65535/);
        expect(() => renderPostgresConf({ ...dockerLike, memoryMiB: 1024, listenAddresses: [] })).toThrow(/listenAddresses is \[\]; expected at least one address/);
        expect(() => renderPostgresConf({ ...dockerLike, memoryMiB: 1024, slowQueryMs: -2 })).toThrow(/slowQueryMs is -2; expected a whole number of milliseconds/);
        expect(() => renderPostgresConf({ ...dockerLike, memoryMiB: 1024, maxWalSizeMb: 10 })).toThrow(/maxWalSizeMb is 10; expected a whole number of MB of at least 64/);
    });
});

describe("renderPgHba", () => {
    const rows = (text: string): string[][] =>
        text
            .split("\n")
            .filter((l) => l && !l.startsWith("#"))
            .map((l) => l.trim().split(/\s+/));

    it("allows SCRAM from the given networks only, and the socket as asked", () => {
        expect(rows(renderPgHba({ clients: ["samenet"], localAuth: "trust" }))).toEqual([
            ["local", "all", "all", "trust"],
            ["host", "all", "all", "samenet", "scram-sha-256"],
        ]);
        expect(rows(renderPgHba({ clients: ["127.0.0.1/32", "::1/128"], localAuth: "peer", requireSsl: true }))).toEqual([
            ["local", "all", "all", "peer"],
            ["hostssl", "all", "all", "127.0.0.1/32", "scram-sha-256"],
            ["hostssl", "all", "all", "::1/128", "scram-sha-256"],
        ]);
    });

    it("refuses addresses that are not CIDR blocks", () => {
        expect(() => renderPgHba({ clients: [], localAuth: "trust" })).toThrow(/pg_hba\.conf: clients is \[\]; expected at least one client network/);
        expect(() => renderPgHba({ clients: ["all"], localAuth: "trust" })).toThrow(/clients is "all"; expected CIDR blocks/);
        expect(() => renderPgHba({ clients: ["10.0.0.0"], localAuth: "trust" })).toThrow(/clients is "10\.0\.0\.0"; expected CIDR blocks/);
        expect(() => renderPgHba({ clients: ["10.0.0.300/24"], localAuth: "trust" })).toThrow(/clients is "10\.0\.0\.300\/24"; expected CIDR blocks/);
        expect(() => renderPgHba({ clients: ["10.0.0.0/33"], localAuth: "trust" })).toThrow(/clients is "10\.0\.0\.0\/33"; expected CIDR blocks/);
    });
});

describe("postgresReloadScript", () => {
    it("reloads in place and restarts only when a setting is pending a restart", () => {
        const script = postgresReloadScript({ container: "dev-postgres", username: "app", databaseName: "shop" });
        const lines = script.split("\n");
        expect(lines[0]).toBe("set -eu");
        expect(lines[1]).toBe("docker exec 'dev-postgres' psql -X -qAt -v ON_ERROR_STOP=1 -U 'app' -d 'shop' -c 'SELECT pg_reload_conf()' >/dev/null");
        expect(script).toMatch(/pending_restart/);
        expect(lines[lines.length - 1]).toBe(`if [ "$pending" != "0" ]; then docker restart 'dev-postgres' >/dev/null; fi`);
    });
});
