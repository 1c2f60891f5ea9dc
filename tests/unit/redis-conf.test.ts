import { describe, expect, it } from "vitest";
import { defaultRenamedCommands, redisMaxmemoryMb, redisRestartScript, redisString, renderRedisConf, type RedisConfOptions } from "../../components/cache/redis-conf";

/** redis.conf as directive → argument strings (repeatable directives keep every occurrence). */
function parseConf(text: string): Map<string, string[]> {
    const directives = new Map<string, string[]>();
    for (const line of text.split("\n")) {
        if (line === "" || line.startsWith("#")) continue;
        const m = /^([a-z-]+) (.+)$/.exec(line);
        if (!m) throw new Error(`not a directive: ${line}`);
        directives.set(m[1], [...(directives.get(m[1]) ?? []), m[2]]);
    }
    return directives;
}

const one = (conf: Map<string, string[]>, key: string): string | undefined => {
    const v = conf.get(key);
    if (v && v.length !== 1) throw new Error(`${key} repeated`);
    return v?.[0];
};

const base: RedisConfOptions = {
    bind: ["0.0.0.0"],
    port: 6379,
    password: "s3cretPassw0rdThatIsLong",
    dir: "/data",
    memoryMiB: 512,
    maxmemoryPolicy: "allkeys-lru",
};

describe("redisMaxmemoryMb", () => {
    it("leaves a quarter of the container for forks, buffers and fragmentation", () => {
        expect(redisMaxmemoryMb(64)).toBe(48);
        expect(redisMaxmemoryMb(512)).toBe(384);
        expect(redisMaxmemoryMb(1000)).toBe(750);
        expect(() => redisMaxmemoryMb(32)).toThrow(/redis\.conf: memoryMiB is 32; expected a whole number of at least 64 MiB/);
    });
});

describe("redisString", () => {
    it("double-quotes with the escapes Redis's parser reads back", () => {
        expect(redisString("plain")).toBe('"plain"');
        expect(redisString("")).toBe('""');
        expect(redisString('a"b\\c')).toBe('"a\\"b\\\\c"');
        expect(redisString("line\nbreak")).toBe('"line\\x0abreak"');
    });
});

describe("renderRedisConf", () => {
    it("renders the Docker config: password, AOF every second, maxmemory and policy, protected mode", () => {
        const conf = parseConf(renderRedisConf(base));
        const get = (k: string): string | undefined => one(conf, k);
        expect(get("bind")).toBe("0.0.0.0");
        expect(get("port")).toBe("6379");
        expect(get("requirepass")).toBe('"s3cretPassw0rdThatIsLong"');
        expect(get("protected-mode")).toBe("yes");
        expect(get("appendonly")).toBe("yes");
        expect(get("appendfsync")).toBe("everysec");
        expect(get("maxmemory")).toBe("384mb");
        expect(get("maxmemory-policy")).toBe("allkeys-lru");
        expect(get("dir")).toBe('"/data"');
        expect(get("save")).toBe("3600 1 300 100 60 10000");
        expect(get("tcp-keepalive")).toBe("300");
        expect(get("timeout")).toBe("0");
        expect(get("daemonize")).toBe("no");
        expect(get("logfile")).toBe('""');
        expect(get("enable-protected-configs")).toBe("no");
        expect(get("enable-debug-command")).toBe("no");
        expect(get("enable-module-command")).toBe("no");
    });

    it("disables FLUSHALL but keeps CONFIG (redis_exporter) and FLUSHDB (framework cache clears)", () => {
        expect(defaultRenamedCommands).toEqual({ FLUSHALL: "" });
        const renames = parseConf(renderRedisConf(base)).get("rename-command");
        expect(renames).toEqual(['FLUSHALL ""']);
        expect(renames?.some((r) => /^(CONFIG|FLUSHDB) /.test(r))).toBe(false);
        const custom = parseConf(renderRedisConf({ ...base, renamedCommands: { flushdb: "", KEYS: "keys-9f3a" } })).get("rename-command");
        expect(custom).toEqual(['FLUSHDB ""', 'KEYS "keys-9f3a"']);
    });

    it("takes every address, port, path and policy as an option (loopback run, no snapshots)", () => {
        const conf = parseConf(
            renderRedisConf({
                ...base,
                bind: ["127.0.0.1", "::1"],
                port: 16379,
                dir: "/tmp/redis it",
                memoryMiB: 128,
                maxmemoryPolicy: "noeviction",
                snapshots: false,
                timeoutSeconds: 600,
                tcpKeepaliveSeconds: 60,
            }),
        );
        expect(one(conf, "bind")).toBe("127.0.0.1 ::1");
        expect(one(conf, "port")).toBe("16379");
        expect(one(conf, "dir")).toBe('"/tmp/redis it"');
        expect(one(conf, "maxmemory")).toBe("96mb");
        expect(one(conf, "maxmemory-policy")).toBe("noeviction");
        expect(one(conf, "save")).toBe('""');
        expect(conf.has("dbfilename")).toBe(false);
        expect(one(conf, "appendonly")).toBe("yes");
        expect(one(conf, "timeout")).toBe("600");
        expect(one(conf, "tcp-keepalive")).toBe("60");
    });

    it("quotes a password with special characters so it cannot inject a directive", () => {
        const text = renderRedisConf({ ...base, password: 'pw"\nrename-command CONFIG ""x' });
        const conf = parseConf(text);
        expect(one(conf, "requirepass")).toBe('"pw\\"\\x0arename-command CONFIG \\"\\"x"');
        expect(conf.get("rename-command")).toEqual(['FLUSHALL ""']);
    });

    it("rejects values Redis would refuse or that leave it unprotected", () => {
        expect(() => renderRedisConf({ ...base, password: "short" })).toThrow(/password is \[secret\]; expected at least 16 characters/);
        expect(() => renderRedisConf({ ...base, port: 0 })).toThrow(/port is 0; expected a TCP port from 1 to 65535/);
        expect(() => renderRedisConf({ ...base, bind: [] })).toThrow(/bind is \[\]; expected at least one address/);
        expect(() => renderRedisConf({ ...base, memoryMiB: 10 })).toThrow(/memoryMiB is 10; expected a whole number of at least 64 MiB/);
        expect(() => renderRedisConf({ ...base, timeoutSeconds: -1 })).toThrow(/timeoutSeconds is -1; expected a whole number of seconds/);
        expect(() => renderRedisConf({ ...base, renamedCommands: { "FLUSHALL x": "" } })).toThrow(/renamedCommands is "FLUSHALL x"; expected Redis command names/);
    });
});

describe("redisRestartScript", () => {
    it("restarts only when the running copy differs from the file on the host", () => {
        const script = redisRestartScript({ container: "dev-redis", runningConf: "/run/redis/redis.conf", hostConf: "/mnt/data/redis/redis.conf" });
        expect(script.split("\n")).toEqual([
            "set -eu",
            "if docker exec 'dev-redis' cat '/run/redis/redis.conf' 2>/dev/null | cmp -s - '/mnt/data/redis/redis.conf'; then exit 0; fi",
            "docker restart 'dev-redis' >/dev/null",
        ]);
    });
});
