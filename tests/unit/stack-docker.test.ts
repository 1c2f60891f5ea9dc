import { beforeAll, describe, expect, it } from "vitest";
import type { Graph } from "../../offline/graph";
import { renderedFiles } from "../../offline/rendered-files";
import type { RecordedResource } from "../../offline/recorder";
import { type OfflineRun, runOffline } from "../../offline/run";
import { containsSecret, isSecretValue, reveal } from "../../offline/secret-value";

const CONTAINER = "docker:index/container:Container";
const runs: Record<string, OfflineRun> = {};

beforeAll(async () => {
    // Sequential: the mock runtime is process-global.
    runs.dev = await runOffline({ stack: "dev" });
    runs.local = await runOffline({ stack: "local" });
});

const labels = (c: RecordedResource): Record<string, unknown> =>
    Object.fromEntries(((c.inputs.labels as { label: string; value: unknown }[]) ?? []).map((l) => [l.label, l.value]));

describe.each(["dev", "local"])("%s stack (Docker payload)", (stack) => {
    let graph: Graph;
    beforeAll(() => {
        graph = runs[stack].graph;
    });

    it("has the six components (and the droplet host on vps)", () => {
        const kinds = graph.resources.filter((r) => r.type.startsWith("slipway:components:")).map((r) => r.type.split(":")[2]);
        const expected = ["BackupBucket", "Cache", "Database", "Monitoring", "Network", "WebTier"];
        expect(kinds.sort()).toEqual(stack === "dev" ? [...expected, "Host"].sort() : expected);
    });

    it("gives every child a parent and a name prefixed by its component's", () => {
        const topLevel = new Set(["pulumi:providers:docker", "docker:index/image:Image"]);
        for (const r of graph.resources.filter((x) => !x.type.startsWith("slipway:components:"))) {
            const component = graph.componentOf(r);
            if (!component) {
                // Only the stack-level provider and the locally built app image sit at the top.
                expect(topLevel.has(r.type), `${r.urn} has no component`).toBe(true);
                continue;
            }
            expect(r.name.startsWith(`${component.name}-`), `${r.name} not prefixed by ${component.name}`).toBe(true);
        }
    });

    it("hardens every container", () => {
        const containers = graph.ofType(CONTAINER);
        expect(containers.length).toBeGreaterThanOrEqual(12);
        for (const c of containers) {
            const i = c.inputs as Record<string, any>;
            expect(i.restart, c.name).toBe("unless-stopped");
            expect(i.logOpts, c.name).toMatchObject({ "max-size": expect.any(String), "max-file": expect.any(String) });
            expect(i.memory, c.name).toBeGreaterThan(0);
            expect(i.healthcheck?.tests?.length, c.name).toBeGreaterThan(0);
            expect(i.privileged ?? false, c.name).toBe(false);
            expect(i.networkMode, c.name).toBeUndefined();
            expect(i.pidMode ?? "", c.name).not.toBe("host");
            expect(i.ipcMode ?? "", c.name).not.toBe("host");
            expect(i.capabilities?.drops, c.name).toEqual(["ALL"]);
            expect(i.securityOpts, c.name).toContain("no-new-privileges:true");
            expect(String(i.image), c.name).not.toMatch(/:latest$/);
            expect(labels(c)["host.instance"], c.name).toBeTruthy();
        }
    });

    it("publishes nothing but the edge's 80/443 beyond loopback", () => {
        for (const c of graph.ofType(CONTAINER)) {
            for (const p of (c.inputs.ports as { internal: number; external: number; ip: string }[]) ?? []) {
                if (p.ip === "127.0.0.1") continue;
                expect(c.name, `${c.name} publishes ${p.external} on ${p.ip}`).toBe("web-edge");
                expect([80, 443]).toContain(p.external);
            }
        }
        const edge = graph.byName("web-edge");
        const published = (edge.inputs.ports as { ip: string }[]).map((p) => p.ip);
        expect(published).toEqual(stack === "dev" ? ["0.0.0.0", "0.0.0.0"] : ["127.0.0.1", "127.0.0.1"]);
    });

    it("keeps PostgreSQL and Redis on the internal data network, unpublished, with fixed names", () => {
        const dataNet = graph.ofType("docker:index/network:Network").find((n) => n.inputs.internal === true)!;
        expect(dataNet).toBeDefined();
        for (const name of ["db-postgres", "cache-redis"]) {
            const c = graph.byName(name);
            expect(c.inputs.ports ?? []).toEqual([]);
            expect(c.inputs.name).toBe(`${stack}-${name.split("-")[1]}`);
            expect(c.deleteBeforeReplace).toBe(true);
            const nets = (c.inputs.networksAdvanced as { name: string }[]).map((n) => n.name);
            expect(nets).toEqual([dataNet.inputs.name]);
        }
    });

    it("rolls auto-named app replicas in order", () => {
        const replicas = graph.ofType(CONTAINER).filter((c) => /^web-app-\d+$/.test(c.name));
        expect(replicas).toHaveLength(2);
        for (const r of replicas) expect(r.inputs.name).toBeUndefined();
        expect(graph.dependsOn(replicas[1], replicas[0])).toBe(true);
    });

    it("creates the nginx exporter after the edge it scrapes (it exits while the edge's name does not resolve)", () => {
        // Found by tier 5: with no dependency the engine may start the exporter first, and it
        // crash-loops past its wait timeout while the replicas and the edge come up.
        const exporter = graph.resources.find((r) => r.type === CONTAINER && r.name === "monitoring-nginx-exporter")!;
        const edge = graph.resources.find((r) => r.type === CONTAINER && r.name === "web-edge")!;
        expect(graph.dependsOn(exporter, edge)).toBe(true);
    });

    it("creates every client of PostgreSQL and Redis after their containers (the replicas wait to be healthy, which needs both)", () => {
        // Found by tier 5: the connection strings were built from the passwords alone, so the
        // engine could start the replicas before the database existed and time out on them.
        const byName = (n: string) => graph.resources.find((r) => r.type === CONTAINER && r.name === n)!;
        const clients = graph.resources.filter((r) => r.type === CONTAINER && /^(web-app-\d+|backups-container|monitoring-(postgres|redis)-exporter)$/.test(r.name));
        expect(clients.length).toBeGreaterThanOrEqual(4);
        for (const c of clients) {
            if (c.name !== "monitoring-redis-exporter") expect(graph.dependsOn(c, byName("db-postgres")), `${c.name} after postgres`).toBe(true);
            if (!/backups|postgres-exporter/.test(c.name)) expect(graph.dependsOn(c, byName("cache-redis")), `${c.name} after redis`).toBe(true);
        }
    });

    it("puts no credential in any container's environment (docker inspect shows it): files named by *_FILE instead", () => {
        const secretValues: string[] = [];
        for (const r of graph.resources) {
            // Every secret the program holds, e.g. the database password, as it would appear in an env.
            const collect = (v: unknown): void => {
                if (isSecretValue(v)) {
                    const t = String(reveal(v));
                    if (t.length >= 8) secretValues.push(t.trim());
                } else if (Array.isArray(v)) v.forEach(collect);
                else if (v && typeof v === "object") Object.values(v).forEach(collect);
            };
            collect(r.inputs);
        }
        expect(secretValues.length).toBeGreaterThan(0);
        for (const c of graph.ofType(CONTAINER)) {
            const envs = (c.inputs.envs as unknown[]) ?? [];
            expect(containsSecret(envs), `${c.name} has a secret env`).toBe(false);
            for (const env of envs) {
                const text = String(reveal(env));
                expect(text, c.name).not.toMatch(/^[A-Z0-9_]*(PASSWORD|SECRET|SECRET_ACCESS_KEY|TOKEN|DATA_SOURCE_NAME)=/);
                expect(text, c.name).not.toMatch(/:\/\/[^/@\s]*:[^/@\s]+@/);
                for (const v of secretValues.filter((x) => !x.includes("\n"))) expect(text.includes(v), `${c.name}: ${text.split("=")[0]} holds a secret value`).toBe(false);
            }
        }
        const byName = (n: string) => graph.ofType(CONTAINER).find((c) => c.name === n)!;
        const envNames = (n: string) => ((byName(n).inputs.envs as string[]) ?? []).map((e) => e.split("=")[0]);
        expect(envNames("web-app-0")).toEqual(expect.arrayContaining(["DATABASE_URL_FILE", "REDIS_URL_FILE"]));
        expect(envNames("backups-container")).toEqual(expect.arrayContaining(["PGPASSFILE", "RESTIC_PASSWORD_FILE"]));
        if (stack === "dev") expect(envNames("backups-container")).toContain("AWS_SHARED_CREDENTIALS_FILE");
        expect(envNames("monitoring-postgres-exporter")).toContain("DATA_SOURCE_PASS_FILE");
        expect(envNames("monitoring-redis-exporter")).toContain("REDIS_PASSWORD_FILE");
    });

    it("keeps every credential secret", () => {
        const outputs = Object.keys(runs[stack].outputs);
        expect(outputs).toEqual(expect.arrayContaining(["databasePassword", "databaseUrl", "cacheUrl", "resticPassword", "grafanaAdminPassword"]));
        for (const [k, v] of Object.entries(runs[stack].outputs)) {
            if (/Password$|^(databaseUrl|cacheUrl)$|PrivateKey$/.test(k)) expect(isSecretValue(v), k).toBe(true);
        }
    });

    it("renders every config file the payload needs", () => {
        const paths = renderedFiles(graph, String(runs[stack].outputs.dataDir)).map((f) => f.path);
        for (const want of [
            "nginx/nginx.conf",
            "postgres/conf/postgresql.conf",
            "redis/redis.conf",
            "prometheus/prometheus.yml",
            "alertmanager/alertmanager.yml",
            "backup/backup.sh",
        ]) {
            expect(paths, want).toContain(want);
        }
        expect(paths.some((p) => p.startsWith("prometheus/rules/"))).toBe(true);
        expect(paths.some((p) => p.startsWith("grafana/dashboards/"))).toBe(true);
        if (stack === "dev") expect(paths).toContain("cloud-init/user-data.yaml");
    });
});

describe("dev stack: the droplet host", () => {
    it("opens 80/443 to the world and 22 only to the allow-list", () => {
        const fw = runs.dev.graph.one("digitalocean:index/firewall:Firewall");
        const rules = fw.inputs.inboundRules as { protocol: string; portRange: string; sourceAddresses: string[] }[];
        for (const r of rules) {
            const world = r.sourceAddresses.some((a) => a === "0.0.0.0/0" || a === "::/0");
            if (world) expect(["80", "443"]).toContain(r.portRange);
            if (r.portRange === "22") expect(r.sourceAddresses).toEqual(["203.0.113.7/32"]);
        }
        expect(rules.map((r) => r.portRange).sort()).toEqual(["22", "443", "80"]);
    });

    it("drives Docker through a provider whose host depends on the readiness gate", () => {
        const g = runs.dev.graph;
        const provider = g.resources.find((r) => r.type === "pulumi:providers:docker")!;
        const gate = g.resources.find((r) => r.type === "command:remote:Command" && /ready/.test(r.name))!;
        expect(provider.propertyDependencies.host ?? []).toContain(gate.urn);
        for (const c of g.ofType(CONTAINER)) expect(c.provider ?? "", c.name).toContain(provider.urn);
    });

    it("protects nothing it should not and keeps the data volume", () => {
        const volume = runs.dev.graph.one("digitalocean:index/volume:Volume");
        expect(volume.inputs.size).toBe(50);
        const droplet = runs.dev.graph.one("digitalocean:index/droplet:Droplet");
        expect(droplet.inputs.monitoring).toBe(true);
        expect(isSecretValue(droplet.inputs.userData)).toBe(true);
    });
});
