import * as pulumi from "@pulumi/pulumi";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderAlertRules, renderAlertRuleTests } from "../../components/monitoring/alert-rules";
import { DockerMonitoring, type DockerMonitoringArgs } from "../../components/monitoring/docker";
import { normalizeMonitoringArgs, type MonitoringThresholds } from "../../components/monitoring/index";
import { renderPrometheusYml } from "../../components/monitoring/prometheus-yml";
import { FILE_MARKER } from "../../components/shared/host-files";
import { reveal } from "../../offline/secret-value";
import { testDockerHost } from "../helpers/docker-host";
import { recordResources } from "../helpers/record";

/**
 * The rendered monitoring files checked by their real consumers, where they are installed
 * (Debian: prometheus, prometheus-alertmanager, prometheus-blackbox-exporter, installed by
 * scripts/install-test-deps). A missing tool fails its suite: a check that cannot run is not
 * a check that passed.
 */
const has = (tool: string): boolean => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
const run = (tool: string, args: string[], cwd?: string): string => {
    const r = spawnSync(tool, args, { cwd, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${tool} ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    return `${r.stdout}${r.stderr}`;
};

/** Every file the component writes, under a temporary directory laid out like the host's. */
async function renderToDir(args: Partial<Omit<DockerMonitoringArgs, "host">> = {}): Promise<string> {
    const root = "/srv/slipway";
    const { graph } = await recordResources(
        () =>
            new DockerMonitoring("mon", {
                host: testDockerHost({ dataDir: root }),
                targets: {
                    domain: "dev.example.com",
                    appTargets: ["app-1:8080"],
                    nginxStatusUrl: "http://edge:8081/stub_status",
                    postgres: { host: "postgres", port: 5432, user: "app", password: pulumi.secret("pw"), database: "app" },
                    redis: { host: "redis", port: 6379, password: pulumi.secret("pw") },
                },
                ...args,
            }),
    );
    const dir = mkdtempSync(join(tmpdir(), "slipway-monitoring-"));
    for (const c of graph.ofType("command:local:Command")) {
        const first = String(c.inputs.create).split("\n")[0];
        if (!first.startsWith(FILE_MARKER)) continue;
        const path = join(dir, first.slice(FILE_MARKER.length + root.length + 1));
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, reveal(c.inputs.stdin) as string);
    }
    return dir;
}

describe("promtool", () => {
    it("is installed (scripts/install-test-deps)", () => {
        expect(has("promtool"), "run scripts/install-test-deps").toBe(true);
    });

    it("accepts the rules and passes every firing and quiet case (defaults)", async () => {
        const dir = await renderToDir();
        expect(run("promtool", ["check", "rules", "--lint-fatal", join(dir, "prometheus/rules/slipway.yml")])).toContain("SUCCESS: 15 rules found");
        expect(run("promtool", ["test", "rules", join(dir, "prometheus/tests/slipway.test.yml")])).toContain("SUCCESS");
    });

    it.each<[MonitoringThresholds, { tlsExpiryDays?: number; backupMaxAgeHours?: number }]>([
        [{ cpuPercent: 97, memoryPercent: 99.5, error5xxPercent: 1, latencyP95Ms: 120, dbConnectionsPercentOfMax: 95, dbFreeStoragePercent: 25, cacheMemoryPercent: 99 }, { tlsExpiryDays: 30, backupMaxAgeHours: 48 }],
        [{ cpuPercent: 100, memoryPercent: 100, error5xxPercent: 100, latencyP95Ms: 7000, dbConnectionsPercentOfMax: 100, dbFreeStoragePercent: 100, cacheMemoryPercent: 100 }, {}],
        [{ cpuPercent: 0.5, memoryPercent: 1, error5xxPercent: 0.3, latencyP95Ms: 10, dbConnectionsPercentOfMax: 2, dbFreeStoragePercent: 0.1, cacheMemoryPercent: 1.5 }, { tlsExpiryDays: 1, backupMaxAgeHours: 1.5 }],
    ])("passes its own cases for thresholds %j %j", (thresholds, extra) => {
        const dir = mkdtempSync(join(tmpdir(), "slipway-rules-"));
        const opts = { thresholds: normalizeMonitoringArgs({ thresholds }).thresholds, dataMountpoint: "/mnt/slipway", ...extra };
        mkdirSync(join(dir, "rules"));
        writeFileSync(join(dir, "rules/slipway.yml"), renderAlertRules(opts));
        writeFileSync(join(dir, "tests.yml"), renderAlertRuleTests({ ...opts, ruleFiles: ["rules/slipway.yml"] }));
        expect(run("promtool", ["test", "rules", "tests.yml"], dir)).toContain("SUCCESS");
    });

    it("fails the tests when a rule drifts from its cases (they can fail)", async () => {
        const dir = await renderToDir();
        const rules = join(dir, "prometheus/rules/slipway.yml");
        const text = execFileSync("cat", [rules], { encoding: "utf8" });
        writeFileSync(rules, text.replace('[5m]))) > 80', '[5m]))) > 95'));
        expect(() => run("promtool", ["test", "rules", join(dir, "prometheus/tests/slipway.test.yml")])).toThrow(/CpuHigh/);
    });

    it("accepts prometheus.yml with 127.0.0.1 addresses and relative rule files", () => {
        const dir = mkdtempSync(join(tmpdir(), "slipway-prom-"));
        mkdirSync(join(dir, "rules"));
        writeFileSync(join(dir, "rules/slipway.yml"), renderAlertRules({ thresholds: normalizeMonitoringArgs().thresholds, dataMountpoint: "/" }));
        writeFileSync(
            join(dir, "prometheus.yml"),
            renderPrometheusYml({
                ruleFiles: ["rules/*.yml"],
                alertmanagers: ["127.0.0.1:9093"],
                prometheus: "127.0.0.1:9090",
                nodeExporter: "127.0.0.1:9100",
                postgresExporter: "127.0.0.1:9187",
                redisExporter: "127.0.0.1:9121",
                nginxExporter: "127.0.0.1:9113",
                appTargets: ["127.0.0.1:8081", "127.0.0.1:8082"],
                blackbox: { exporter: "127.0.0.1:9115", httpUrls: ["https://localhost:8443/health"], tlsAddresses: ["localhost:8443"] },
            }),
        );
        expect(run("promtool", ["check", "config", join(dir, "prometheus.yml")])).toContain("SUCCESS: 1 rule files found");
    });
});

describe("amtool", () => {
    it("is installed (scripts/install-test-deps)", () => {
        expect(has("amtool"), "run scripts/install-test-deps").toBe(true);
    });

    it.each<[string, Partial<Omit<DockerMonitoringArgs, "host">>]>([
        ["no receiver", {}],
        ["webhook", { webhookUrl: pulumi.secret("https://hooks.slack.com/services/T/B/X") }],
        [
            "email and webhook",
            {
                alarmEmails: ["a@example.com", "b@example.com"],
                webhookUrl: "https://example.com/hook?a=1&b=2",
                smtp: { smarthost: "smtp.example.com:587", from: "alerts@example.com", username: "alerts", password: pulumi.secret("p'\"#:x") },
            },
        ],
    ])("accepts alertmanager.yml with %s", async (_, args) => {
        const dir = await renderToDir(args);
        expect(run("amtool", ["check-config", join(dir, "alertmanager/alertmanager.yml")])).toContain("SUCCESS");
    });
});

describe("blackbox_exporter", () => {
    it("is installed (scripts/install-test-deps)", () => {
        expect(has("prometheus-blackbox-exporter"), "run scripts/install-test-deps").toBe(true);
    });

    it("accepts blackbox.yml", async () => {
        const dir = await renderToDir({});
        run("prometheus-blackbox-exporter", [`--config.file=${join(dir, "blackbox/blackbox.yml")}`, "--config.check"]);
    });
});
