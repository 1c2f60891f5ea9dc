import { describe, expect, it } from "vitest";
import { ComponentArgError } from "../../components/shared/errors";
import { parse } from "yaml";
import { type AlertmanagerYmlOptions, renderAlertmanagerYml } from "../../components/monitoring/alertmanager-yml";
import { renderBlackboxYml } from "../../components/monitoring/blackbox-yml";
import {
    buildDashboards,
    type Dashboard,
    defaultDatasourceUid,
    renderDashboard,
    renderGrafanaDashboardProvider,
    renderGrafanaDatasources,
} from "../../components/monitoring/grafana";
import { normalizeMonitoringArgs } from "../../components/monitoring/index";

const load = (text: string): any => parse(text, { version: "1.1" });

const smtp = { smarthost: "smtp.example.com:587", from: "alerts@example.com", username: "alerts", password: "s3cret'\"#" };

describe("renderAlertmanagerYml", () => {
    it("with nothing configured, routes to a receiver with no integrations (alerts stay in the UI)", () => {
        const cfg = load(renderAlertmanagerYml({}));
        expect(cfg.route.receiver).toBe("null");
        expect(cfg.receivers).toEqual([{ name: "null" }]);
        expect(cfg.global).toEqual({ resolve_timeout: "5m" });
        // "null" is quoted: unquoted it would be YAML's null, not a receiver name.
        expect(renderAlertmanagerYml({})).toContain('receiver: "null"');
    });

    it("groups by alert name and severity, repeats every 4 hours, and lets criticals silence warnings", () => {
        const cfg = load(renderAlertmanagerYml({}));
        expect(cfg.route).toMatchObject({ group_by: ["alertname", "severity"], group_wait: "30s", group_interval: "5m", repeat_interval: "4h" });
        expect(cfg.inhibit_rules).toEqual([{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ["instance"] }]);
    });

    it("emails every recipient through the SMTP relay, with recoveries", () => {
        const cfg = load(renderAlertmanagerYml({ email: { to: ["a@example.com", "b@example.com"], smtp } }));
        expect(cfg.global).toEqual({
            resolve_timeout: "5m",
            smtp_smarthost: "smtp.example.com:587",
            smtp_from: "alerts@example.com",
            smtp_auth_username: "alerts",
            smtp_auth_password: "s3cret'\"#",
            smtp_require_tls: true,
        });
        expect(cfg.route.receiver).toBe("slipway");
        expect(cfg.receivers).toEqual([
            {
                name: "slipway",
                email_configs: [
                    { to: "a@example.com", send_resolved: true },
                    { to: "b@example.com", send_resolved: true },
                ],
            },
            // Where the Watchdog heartbeat goes without a dead man's switch: to no one.
            { name: "null" },
        ]);
    });

    it("posts to the webhook, alone or beside email", () => {
        const hook = "https://hooks.slack.com/services/T0/B0/x?y=1&z=2";
        expect(load(renderAlertmanagerYml({ webhookUrl: hook })).receivers).toEqual([{ name: "slipway", webhook_configs: [{ url: hook, send_resolved: true }] }, { name: "null" }]);
        const both = load(renderAlertmanagerYml({ webhookUrl: hook, email: { to: ["a@example.com"], smtp: { smarthost: "mail:25", from: "a@b.c", requireTls: false } } }));
        expect(Object.keys(both.receivers[0]).sort()).toEqual(["email_configs", "name", "webhook_configs"]);
        expect(both.global.smtp_require_tls).toBe(false);
        expect(both.global.smtp_auth_username).toBeUndefined();
    });

    it("posts to Slack through slack_configs with the URL read from a file, never inline", () => {
        const text = renderAlertmanagerYml({ slack: { apiUrlFile: "/etc/alertmanager/slack-api-url", channel: "#ops" } });
        const cfg = load(text);
        expect(cfg.route.receiver).toBe("slipway");
        const [slack] = cfg.receivers[0].slack_configs;
        expect(slack).toMatchObject({ api_url_file: "/etc/alertmanager/slack-api-url", channel: "#ops", send_resolved: true });
        expect(slack.api_url).toBeUndefined();
        expect(slack.text).toContain("{{ .Annotations.summary }}");
        expect(cfg.receivers[0].webhook_configs).toBeUndefined();
        expect(text).not.toContain("hooks.slack.com");
    });

    it("routes the Watchdog heartbeat first, to the dead man's switch only, every minute", () => {
        const url = "https://hc-ping.com/0f5b4c7e-0000-4000-8000-000000000000";
        const cfg = load(renderAlertmanagerYml({ slack: { apiUrlFile: "/etc/alertmanager/slack-api-url" }, deadMansSwitch: { url } }));
        const [watchdog] = cfg.route.routes;
        expect(watchdog).toMatchObject({ matchers: ['alertname="Watchdog"'], receiver: "deadmansswitch", group_wait: "0s", repeat_interval: "1m", group_interval: "1m" });
        // No `continue`: it never falls through to the people's receiver.
        expect(watchdog.continue).toBeUndefined();
        expect(cfg.receivers).toEqual([expect.objectContaining({ name: "slipway" }), { name: "deadmansswitch", webhook_configs: [{ url, send_resolved: false }] }]);
        // Without a switch the heartbeat goes to the receiver with no integrations, not to Slack.
        const none = load(renderAlertmanagerYml({ slack: { apiUrlFile: "/etc/alertmanager/slack-api-url" } }));
        expect(none.route.routes[0].receiver).toBe("null");
        expect(none.receivers.map((r: { name: string }) => r.name)).toEqual(["slipway", "null"]);
        const silent = load(renderAlertmanagerYml({}));
        expect(silent.route.routes[0].receiver).toBe("null");
    });

    it.each([
        [{ deadMansSwitch: { url: "hc-ping.com/x" } }, /^alertmanager\.yml: deadMansSwitch\.url is \[secret\]; expected an http\(s\) URL$/],
        [{ deadMansSwitch: { url: "https://hc-ping.com/x", repeatInterval: "often" } }, /deadMansSwitch\.repeatInterval is "often"; expected a duration such as 30s, 5m or 4h/],
        [{ slack: { apiUrlFile: "slack-api-url" } }, /slack\.apiUrlFile is "slack-api-url"; expected an absolute path inside the container/],
        [{ slack: { apiUrlFile: "/x", channel: "ops alerts" } }, /slack\.channel is "ops alerts"; expected a Slack channel such as #ops/],
        [{ email: { to: [], smtp } }, /email\.to is \[\]; expected at least one recipient/],
        [{ email: { to: ["a@b.c"], smtp: { ...smtp, smarthost: "smtp.example.com" } } }, /smtp\.smarthost is "smtp\.example\.com"; expected host:port/],
        [{ email: { to: ["a@b.c"], smtp: { smarthost: "m:25", from: "a@b.c", username: "u" } } }, /smtp\.password is missing; expected both smtp\.username and smtp\.password/],
        [{ webhookUrl: "hooks.slack.com/x" }, /^alertmanager\.yml: webhookUrl is \[secret\]; expected an http\(s\) URL$/],
        [{ repeatInterval: "4 hours" }, /: repeatInterval is "4 hours"; expected a duration such as 30s, 5m or 4h/],
    ])("refuses %j", (o, message) => {
        expect(() => renderAlertmanagerYml(o as AlertmanagerYmlOptions)).toThrow(ComponentArgError);
        expect(() => renderAlertmanagerYml(o as AlertmanagerYmlOptions)).toThrow(message);
    });
});

describe("renderBlackboxYml", () => {
    it("defines http_2xx (TLS required, certificate verified) and tls_connect", () => {
        const cfg = load(renderBlackboxYml());
        expect(cfg.modules.http_2xx).toEqual({
            prober: "http",
            timeout: "10s",
            http: { method: "GET", preferred_ip_protocol: "ip4", fail_if_not_ssl: true, follow_redirects: false, tls_config: { insecure_skip_verify: false } },
        });
        expect(cfg.modules.tls_connect).toEqual({ prober: "tcp", timeout: "10s", tcp: { preferred_ip_protocol: "ip4", tls: true, tls_config: { insecure_skip_verify: false } } });
    });

    it("can accept a self-signed certificate under another server name (local)", () => {
        const cfg = load(renderBlackboxYml({ insecureSkipVerify: true, serverName: "app.localhost", timeoutSeconds: 5, requireTls: false }));
        expect(cfg.modules.http_2xx.http.tls_config).toEqual({ insecure_skip_verify: true, server_name: "app.localhost" });
        expect(cfg.modules.http_2xx.http.fail_if_not_ssl).toBe(false);
        expect(cfg.modules.tls_connect.tcp.tls_config.server_name).toBe("app.localhost");
        expect(cfg.modules.tls_connect.timeout).toBe("5s");
        expect(() => renderBlackboxYml({ timeoutSeconds: 0 })).toThrow(/blackbox\.yml: timeoutSeconds is 0; expected a whole number of seconds from 1 to 60/);
    });

    it("verifies against a given CA bundle (a private or test CA) instead of skipping verification", () => {
        const cfg = load(renderBlackboxYml({ caFile: "/run/ca.pem", serverName: "app.test" }));
        const expected = { insecure_skip_verify: false, ca_file: "/run/ca.pem", server_name: "app.test" };
        expect(cfg.modules.http_2xx.http.tls_config).toEqual(expected);
        expect(cfg.modules.tls_connect.tcp.tls_config).toEqual(expected);
    });
});

describe("Grafana provisioning", () => {
    it("provisions Prometheus as the default, read-only data source under a stable uid", () => {
        const cfg = load(renderGrafanaDatasources({ url: "http://prometheus:9090" }));
        expect(cfg).toEqual({
            apiVersion: 1,
            datasources: [
                {
                    name: "Prometheus",
                    uid: defaultDatasourceUid,
                    type: "prometheus",
                    access: "proxy",
                    url: "http://prometheus:9090",
                    isDefault: true,
                    editable: false,
                    jsonData: { timeInterval: "15s", httpMethod: "POST" },
                },
            ],
        });
        expect(load(renderGrafanaDatasources({ uid: "x", url: "http://127.0.0.1:9090", scrapeIntervalSeconds: 5 })).datasources[0]).toMatchObject({ uid: "x", jsonData: { timeInterval: "5s" } });
        expect(() => renderGrafanaDatasources({ url: "prometheus:9090" })).toThrow(/url is "prometheus:9090"; expected an http\(s\) URL/);
    });

    it("reads dashboards from files, which the UI cannot change or delete", () => {
        const cfg = load(renderGrafanaDashboardProvider({ dashboardsPath: "/etc/grafana/dashboards" }));
        expect(cfg.providers).toEqual([
            {
                name: "slipway",
                orgId: 1,
                folder: "Slipway",
                type: "file",
                disableDeletion: true,
                allowUiUpdates: false,
                updateIntervalSeconds: 30,
                options: { path: "/etc/grafana/dashboards", foldersFromFilesStructure: false },
            },
        ]);
        expect(() => renderGrafanaDashboardProvider({ dashboardsPath: "dashboards" })).toThrow(/dashboardsPath is "dashboards"; expected an absolute path/);
    });
});

describe("buildDashboards", () => {
    const thresholds = normalizeMonitoringArgs({ thresholds: { cpuPercent: 75, latencyP95Ms: 300 } }).thresholds;
    const dashboards = buildDashboards({ datasourceUid: "prom-uid", thresholds, dataMountpoint: "/mnt/slipway" });
    const all: [string, Dashboard][] = Object.entries(dashboards);
    const panel = (d: Dashboard, title: string, type = "timeseries"): any => d.panels.find((p) => p.title === title && p.type === type);

    it("builds the host, nginx, app, PostgreSQL and Redis dashboards with distinct uids", () => {
        expect(Object.keys(dashboards)).toEqual(["host", "nginx", "app", "postgresql", "redis"]);
        expect(new Set(all.map(([, d]) => d.uid)).size).toBe(5);
        for (const [, d] of all) {
            expect(d.uid).toMatch(/^slipway-[a-z]+$/);
            expect(d.uid.length).toBeLessThanOrEqual(40);
            expect(d.panels.length).toBeGreaterThanOrEqual(8);
            expect(d.editable).toBe(false);
        }
    });

    it("points every panel and every query at the provisioned data source", () => {
        let queries = 0;
        for (const [, d] of all) {
            for (const p of d.panels) {
                expect(p.datasource).toEqual({ type: "prometheus", uid: "prom-uid" });
                for (const t of p.targets as { datasource: unknown; expr: string }[]) {
                    expect(t.datasource).toEqual({ type: "prometheus", uid: "prom-uid" });
                    expect(t.expr).toMatch(/\S/);
                    queries++;
                }
            }
        }
        expect(queries).toBeGreaterThan(50);
    });

    it("lays panels out on the 24-column grid without overlaps, with unique ids and refIds", () => {
        for (const [, d] of all) {
            const ids = d.panels.map((p) => p.id);
            expect(new Set(ids).size).toBe(ids.length);
            const cells = new Set<string>();
            for (const p of d.panels) {
                const g = p.gridPos as { x: number; y: number; w: number; h: number };
                expect(g.x + g.w).toBeLessThanOrEqual(24);
                for (let x = g.x; x < g.x + g.w; x++) {
                    for (let y = g.y; y < g.y + g.h; y++) {
                        const cell = `${x},${y}`;
                        expect(cells.has(cell), `${d.uid} ${p.title as string} overlaps`).toBe(false);
                        cells.add(cell);
                    }
                }
                const refIds = (p.targets as { refId: string }[]).map((t) => t.refId);
                expect(new Set(refIds).size).toBe(refIds.length);
            }
        }
    });

    it("draws the alert thresholds where an alert watches the same signal", () => {
        const red = (p: any) => p.fieldConfig.defaults.thresholds.steps.find((s: { color: string }) => s.color === "red").value;
        expect(red(panel(dashboards.host, "CPU busy"))).toBe(75);
        expect(panel(dashboards.host, "CPU busy").fieldConfig.defaults.custom.thresholdsStyle).toEqual({ mode: "line" });
        expect(red(panel(dashboards.app, "Latency"))).toBe(0.3);
        expect(red(panel(dashboards.app, "5xx rate"))).toBe(5);
        expect(red(panel(dashboards.postgresql, "Connections used"))).toBe(80);
        expect(red(panel(dashboards.redis, "Memory used (of maxmemory)"))).toBe(80);
        // Free space alerts below its threshold: red is the bottom step.
        expect(panel(dashboards.host, "Data disk free").fieldConfig.defaults.thresholds.steps).toEqual([
            { color: "red", value: null },
            { color: "green", value: 10 },
        ]);
        expect(panel(dashboards.host, "Data disk free").targets[0].expr).toContain('mountpoint="/mnt/slipway"');
    });

    it("serialises to JSON Grafana's file provider reads back unchanged", () => {
        for (const [, d] of all) {
            const text = renderDashboard(d);
            expect(JSON.parse(text)).toEqual(d);
            expect(text.endsWith("\n")).toBe(true);
        }
    });
});
