import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import {
    DockerMonitoring,
    type DockerMonitoringArgs,
    type DockerMonitoringTargets,
    normalizeDockerMonitoringArgs,
    parseFileOwner,
    postgresExporterUri,
    redisExporterPasswordFile,
    sshTunnelCommand,
} from "../../components/monitoring/docker";
import { FILE_MARKER } from "../../components/shared/host-files";
import { images } from "../../components/shared/images";
import type { Graph } from "../../offline/graph";
import type { RecordedResource } from "../../offline/recorder";
import { isSecretValue, reveal } from "../../offline/secret-value";
import { checkArgError, expectArgError } from "../helpers/arg-error";
import { testDockerHost } from "../helpers/docker-host";
import { expectParentedAndPrefixed, isTestProvider } from "../helpers/children";
import { recordResources, resolve } from "../helpers/record";

const T = {
    component: "slipway:components:Monitoring",
    container: "docker:index/container:Container",
    command: "command:local:Command",
    password: "random:index/randomPassword:RandomPassword",
    provider: "pulumi:providers:docker",
};
const ROOT = "/srv/slipway";
const PG_PASSWORD = "pg-Secret-123";
const REDIS_PASSWORD = "redis-Secret-456";
const WEBHOOK = "https://hooks.slack.com/services/T000/B000/XYZsecret";

const targets = (over: Partial<DockerMonitoringTargets> = {}): DockerMonitoringTargets => ({
    domain: "dev.example.com",
    // Outputs where the stack passes Outputs, to prove they are wired without resources in apply.
    appTargets: pulumi.output(["app-1:8080", "app-2:8080"]),
    nginxStatusUrl: pulumi.output("http://edge:8081/stub_status"),
    postgres: { host: pulumi.output("postgres"), port: pulumi.output(5432), user: "app", password: pulumi.secret(PG_PASSWORD), database: "app" },
    redis: { host: "redis", port: 6379, password: pulumi.secret(REDIS_PASSWORD) },
    ...over,
});

async function build(over: Partial<Omit<DockerMonitoringArgs, "host">> = {}) {
    const { graph, result } = await recordResources(() => new DockerMonitoring("mon", { host: testDockerHost(), targets: targets(), ...over }));
    return { graph, mon: result };
}

const containers = (graph: Graph): Map<string, RecordedResource> => new Map(graph.ofType(T.container).map((c) => [c.name.replace(/^mon-/, ""), c]));

/** Host files by their path relative to the data directory. */
function files(graph: Graph): Map<string, RecordedResource> {
    const out = new Map<string, RecordedResource>();
    for (const c of graph.ofType(T.command)) {
        const first = String(c.inputs.create).split("\n")[0];
        if (first.startsWith(FILE_MARKER)) out.set(first.slice(FILE_MARKER.length).replace(`${ROOT}/`, ""), c);
    }
    return out;
}
const content = (file: RecordedResource): string => reveal(file.inputs.stdin) as string;
const load = (text: string): any => parse(text, { version: "1.1" });

/** Every place a value occurs in plain text (not inside a SecretValue), as paths. */
function plainOccurrences(v: unknown, needle: string, path = ""): string[] {
    if (isSecretValue(v)) return [];
    if (typeof v === "string") return v.includes(needle) ? [path] : [];
    if (Array.isArray(v)) return v.flatMap((x, i) => plainOccurrences(x, needle, `${path}[${i}]`));
    if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => plainOccurrences(x, needle, `${path}.${k}`));
    return [];
}

const envOf = (c: RecordedResource): unknown[] => (c.inputs.envs as unknown[] | undefined) ?? [];
const plainEnv = (c: RecordedResource, name: string): string | undefined =>
    envOf(c).find((e): e is string => typeof e === "string" && e.startsWith(`${name}=`))?.slice(name.length + 1);

describe("normalizeDockerMonitoringArgs", () => {
    const host = testDockerHost();

    it("applies the defaults: 15 days of metrics, the data dir as mount point, UIs on 3000/9090/9093", () => {
        const n = normalizeDockerMonitoringArgs({ host, targets: targets() });
        expect(n).toMatchObject({
            retentionDays: 15,
            dataMountpoint: ROOT,
            publish: { prometheus: 9090, grafana: 3000, alertmanager: 9093 },
            tlsExpiryDays: 14,
            backupMaxAgeHours: 26,
            alarmEmails: [],
            emailWithoutSmtp: false,
        });
        expect(n.email).toBeUndefined();
        expect(normalizeDockerMonitoringArgs({ host, targets: targets(), publish: { grafana: 3300, prometheus: undefined } }).publish).toEqual({
            prometheus: 9090,
            grafana: 3300,
            alertmanager: 9093,
        });
    });

    it("emails only with both recipients and an SMTP relay, and says when recipients cannot be emailed", () => {
        const smtp = { smarthost: "smtp.example.com:587", from: "alerts@example.com" };
        expect(normalizeDockerMonitoringArgs({ host, targets: targets(), alarmEmails: ["a@x.io", "A@x.io"], smtp }).email).toEqual({ to: ["a@x.io"], smtp });
        const noRelay = normalizeDockerMonitoringArgs({ host, targets: targets(), alarmEmails: ["a@x.io"] });
        expect(noRelay.email).toBeUndefined();
        expect(noRelay.emailWithoutSmtp).toBe(true);
        expect(normalizeDockerMonitoringArgs({ host, targets: targets(), smtp }).email).toBeUndefined();
    });

    it.each([
        [{ retentionDays: 0 }, { key: "retentionDays", value: 0, allowed: "a whole number of days from 1 to 3650" }],
        [{ retentionDays: 7.5 }, { key: "retentionDays", value: 7.5, allowed: "a whole number of days from 1 to 3650" }],
        [{ dataMountpoint: "mnt" }, { key: "dataMountpoint", value: "mnt", allowed: "an absolute path" }],
        [{ publish: { grafana: 70000 } }, { key: "publish.grafana", value: 70000, allowed: "a port from 1 to 65535" }],
        [{ publish: { grafana: 9090 } }, { key: "publish", allowed: /three different ports/ }],
        [{ tlsExpiryDays: -1 }, { key: "tlsExpiryDays", value: -1, allowed: "a positive number of days" }],
        [{ backupMaxAgeHours: 0 }, { key: "backupMaxAgeHours", value: 0, allowed: "at least 1 hour" }],
        [{ smtp: { smarthost: "smtp.example.com", from: "a@b.c" } }, { key: "smtp.smarthost", value: "smtp.example.com", allowed: /host:port/ }],
        [{ smtp: { smarthost: "smtp.example.com:25", from: "alerts" } }, { key: "smtp.from", value: "alerts", allowed: "an email address" }],
        [{ smtp: { smarthost: "smtp.example.com:25", from: "a@b.c", username: "u" } }, { key: "smtp.password", value: undefined, allowed: /both smtp.username and smtp.password/ }],
        [{ thresholds: { cpuPercent: 0 } }, { key: "thresholds.cpuPercent", value: 0, allowed: "a percentage above 0 and at most 100" }],
    ])("refuses %j", (over, want) => {
        expectArgError(() => normalizeDockerMonitoringArgs({ host, targets: targets(), ...(over as Partial<DockerMonitoringArgs>) }), want);
    });

    it("refuses a webhook URL that is not http(s) without printing it (it is a secret)", () => {
        const e = expectArgError(() => normalizeDockerMonitoringArgs({ host, targets: targets(), webhookUrl: "hooks.example.com" }), {
            key: "webhookUrl",
            value: "hooks.example.com",
            allowed: "an http(s) URL",
        });
        expect(e.secret).toBe(true);
        expect(e.message).not.toContain("hooks.example.com");
        expect(e.message).toContain("webhookUrl is [secret]");
    });
});

describe("helpers", () => {
    it("sshTunnelCommand forwards each loopback port to the same local port", () => {
        expect(sshTunnelCommand([3000, 9090], "deploy@203.0.113.7")).toBe("ssh -N -L 3000:127.0.0.1:3000 -L 9090:127.0.0.1:9090 deploy@203.0.113.7");
    });

    it("postgresExporterUri holds no credential and encodes the database; redisExporterPasswordFile is JSON keyed by the address", () => {
        expect(postgresExporterUri({ host: "postgres", port: 5432, database: "my db", sslMode: "require" })).toBe("postgres:5432/my%20db?sslmode=require");
        expect(JSON.parse(redisExporterPasswordFile("redis://redis:6379", 'p"w\\'))).toEqual({ "redis://redis:6379": 'p"w\\' });
    });

    it("parseFileOwner reads uid:gid from the probe's last line and refuses anything else", () => {
        expect(parseFileOwner("# slipway-file-owner\n1001:1002\n")).toBe("1001:1002");
        expect(() => parseFileOwner("")).toThrow(/owner of the host files/);
        expect(() => parseFileOwner("deploy:deploy")).toThrow(/got "deploy:deploy"/);
    });
});

describe("DockerMonitoring (defaults)", () => {
    let graph: Graph;
    let mon: DockerMonitoring;
    let byName: Map<string, RecordedResource>;
    let written: Map<string, RecordedResource>;

    beforeAll(async () => {
        ({ graph, mon } = await build());
        byName = containers(graph);
        written = files(graph);
    });

    it("parents every child to the component and prefixes its name", () => {
        const children = expectParentedAndPrefixed(graph, T.component, "mon", isTestProvider);
        expect(children.length).toBeGreaterThanOrEqual(25);
    });

    it("runs the eight services in fixed-name containers from the pinned images, replaced delete-first", () => {
        const expected: Record<string, [string, string]> = {
            prometheus: ["test-prometheus", images.prometheus],
            alertmanager: ["test-alertmanager", images.alertmanager],
            grafana: ["test-grafana", images.grafana],
            "node-exporter": ["test-node-exporter", images.nodeExporter],
            "postgres-exporter": ["test-postgres-exporter", images.postgresExporter],
            "redis-exporter": ["test-redis-exporter", images.redisExporter],
            "nginx-exporter": ["test-nginx-exporter", images.nginxExporter],
            "blackbox-exporter": ["test-blackbox-exporter", images.blackboxExporter],
        };
        expect([...byName.keys()].sort()).toEqual(Object.keys(expected).sort());
        const provider = graph.one(T.provider);
        for (const [key, [name, image]] of Object.entries(expected)) {
            const c = byName.get(key)!;
            expect(c.inputs.name).toBe(name);
            expect(c.inputs.image).toBe(image);
            expect(c.deleteBeforeReplace, key).toBe(true);
            expect(c.protect, key).toBe(false);
            expect(c.provider?.startsWith(provider.urn)).toBe(true);
        }
    });

    it("hardens every container", () => {
        for (const [key, c] of byName) {
            const i = c.inputs as Record<string, any>;
            expect(i.restart, key).toBe("unless-stopped");
            expect(i.privileged, key).toBe(false);
            expect(i.capabilities, key).toEqual({ drops: ["ALL"], adds: [] });
            expect(i.securityOpts, key).toEqual(["no-new-privileges:true"]);
            expect(i.readOnly, key).toBe(true);
            expect(i.memory, key).toBeGreaterThanOrEqual(32);
            expect(i.memorySwap, key).toBe(i.memory);
            expect(i.logOpts, key).toEqual({ "max-size": "10m", "max-file": "3" });
            expect(i.healthcheck.tests[0], key).toBe("CMD");
            expect(i.labels, key).toContainEqual({ label: "host.instance", value: "droplet-123" });
            expect(i.labels, key).toContainEqual({ label: "slipway.component", value: "Monitoring" });
            for (const ns of ["networkMode", "pidMode", "ipcMode", "usernsMode"]) expect(i[ns], `${key} ${ns}`).toBeUndefined();
        }
    });

    it("publishes only the three UIs, and only on 127.0.0.1", () => {
        const published = [...byName].filter(([, c]) => c.inputs.ports !== undefined);
        expect(Object.fromEntries(published.map(([k, c]) => [k, c.inputs.ports]))).toEqual({
            prometheus: [{ internal: 9090, external: 9090, ip: "127.0.0.1", protocol: "tcp" }],
            grafana: [{ internal: 3000, external: 3000, ip: "127.0.0.1", protocol: "tcp" }],
            alertmanager: [{ internal: 9093, external: 9093, ip: "127.0.0.1", protocol: "tcp" }],
        });
    });

    it("joins each container to the networks its traffic needs, under its service alias", () => {
        const nets = (key: string) => byName.get(key)!.inputs.networksAdvanced;
        expect(nets("prometheus")).toEqual([
            { name: "test-edge", aliases: ["prometheus"] },
            { name: "test-data", aliases: ["prometheus"] },
        ]);
        expect(nets("node-exporter")).toEqual([{ name: "test-data", aliases: ["node-exporter"] }]);
        expect(nets("postgres-exporter")).toEqual([{ name: "test-data", aliases: ["postgres-exporter"] }]);
        expect(nets("redis-exporter")).toEqual([{ name: "test-data", aliases: ["redis-exporter"] }]);
        expect(nets("nginx-exporter")).toEqual([{ name: "test-edge", aliases: ["nginx-exporter"] }]);
        expect(nets("blackbox-exporter")).toEqual([{ name: "test-edge", aliases: ["blackbox-exporter"] }]);
        expect(nets("alertmanager")).toEqual([{ name: "test-edge", aliases: ["alertmanager"] }]);
        expect(nets("grafana")).toEqual([{ name: "test-edge", aliases: ["grafana"] }]);
    });

    it("keeps 15 days of metrics and reads its config from the host directory", () => {
        const p = byName.get("prometheus")!.inputs as Record<string, any>;
        expect(p.command).toContain("--storage.tsdb.retention.time=15d");
        expect(p.command).toContain("--config.file=/etc/prometheus/prometheus.yml");
        expect(p.command).toContain("--storage.tsdb.path=/prometheus");
        expect(p.command).not.toContain("--web.enable-lifecycle");
        expect(p.volumes).toEqual([
            // The directory, read-only: a file replaced by rename is a new inode a file mount never sees.
            { hostPath: `${ROOT}/prometheus`, containerPath: "/etc/prometheus", readOnly: true },
            { hostPath: `${ROOT}/prometheus/data`, containerPath: "/prometheus" },
        ]);
    });

    it("gives node-exporter the host's /proc, /sys and data volume read-only instead of host namespaces", () => {
        const n = byName.get("node-exporter")!.inputs as Record<string, any>;
        expect(n.volumes).toEqual([
            { hostPath: "/proc", containerPath: "/host/proc", readOnly: true },
            { hostPath: "/sys", containerPath: "/host/sys", readOnly: true },
            { hostPath: ROOT, containerPath: `/host/root${ROOT}`, readOnly: true },
            { hostPath: `${ROOT}/node-exporter/textfile`, containerPath: "/host/textfile", readOnly: true },
        ]);
        expect(n.command).toEqual(
            expect.arrayContaining(["--path.procfs=/host/proc", "--path.sysfs=/host/sys", "--path.rootfs=/host/root", "--collector.textfile.directory=/host/textfile"]),
        );
        // "/" under the rootfs path is the container's own filesystem here: not reported.
        expect(n.command).toContain("--collector.filesystem.mount-points-exclude=^/($|(dev|proc|run|sys|boot|var/lib/docker)($|/))");
    });

    it("points nginx-exporter at stub_status and the exporters at their targets", () => {
        expect(byName.get("nginx-exporter")!.inputs.command).toEqual(["--nginx.scrape-uri=http://edge:8081/stub_status", "--web.listen-address=:9113"]);
        expect(plainEnv(byName.get("redis-exporter")!, "REDIS_ADDR")).toBe("redis://redis:6379");
        // Below the 10 s scrape timeout, so a dead Redis reads redis_up 0 instead of a failed scrape (tier 5).
        expect(plainEnv(byName.get("redis-exporter")!, "REDIS_EXPORTER_CONNECTION_TIMEOUT")).toBe("3s");
    });

    it("passes the exporters' credentials as 0600 files through their *_FILE settings, never in the environment or in plain text", () => {
        const pg = byName.get("postgres-exporter")!;
        expect(envOf(pg)).toEqual([
            "DATA_SOURCE_URI=postgres:5432/app?sslmode=disable",
            "DATA_SOURCE_USER=app",
            "DATA_SOURCE_PASS_FILE=/run/secrets/postgres-exporter/password",
        ]);
        expect(pg.inputs.volumes).toEqual([{ hostPath: `${ROOT}/postgres-exporter/secrets`, containerPath: "/run/secrets/postgres-exporter", readOnly: true }]);
        const pgFile = written.get("postgres-exporter/secrets/password")!;
        expect(String(pgFile.inputs.create)).toContain("chmod 0600");
        expect(isSecretValue(pgFile.inputs.stdin)).toBe(true);
        expect(reveal(pgFile.inputs.stdin)).toBe(`${PG_PASSWORD}\n`);

        const redis = byName.get("redis-exporter")!;
        expect(envOf(redis)).toEqual([
            "REDIS_ADDR=redis://redis:6379",
            "REDIS_PASSWORD_FILE=/run/secrets/redis-exporter/passwords.json",
            "REDIS_EXPORTER_CONNECTION_TIMEOUT=3s",
        ]);
        expect(redis.inputs.volumes).toEqual([{ hostPath: `${ROOT}/redis-exporter/secrets`, containerPath: "/run/secrets/redis-exporter", readOnly: true }]);
        const redisFile = written.get("redis-exporter/secrets/passwords.json")!;
        expect(String(redisFile.inputs.create)).toContain("chmod 0600");
        expect(isSecretValue(redisFile.inputs.stdin)).toBe(true);
        // Keyed by REDIS_ADDR exactly: redis_exporter looks the password up by the address it dials.
        expect(JSON.parse(String(reveal(redisFile.inputs.stdin)))).toEqual({ "redis://redis:6379": REDIS_PASSWORD });
        expect(graph.dependsOn(pg, pgFile) && graph.dependsOn(redis, redisFile)).toBe(true);
        // Read at start only: a changed password restarts them.
        const restart = graph.byName("mon-exporter-secrets-restart");
        expect(restart.inputs.create).toBe("docker restart test-postgres-exporter test-redis-exporter");
        expect(restart.inputs.triggers).toHaveLength(2);
        expect(graph.dependsOn(restart, pg) && graph.dependsOn(restart, redis)).toBe(true);
        for (const needle of [PG_PASSWORD, REDIS_PASSWORD]) {
            for (const r of graph.resources) expect(plainOccurrences(r.inputs, needle), `${r.name} holds ${needle} in plain text`).toEqual([]);
        }
    });

    it("runs the file-reading containers as the owner of the host files, found on the host", () => {
        const probe = graph.byName("mon-data-dirs");
        expect(String(probe.inputs.create)).toContain(`mkdir -p '${ROOT}/prometheus/data' '${ROOT}/alertmanager/data' '${ROOT}/grafana/data'`);
        expect(String(probe.inputs.create)).toContain('echo "$(id -u):$(id -g)"');
        expect(probe.inputs.triggers).toContain("droplet-123");
        for (const key of ["prometheus", "alertmanager", "grafana", "node-exporter", "blackbox-exporter", "postgres-exporter", "redis-exporter"]) {
            const c = byName.get(key)!;
            expect(c.inputs.user, key).toBe("1000:1000");
            expect(graph.dependsOn(c, probe), key).toBe(true);
        }
        // The exporter that reads no host file keeps its image's unprivileged user.
        expect(byName.get("nginx-exporter")!.inputs.user).toBeUndefined();
    });

    it("writes every config file under the data directory with the render marker", () => {
        expect([...written.keys()].sort()).toEqual([
            "alertmanager/alertmanager.yml",
            "blackbox/blackbox.yml",
            "grafana/dashboards/app.json",
            "grafana/dashboards/host.json",
            "grafana/dashboards/nginx.json",
            "grafana/dashboards/postgresql.json",
            "grafana/dashboards/redis.json",
            "grafana/provisioning/dashboards/slipway.yaml",
            "grafana/provisioning/datasources/slipway.yaml",
            "grafana/secrets/admin-password",
            "postgres-exporter/secrets/password",
            "prometheus/prometheus.yml",
            "prometheus/rules/slipway.yml",
            "prometheus/tests/slipway.test.yml",
            "redis-exporter/secrets/passwords.json",
        ]);
        expect(String(written.get("grafana/secrets/admin-password")!.inputs.create)).toContain("chmod 0600");
        expect(String(written.get("alertmanager/alertmanager.yml")!.inputs.create)).toContain("chmod 0600");
        expect(String(written.get("prometheus/prometheus.yml")!.inputs.create)).toContain("chmod 0644");
    });

    it("renders prometheus.yml with the service addresses, the app replicas and the public probe", () => {
        const cfg = load(content(written.get("prometheus/prometheus.yml")!));
        const job = (name: string) => cfg.scrape_configs.find((j: any) => j.job_name === name);
        expect(cfg.rule_files).toEqual(["/etc/prometheus/rules/*.yml"]);
        expect(cfg.global.external_labels).toEqual({ stack: "test" });
        expect(job("app").static_configs[0].targets).toEqual(["app-1:8080", "app-2:8080"]);
        expect(job("postgres").static_configs[0].targets).toEqual(["postgres-exporter:9187"]);
        expect(job("blackbox-http").static_configs[0].targets).toEqual(["https://dev.example.com/health"]);
        expect(job("blackbox-tls").static_configs[0].targets).toEqual(["dev.example.com:443"]);
        expect(cfg.alerting.alertmanagers[0].static_configs[0].targets).toEqual(["alertmanager:9093"]);
    });

    it("writes the rules with the data mount and their promtool tests beside them", () => {
        const rules = content(written.get("prometheus/rules/slipway.yml")!);
        expect(rules).toContain(`mountpoint="${ROOT}"`);
        const tests = load(content(written.get("prometheus/tests/slipway.test.yml")!));
        expect(tests.rule_files).toEqual(["../rules/slipway.yml"]);
        expect(tests.tests.length).toBe(30);
    });

    it("has no alert email or webhook by default, so alertmanager.yml is not secret", () => {
        const file = written.get("alertmanager/alertmanager.yml")!;
        expect(isSecretValue(file.inputs.stdin)).toBe(false);
        expect(load(content(file)).route.receiver).toBe("null");
    });

    it("provisions the data source the dashboards refer to", () => {
        const uid = load(content(written.get("grafana/provisioning/datasources/slipway.yaml")!)).datasources[0].uid;
        expect(load(content(written.get("grafana/provisioning/datasources/slipway.yaml")!)).datasources[0].url).toBe("http://prometheus:9090");
        expect(load(content(written.get("grafana/provisioning/dashboards/slipway.yaml")!)).providers[0].options.path).toBe("/etc/grafana/dashboards");
        for (const key of ["host", "nginx", "app", "postgresql", "redis"]) {
            const d = JSON.parse(content(written.get(`grafana/dashboards/${key}.json`)!));
            const uids = new Set<string>(d.panels.flatMap((p: any) => [p.datasource.uid, ...p.targets.map((t: any) => t.datasource.uid)]));
            expect([...uids], key).toEqual([uid]);
        }
    });

    it("gives Grafana a generated admin password through a 0600 file, no anonymous access, no sign-up", () => {
        const g = byName.get("grafana")!;
        const env = (n: string) => plainEnv(g, n);
        expect(env("GF_SECURITY_ADMIN_PASSWORD__FILE")).toBe("/run/secrets/grafana/admin-password");
        expect(env("GF_SECURITY_ADMIN_PASSWORD")).toBeUndefined();
        expect(env("GF_AUTH_ANONYMOUS_ENABLED")).toBe("false");
        expect(env("GF_USERS_ALLOW_SIGN_UP")).toBe("false");
        expect(env("GF_SERVER_ROOT_URL")).toBe("http://127.0.0.1:3000/");
        expect((g.inputs.volumes as any[]).find((v) => v.containerPath === "/run/secrets/grafana")).toEqual({
            hostPath: `${ROOT}/grafana/secrets`,
            containerPath: "/run/secrets/grafana",
            readOnly: true,
        });
        const file = written.get("grafana/secrets/admin-password")!;
        expect(isSecretValue(file.inputs.stdin)).toBe(true);
        expect(graph.one(T.password).inputs).toMatchObject({ length: 32, special: false });
    });

    it("mounts config files, makes containers wait for them, and never takes their content as an input", () => {
        const dependsOnFile = (key: string, path: string) => graph.dependsOn(byName.get(key)!, written.get(path)!);
        expect(dependsOnFile("prometheus", "prometheus/prometheus.yml")).toBe(true);
        expect(dependsOnFile("prometheus", "prometheus/rules/slipway.yml")).toBe(true);
        expect(dependsOnFile("alertmanager", "alertmanager/alertmanager.yml")).toBe(true);
        expect(dependsOnFile("blackbox-exporter", "blackbox/blackbox.yml")).toBe(true);
        expect(dependsOnFile("grafana", "grafana/dashboards/app.json")).toBe(true);
        expect(dependsOnFile("grafana", "grafana/secrets/admin-password")).toBe(true);
        for (const [key, c] of byName) {
            const text = JSON.stringify(reveal(c.inputs));
            for (const marker of ["scrape_configs", "groups:", "receivers", "modules", "apiVersion"]) expect(text, `${key} ${marker}`).not.toContain(marker);
        }
    });

    it("checks then reloads Prometheus, Alertmanager and blackbox when their files change; restarts Grafana for data sources", () => {
        const reload = (name: string) => graph.byName(`mon-${name}`);
        expect(reload("prometheus-reload").inputs.create).toBe(
            "docker exec test-prometheus promtool check config /etc/prometheus/prometheus.yml && docker kill --signal=HUP test-prometheus",
        );
        expect(reload("alertmanager-reload").inputs.create).toBe(
            "docker exec test-alertmanager amtool check-config /etc/alertmanager/alertmanager.yml && docker kill --signal=HUP test-alertmanager",
        );
        expect(reload("blackbox-reload").inputs.create).toBe(
            "docker exec test-blackbox-exporter blackbox_exporter --config.file=/etc/blackbox_exporter/blackbox.yml --config.check && docker kill --signal=HUP test-blackbox-exporter",
        );
        expect(reload("grafana-restart").inputs.create).toBe("docker restart test-grafana");
        for (const [name, container, file] of [
            ["prometheus-reload", "prometheus", "prometheus/prometheus.yml"],
            ["alertmanager-reload", "alertmanager", "alertmanager/alertmanager.yml"],
            ["blackbox-reload", "blackbox-exporter", "blackbox/blackbox.yml"],
            ["grafana-restart", "grafana", "grafana/provisioning/datasources/slipway.yaml"],
        ]) {
            const r = reload(name);
            expect(graph.dependsOn(r, byName.get(container)!), name).toBe(true);
            expect(graph.dependsOn(r, written.get(file)!), name).toBe(true);
            // Triggers are digests of the content, never the content (which may be secret).
            for (const t of r.inputs.triggers as unknown[]) expect(t, name).toMatch(/^[0-9a-f]{64}$/);
        }
    });

    it("outputs loopback URLs, the tunnel ports and the admin password as a secret", async () => {
        expect((await resolve(mon.prometheusUrl)).value).toBe("http://127.0.0.1:9090");
        expect((await resolve(mon.grafanaUrl)).value).toBe("http://127.0.0.1:3000");
        expect((await resolve(mon.alertmanagerUrl)).value).toBe("http://127.0.0.1:9093");
        expect((await resolve(mon.tunnelPorts)).value).toEqual([3000, 9090, 9093]);
        expect(await resolve(mon.tunnelCommand(pulumi.output("deploy@203.0.113.7")))).toEqual({
            value: "ssh -N -L 3000:127.0.0.1:3000 -L 9090:127.0.0.1:9090 -L 9093:127.0.0.1:9093 deploy@203.0.113.7",
            secret: false,
        });
        const password = await resolve(mon.grafanaAdminPassword);
        expect(password.secret).toBe(true);
        expect(password.value).toMatch(/^offline-/);
        const outputs = graph.one(T.component).outputs!;
        expect(isSecretValue(outputs.grafanaAdminPassword)).toBe(true);
        expect(Object.keys(outputs).sort()).toEqual(["alertmanagerUrl", "containerNames", "grafanaAdminPassword", "grafanaAdminUser", "grafanaUrl", "prometheusUrl", "tunnelPorts"]);
    });
});

describe("DockerMonitoring with notifications and options", () => {
    let graph: Graph;
    let written: Map<string, RecordedResource>;
    let byName: Map<string, RecordedResource>;

    beforeAll(async () => {
        ({ graph } = await build({
            alarmEmails: ["oncall@example.com"],
            webhookUrl: pulumi.secret(WEBHOOK),
            smtp: { smarthost: "smtp.example.com:587", from: "alerts@example.com", username: "alerts", password: pulumi.secret("smtp-Secret-789") },
            retentionDays: 30,
            publish: { grafana: 3300 },
            dataMountpoint: "/",
            thresholds: { cpuPercent: 70 },
            targets: targets({ probe: { url: "https://edge/health", tlsAddress: "edge:443", serverName: "app.localhost", insecureSkipVerify: true } }),
        }));
        written = files(graph);
        byName = containers(graph);
    });

    it("writes the webhook and SMTP password into a secret, 0600 alertmanager.yml and nowhere else", () => {
        const file = written.get("alertmanager/alertmanager.yml")!;
        expect(isSecretValue(file.inputs.stdin)).toBe(true);
        const cfg = load(content(file));
        expect(cfg.receivers[0].webhook_configs).toEqual([{ url: WEBHOOK, send_resolved: true }]);
        expect(cfg.receivers[0].email_configs).toEqual([{ to: "oncall@example.com", send_resolved: true }]);
        expect(cfg.global.smtp_auth_password).toBe("smtp-Secret-789");
        for (const needle of [WEBHOOK, "smtp-Secret-789"]) {
            for (const r of graph.resources) expect(plainOccurrences(r.inputs, needle), r.name).toEqual([]);
        }
    });

    it("applies retention, published port, mount point, thresholds and probe overrides", () => {
        expect(byName.get("prometheus")!.inputs.command).toContain("--storage.tsdb.retention.time=30d");
        expect(byName.get("grafana")!.inputs.ports).toEqual([{ internal: 3000, external: 3300, ip: "127.0.0.1", protocol: "tcp" }]);
        expect(plainEnv(byName.get("grafana")!, "GF_SERVER_ROOT_URL")).toBe("http://127.0.0.1:3300/");
        // The data directory (not the host's whole root) stands in for the root disk.
        const node = byName.get("node-exporter")!.inputs as Record<string, any>;
        expect(node.volumes).toContainEqual({ hostPath: ROOT, containerPath: "/host/root", readOnly: true });
        expect(node.command).toContain("--collector.filesystem.mount-points-exclude=^/(dev|proc|run|sys|boot|var/lib/docker)($|/)");
        const rules = content(written.get("prometheus/rules/slipway.yml")!);
        expect(rules).toContain('mountpoint="/"');
        expect(rules).toMatch(/\[5m\]\)\)\) > 70\n/);
        const prom = load(content(written.get("prometheus/prometheus.yml")!));
        expect(prom.scrape_configs.find((j: any) => j.job_name === "blackbox-http").static_configs[0].targets).toEqual(["https://edge/health"]);
        const bb = load(content(written.get("blackbox/blackbox.yml")!));
        expect(bb.modules.http_2xx.http.tls_config).toEqual({ insecure_skip_verify: true, server_name: "app.localhost" });
    });
});

describe("DockerMonitoring with credentials given as plain strings", () => {
    it("still keeps them secret", async () => {
        const { graph } = await build({
            webhookUrl: WEBHOOK,
            targets: targets({
                postgres: { host: "postgres", port: 5432, user: "app", password: PG_PASSWORD, database: "app" },
                redis: { host: "redis", port: 6379, password: REDIS_PASSWORD },
            }),
        });
        const byName = containers(graph);
        for (const key of ["postgres-exporter", "redis-exporter"]) expect(envOf(byName.get(key)!).some(isSecretValue), key).toBe(false);
        const f = files(graph);
        expect(isSecretValue(f.get("postgres-exporter/secrets/password")!.inputs.stdin)).toBe(true);
        expect(isSecretValue(f.get("redis-exporter/secrets/passwords.json")!.inputs.stdin)).toBe(true);
        expect(isSecretValue(files(graph).get("alertmanager/alertmanager.yml")!.inputs.stdin)).toBe(true);
        for (const needle of [PG_PASSWORD, REDIS_PASSWORD, WEBHOOK]) {
            for (const r of graph.resources) expect(plainOccurrences(r.inputs, needle), `${r.name} holds ${needle} in plain text`).toEqual([]);
        }
    });
});

describe("DockerMonitoring refusals and warnings", () => {
    it("needs the host's networks", async () => {
        const error = await recordResources(() => new DockerMonitoring("mon", { host: testDockerHost({ networks: undefined }), targets: targets() })).then(
            () => undefined,
            (e: unknown) => e,
        );
        checkArgError(error, { key: "host.networks", value: undefined, allowed: /DockerNetwork's hostNetworks/, component: "Monitoring", resourceName: "mon" });
    });

    it("warns when recipients are set but no SMTP relay can email them", async () => {
        const warn = vi.spyOn(pulumi.log, "warn").mockResolvedValue(undefined as never);
        try {
            await build({ alarmEmails: ["oncall@example.com"] });
            expect(warn).toHaveBeenCalledWith(expect.stringMatching(/alarmEmails are set but no smtp relay/), expect.anything());
        } finally {
            warn.mockRestore();
        }
    });
});
