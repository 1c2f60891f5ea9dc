/**
 * Tier 5 smoke test of the stand-in images (tests/docker/harness/standins.ts): each one runs
 * once on the tier-5 daemon and keeps the official image's contract our payload relies on —
 * the uid it runs as, its users' ids, the tools our health checks call — and the postgres
 * stand-in initialises an empty data directory from POSTGRES_PASSWORD_FILE with the rendered
 * configuration, answers pg_isready, and fails (Permission denied) when uid 70 cannot read
 * its configuration directory, as the official entrypoint does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { images } from "../../components/shared/images";
import { runOk } from "../live/harness/commands";
import { startDaemon, tier5Dir, type Daemon } from "./harness/daemon";
import { buildBackupImage, buildStandins, officialImages, parseImageRef, standinFor, type BuiltStandins } from "./harness/standins";

/** The uid each official image's process starts as (its USER, root when it sets none), from its Dockerfile. */
const officialUid: Record<string, number> = {
    nginx: 0,
    postgres: 0,
    redis: 0,
    node: 0,
    "prom/prometheus": 65534,
    "prom/alertmanager": 65534,
    "prom/node-exporter": 65534,
    "prom/blackbox-exporter": 0,
    "quay.io/prometheuscommunity/postgres-exporter": 65534,
    "oliver006/redis_exporter": 59000,
    "nginx/nginx-prometheus-exporter": 1001,
    "grafana/grafana": 472,
    "certbot/certbot": 0,
    "restic/restic": 0,
};

/** Named users the official images create (user → uid:gid), checked with `id` inside the stand-in. */
const officialUsers: Record<string, Record<string, string>> = {
    nginx: { nginx: "101:101" },
    postgres: { postgres: "70:70" },
    redis: { redis: "999:1000" },
    node: { node: "1000:1000" },
    "grafana/grafana": { grafana: "472:0" },
};

/** Tools our payload's health checks and commands call in each image. */
const tools: Record<string, string[]> = {
    nginx: ["nginx", "wget", "/bin/sh", "/docker-entrypoint.sh"],
    postgres: ["pg_isready", "pg_dump", "pg_restore", "psql", "gosu", "su-exec", "docker-entrypoint.sh"],
    redis: ["redis-server", "redis-cli", "install", "sed", "grep", "docker-entrypoint.sh"],
    node: ["node", "wget"],
    "prom/prometheus": ["/bin/prometheus", "/bin/promtool", "wget"],
    "prom/alertmanager": ["/bin/alertmanager", "/bin/amtool", "wget"],
    "prom/node-exporter": ["/bin/node_exporter", "wget"],
    "prom/blackbox-exporter": ["/bin/blackbox_exporter", "wget"],
    "quay.io/prometheuscommunity/postgres-exporter": ["/bin/postgres_exporter", "wget"],
    "oliver006/redis_exporter": ["/redis_exporter", "wget"],
    "nginx/nginx-prometheus-exporter": ["/usr/bin/nginx-prometheus-exporter"],
    "grafana/grafana": ["/run.sh", "grafana", "wget"],
    "certbot/certbot": ["certbot", "/bin/sh"],
    "restic/restic": ["/usr/bin/restic"],
};

let daemon: Daemon;
let built: BuiltStandins;
let work: string;

beforeAll(async () => {
    daemon = await startDaemon();
    built = await buildStandins(daemon);
    const again = await buildStandins(daemon);
    console.log(`stand-ins: first build ${built.warm ? "warm" : "cold"} ${(built.ms / 1000).toFixed(1)} s; second ${again.warm ? "warm" : "COLD"} ${(again.ms / 1000).toFixed(1)} s`);
    expect(again.warm).toBe(true);
    work = path.join(tier5Dir(), "test-runs", `standins-${process.pid}`);
    fs.rmSync(work, { recursive: true, force: true });
    fs.mkdirSync(work, { recursive: true });
    // The real rendered files of the local stack (postgresql.conf, pg_hba.conf, the password).
    await runOk("npm", ["run", "--silent", "render", "--", "--stack", "local", "--out", path.join(work, "render")], { cwd: path.resolve(__dirname, "../.."), timeoutMs: 120_000 });
});

afterAll(async () => {
    await daemon?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("the tier-5 daemon", () => {
    it("refuses a second start on the same directory while the first runs (it would stop that daemon)", async () => {
        await expect(startDaemon()).rejects.toThrow(/is in use by process \d+/);
        expect((await daemon.docker(["info", "--format", "{{.ServerVersion}}"])).code).toBe(0);
    });
});

describe("stand-in names", () => {
    it("map an official reference to slipway-standin/<path with / as ->:<tag>, digest dropped", () => {
        expect(standinFor("postgres:16.6-alpine")).toBe("slipway-standin/postgres:16.6-alpine");
        expect(standinFor("quay.io/prometheuscommunity/postgres-exporter:v0.16.0")).toBe("slipway-standin/quay.io-prometheuscommunity-postgres-exporter:v0.16.0");
        expect(standinFor(`restic/restic:0.17.3@sha256:${"a".repeat(64)}`)).toBe("slipway-standin/restic-restic:0.17.3");
        expect(() => standinFor("mysql:8.4")).toThrow(/No stand-in for image "mysql:8.4"/);
        expect(() => standinFor("postgres")).toThrow(/has no tag/);
    });

    it("cover every image of components/shared/images.ts and the Dockerfile bases", () => {
        for (const ref of Object.values(images)) expect(officialImages()).toContain(ref);
        expect(officialImages().some((r) => parseImageRef(r).repository === "node")).toBe(true);
        expect(Object.keys(built.images).sort()).toEqual(officialImages());
    });
});

describe.each(Object.values(officialImagesOnce()))("stand-in for %s", (ref) => {
    const repository = parseImageRef(ref).repository;

    it("runs as the official image's uid and keeps its users' ids", async () => {
        const img = standinFor(ref);
        const r = await daemon.docker(["run", "--rm", "--network", "none", "--entrypoint", "id", img, "-u"], { check: true });
        expect(Number(r.stdout.trim()), `${img}: id -u`).toBe(officialUid[repository]);
        for (const [user, ids] of Object.entries(officialUsers[repository] ?? {})) {
            const u = await daemon.docker(["run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", img, "-c", `echo "$(id -u ${user}):$(id -g ${user})"`], { check: true });
            expect(u.stdout.trim(), `${img}: ${user}`).toBe(ids);
        }
    });

    it("has the tools our health checks and commands call", async () => {
        const img = standinFor(ref);
        const list = tools[repository];
        const r = await daemon.docker(["run", "--rm", "--network", "none", "--user", "0", "--entrypoint", "/bin/sh", img, "-c", `for t in ${list.join(" ")}; do command -v "$t" >/dev/null || { echo "missing $t"; exit 1; }; done`]);
        expect(r.stdout + r.stderr, img).not.toMatch(/missing/);
        expect(r.code).toBe(0);
    });
});

function officialImagesOnce(): string[] {
    return officialImages();
}

describe("the nginx-exporter health check", () => {
    it("`/usr/bin/nginx-prometheus-exporter --version` exits 0 (the payload's health check)", async () => {
        const r = await daemon.docker(["run", "--rm", "--network", "none", "--entrypoint", "/usr/bin/nginx-prometheus-exporter", standinFor(images.nginxExporter), "--version"]);
        expect(r.code, r.stderr).toBe(0);
    });
});

describe("the postgres stand-in's entrypoint", () => {
    /** Host directories as the payload bind-mounts them: data (empty), conf (rendered), password. */
    function hostDirs(name: string, confOwner: { uid: number; mode: number }) {
        const root = path.join(work, name);
        const conf = path.join(root, "conf");
        fs.mkdirSync(path.join(root, "data"), { recursive: true });
        fs.cpSync(path.join(work, "render/postgres/conf"), conf, { recursive: true });
        fs.copyFileSync(path.join(work, "render/postgres/secrets/password"), path.join(root, "password"));
        fs.chmodSync(path.join(root, "password"), 0o444);
        for (const f of fs.readdirSync(conf)) fs.chownSync(path.join(conf, f), confOwner.uid, confOwner.uid);
        fs.chownSync(conf, confOwner.uid, confOwner.uid);
        fs.chmodSync(conf, confOwner.mode);
        return root;
    }

    /** The db-postgres container of the plan, in short: read-only root, tmpfs, capabilities, env. */
    function runArgs(name: string, root: string): string[] {
        return [
            "run", "-d", "--name", name, "--network", "none", "--read-only",
            "--tmpfs", "/tmp:rw,nosuid,nodev,noexec,size=64m", "--tmpfs", "/var/run/postgresql:rw,nosuid,nodev,noexec,size=1m",
            "--cap-drop", "ALL", ...["CHOWN", "SETUID", "SETGID", "DAC_OVERRIDE", "FOWNER"].flatMap((c) => ["--cap-add", c]),
            "-e", "POSTGRES_DB=app", "-e", "POSTGRES_USER=app", "-e", "POSTGRES_PASSWORD_FILE=/run/secrets/postgres-password",
            "-v", `${root}/data:/var/lib/postgresql/data`, "-v", `${root}/conf:/etc/slipway/postgres:ro`, "-v", `${root}/password:/run/secrets/postgres-password:ro`,
            standinFor(images.postgres), "postgres", "-c", "config_file=/etc/slipway/postgres/postgresql.conf",
        ];
    }

    it("initialises an empty data directory as uid 70 and answers pg_isready with the rendered config", async () => {
        const root = hostDirs("pg-ok", { uid: 0, mode: 0o755 });
        await daemon.docker(runArgs("standin-pg-ok", root), { check: true });
        let ready = false;
        for (let i = 0; i < 120 && !ready; i++) {
            const r = await daemon.docker(["exec", "standin-pg-ok", "pg_isready", "-h", "127.0.0.1", "-p", "5432", "-U", "app", "-d", "app"]);
            ready = r.code === 0;
            if (!ready) {
                const state = (await daemon.docker(["inspect", "--format", "{{.State.Running}}", "standin-pg-ok"])).stdout.trim();
                if (state !== "true") break;
                await new Promise((res) => setTimeout(res, 500));
            }
        }
        const logs = await daemon.docker(["logs", "standin-pg-ok"]);
        expect(ready, `pg_isready never succeeded; logs:\n${logs.stdout}${logs.stderr}`).toBe(true);
        const owner = fs.statSync(path.join(root, "data/PG_VERSION"));
        expect(`${owner.uid}:${owner.gid}`).toBe("70:70");
        const ps = await daemon.docker(["exec", "standin-pg-ok", "sh", "-c", "ps -o user= -p 1; psql -U app -d app -Atc 'show config_file'"], { check: true });
        expect(ps.stdout).toContain("postgres\n");
        expect(ps.stdout).toContain("/etc/slipway/postgres/postgresql.conf");
        await daemon.docker(["rm", "-f", "-v", "standin-pg-ok"], { check: true });
    });

    it("fails with Permission denied when its config directory is 0700 and owned by uid 1000", async () => {
        const root = hostDirs("pg-denied", { uid: 1000, mode: 0o700 });
        await daemon.docker(runArgs("standin-pg-denied", root), { check: true });
        const status = await daemon.docker(["wait", "standin-pg-denied"], { check: true, timeoutMs: 120_000 });
        const logs = await daemon.docker(["logs", "standin-pg-denied"]);
        expect(Number(status.stdout.trim())).not.toBe(0);
        expect(logs.stdout + logs.stderr).toMatch(/Permission denied/);
        await daemon.docker(["rm", "-f", "-v", "standin-pg-denied"], { check: true });
    });
});

describe("the redis stand-in's entrypoint", () => {
    it("runs the payload's command with its capabilities: redis-server as uid 999, /data chowned, PONG", async () => {
        const root = path.join(work, "redis");
        fs.mkdirSync(path.join(root, "data"), { recursive: true });
        fs.chownSync(path.join(root, "data"), 1000, 1000);
        fs.writeFileSync(path.join(root, "redis.conf"), 'requirepass "smoke"\nappendonly yes\n', { mode: 0o600 });
        // The cache-redis container of the plan: entrypoint /bin/sh -c, read-only root, tmpfs /run/redis.
        await daemon.docker(
            [
                "run", "-d", "--name", "standin-redis", "--network", "none", "--read-only",
                "--tmpfs", "/run/redis:rw,nosuid,nodev,noexec,size=1m,mode=0755",
                "--cap-drop", "ALL", ...["CHOWN", "SETUID", "SETGID", "DAC_READ_SEARCH"].flatMap((c) => ["--cap-add", c]),
                "-v", `${root}/data:/data`, "-v", `${root}/redis.conf:/etc/redis/redis.conf:ro`,
                "--entrypoint", "/bin/sh", standinFor(images.redis),
                "-c", "install -o redis -g redis -m 0600 /etc/redis/redis.conf /run/redis/redis.conf && exec docker-entrypoint.sh redis-server /run/redis/redis.conf",
            ],
            { check: true },
        );
        const health = `REDISCLI_AUTH="$(sed -n 's/^requirepass "\\(.*\\)"$/\\1/p' /run/redis/redis.conf)" redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG`;
        let healthy = false;
        for (let i = 0; i < 40 && !healthy; i++) {
            healthy = (await daemon.docker(["exec", "standin-redis", "sh", "-c", health])).code === 0;
            if (!healthy) await new Promise((res) => setTimeout(res, 250));
        }
        const logs = await daemon.docker(["logs", "standin-redis"]);
        expect(healthy, `the payload's redis health check never passed; logs:\n${logs.stdout}${logs.stderr}`).toBe(true);
        const pid1 = await daemon.docker(["exec", "standin-redis", "ps", "-o", "uid=", "-p", "1"], { check: true });
        expect(pid1.stdout.trim()).toBe("999");
        // The entrypoint's umask for redis-server (the inherited default was 0022): its files stay private.
        const umask = await daemon.docker(["exec", "standin-redis", "grep", "^Umask:", "/proc/1/status"], { check: true });
        expect(umask.stdout).toMatch(/^Umask:\s+0077$/m);
        expect(fs.statSync(path.join(root, "data")).uid).toBe(999);
        await daemon.docker(["rm", "-f", "-v", "standin-redis"], { check: true });
    });
});

/** Polls `docker exec NAME …args` until it exits 0 (true) or the container stops or `tries` run out. */
async function execUntilOk(name: string, args: string[], tries = 120, delayMs = 500): Promise<boolean> {
    for (let i = 0; i < tries; i++) {
        if ((await daemon.docker(["exec", name, ...args])).code === 0) return true;
        const state = (await daemon.docker(["inspect", "--format", "{{.State.Running}}", name])).stdout.trim();
        if (state !== "true") return false;
        await new Promise((res) => setTimeout(res, delayMs));
    }
    return false;
}

/** The logs of a container, both streams, for a failure message. */
async function logsOf(name: string): Promise<string> {
    const l = await daemon.docker(["logs", name]);
    return l.stdout + l.stderr;
}

// Our own entrypoint implementations (tests/docker/standins/*/docker-entrypoint.sh): the parts
// of the official contract the payload does not exercise above.
describe("the postgres stand-in's entrypoint, beyond the payload's case", () => {
    it("refuses to initialise without a password, naming the variables to set", async () => {
        const r = await daemon.docker(["run", "--rm", "--network", "none", standinFor(images.postgres)], { timeoutMs: 60_000 });
        expect(r.code).not.toBe(0);
        expect(r.stderr).toMatch(/POSTGRES_PASSWORD.*POSTGRES_PASSWORD_FILE/);
    });

    it("runs /docker-entrypoint-initdb.d (*.sql, sourced *.sh) into POSTGRES_DB once, and skips initialisation on the next start", async () => {
        const root = path.join(work, "pg-init");
        fs.mkdirSync(path.join(root, "data"), { recursive: true });
        fs.mkdirSync(path.join(root, "initdb"), { recursive: true });
        fs.writeFileSync(path.join(root, "initdb/10-table.sql"), "CREATE TABLE t (v text);\nINSERT INTO t VALUES ('from-sql');\n");
        // Not executable: sourced, with the entrypoint's environment (POSTGRES_USER, POSTGRES_DB).
        fs.writeFileSync(path.join(root, "initdb/20-row.sh"), 'psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -c "INSERT INTO t VALUES (\'from-sh\')"\n', { mode: 0o644 });
        fs.writeFileSync(path.join(root, "initdb/30-notes.txt"), "ignored\n");
        const start = (name: string) =>
            daemon.docker(
                [
                    "run", "-d", "--name", name, "--network", "none", "-e", "POSTGRES_PASSWORD=smoke", "-e", "POSTGRES_DB=initdb_test",
                    "-v", `${root}/data:/var/lib/postgresql/data`, "-v", `${root}/initdb:/docker-entrypoint-initdb.d:ro`, standinFor(images.postgres),
                ],
                { check: true },
            );
        const ready = ["pg_isready", "-h", "127.0.0.1", "-U", "postgres", "-d", "initdb_test"];
        const rows = ["psql", "-U", "postgres", "-d", "initdb_test", "-Atc", "SELECT string_agg(v, ',' ORDER BY v) FROM t"];

        await start("standin-pg-init");
        expect(await execUntilOk("standin-pg-init", ready), await logsOf("standin-pg-init")).toBe(true);
        expect((await daemon.docker(["exec", "standin-pg-init", ...rows], { check: true })).stdout.trim()).toBe("from-sh,from-sql");
        expect(await logsOf("standin-pg-init")).toMatch(/ignoring \/docker-entrypoint-initdb.d\/30-notes.txt/);
        await daemon.docker(["rm", "-f", "-v", "standin-pg-init"], { check: true });

        await start("standin-pg-again");
        expect(await execUntilOk("standin-pg-again", ready), await logsOf("standin-pg-again")).toBe(true);
        const again = await logsOf("standin-pg-again");
        expect(again).toContain("PostgreSQL Database directory appears to contain a database; Skipping initialization");
        expect(again).not.toMatch(/10-table\.sql/);
        expect((await daemon.docker(["exec", "standin-pg-again", ...rows], { check: true })).stdout.trim()).toBe("from-sh,from-sql");
        await daemon.docker(["rm", "-f", "-v", "standin-pg-again"], { check: true });
    });
});

describe("the nginx stand-in's entrypoint", () => {
    it("runs its hooks for the default command: templates through envsubst, local resolvers, worker autotune", async () => {
        const root = path.join(work, "nginx");
        fs.mkdirSync(path.join(root, "templates"), { recursive: true });
        // ${GREETING} is set and substituted; nginx's own $request_method is not in the environment and
        // survives; ${NGINX_LOCAL_RESOLVERS} comes from the sourced 15-local-resolvers.envsh (nginx
        // rewrites its argv over its environment, so /proc/1/environ cannot show it).
        fs.writeFileSync(path.join(root, "templates/greet.conf.template"), 'server {\n    listen 8080;\n    location / { return 200 "${GREETING} $request_method ${NGINX_LOCAL_RESOLVERS}\\n"; }\n}\n');
        await daemon.docker(
            [
                "run", "-d", "--name", "standin-nginx", "--network", "none", "--cpus", "1",
                "-e", "GREETING=hello", "-e", "NGINX_ENTRYPOINT_LOCAL_RESOLVERS=1", "-e", "NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE=1",
                "-v", `${root}/templates:/etc/nginx/templates:ro`, standinFor(images.nginx),
            ],
            { check: true },
        );
        const served = await execUntilOk("standin-nginx", ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"], 40, 250);
        const logs = await logsOf("standin-nginx");
        expect(served, `the template's server never answered; logs:\n${logs}`).toBe(true);
        expect(logs).toMatch(/20-envsubst-on-templates\.sh/);
        const body = await daemon.docker(["exec", "standin-nginx", "wget", "-q", "-O", "-", "http://127.0.0.1:8080/"], { check: true });
        const resolvers = await daemon.docker(["exec", "standin-nginx", "awk", '$1 == "nameserver" { printf "%s%s", s, ($2 ~ /:/ ? "[" $2 "]" : $2); s = " " }', "/etc/resolv.conf"], { check: true });
        expect(resolvers.stdout, "the container has no nameserver to check NGINX_LOCAL_RESOLVERS with").not.toBe("");
        expect(body.stdout).toBe(`hello GET ${resolvers.stdout}\n`);
        // --cpus 1 on this 2-core machine: the cgroup quota, not the CPU count, decides.
        const tuned = await daemon.docker(["exec", "standin-nginx", "grep", "-E", "^worker_processes", "/etc/nginx/nginx.conf"], { check: true });
        expect(tuned.stdout).toBe("worker_processes  1;\n");
        await daemon.docker(["rm", "-f", "-v", "standin-nginx"], { check: true });
    });

    it("starts on a read-only root with tmpfs for its cache and pid file, quiet when NGINX_ENTRYPOINT_QUIET_LOGS is set", async () => {
        await daemon.docker(
            [
                "run", "-d", "--name", "standin-nginx-ro", "--network", "none", "--read-only", "--tmpfs", "/var/cache/nginx", "--tmpfs", "/run",
                "-e", "NGINX_ENTRYPOINT_QUIET_LOGS=1", "-e", "NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE=1", standinFor(images.nginx),
            ],
            { check: true },
        );
        const served = await execUntilOk("standin-nginx-ro", ["sh", "-c", "wget -q -O - http://127.0.0.1/ | grep -q 'slipway stand-in'"], 40, 250);
        const logs = await logsOf("standin-nginx-ro");
        expect(served, `the default server never answered; logs:\n${logs}`).toBe(true);
        expect(logs).not.toMatch(/docker-entrypoint|worker_processes/);
        await daemon.docker(["rm", "-f", "-v", "standin-nginx-ro"], { check: true });
    });
});

describe("the node stand-in's entrypoint", () => {
    it("prepends node to an option or a script file, and runs a command unchanged", async () => {
        const img = standinFor(officialImages().find((r) => parseImageRef(r).repository === "node") ?? "node:missing");
        fs.mkdirSync(path.join(work, "node"), { recursive: true });
        fs.writeFileSync(path.join(work, "node/hello.js"), "console.log('script', process.argv.length);\n", { mode: 0o644 });
        const run = async (...args: string[]) =>
            (await daemon.docker(["run", "--rm", "--network", "none", "--read-only", "--user", "1000:1000", "-v", `${work}/node:/srv:ro`, "-w", "/srv", img, ...args], { check: true })).stdout.trim();
        expect(await run("--version")).toMatch(/^v\d+\./);
        expect(await run("-e", "console.log(6 * 7)")).toBe("42");
        expect(await run("hello.js")).toBe("script 2");
        expect(await run("node", "hello.js", "x")).toBe("script 3");
        expect(await run("sh", "-c", 'echo "$0"', "ran-by-sh")).toBe("ran-by-sh");
    });
});

describe("backup/Dockerfile on the stand-ins", () => {
    it("builds unchanged but for FROM (addgroup/adduser, crond, pgrep) and runs crond as the health check expects", async () => {
        const tag = "slipway-standin/backup:smoke";
        await buildBackupImage(daemon, tag);
        const ids = await daemon.docker(["run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", tag, "-c", 'echo "$(id -u backup):$(id -g backup)"; command -v restic pg_dump crond pgrep'], { check: true });
        expect(ids.stdout).toMatch(/^10001:10001\n/);
        await daemon.docker(["run", "-d", "--name", "standin-backup", "--network", "none", tag], { check: true });
        let up = false;
        for (let i = 0; i < 40 && !up; i++) {
            up = (await daemon.docker(["exec", "standin-backup", "pgrep", "-x", "crond"])).code === 0;
            if (!up) await new Promise((res) => setTimeout(res, 250));
        }
        const logs = await daemon.docker(["logs", "standin-backup"]);
        expect(up, `pgrep -x crond never matched; logs:\n${logs.stderr}`).toBe(true);
        await daemon.docker(["rm", "-f", "-v", "standin-backup"], { check: true });
    });
});
