import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { containerEnv, containerLayout, containerView } from "./helpers/container-layout";
import { DOCKER_STACKS, type RenderedStack, renderStack } from "./helpers/rendered-stacks";
import { describeRun, requireTool, runTool } from "./helpers/tools";

/**
 * Grafana's provisioning as rendered: every dashboard parses, every datasource reference resolves
 * to a provisioned datasource, the provisioning files and dashboards are where the grafana
 * container (its recorded mounts and GF_PATHS_PROVISIONING) makes Grafana look, and every
 * panel's PromQL passes Prometheus's own parser (promtool, each query wrapped as a recording rule).
 */

const GRAFANA = "monitoring-grafana";
const work = mkdtempSync(join(tmpdir(), "slipway-grafana-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface DatasourceRef {
    uid?: string;
    type?: string;
}
interface Panel {
    title?: string;
    datasource?: DatasourceRef | string | null;
    targets?: { expr?: string; datasource?: DatasourceRef | string | null }[];
    panels?: Panel[];
}
interface Dashboard {
    uid: string;
    title: string;
    panels: Panel[];
}

const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const dashboards = (s: RenderedStack): { path: string; dashboard: Dashboard }[] =>
    s.files.filter((f) => f.path.startsWith("grafana/dashboards/") && f.path.endsWith(".json")).map((f) => ({ path: f.path, dashboard: JSON.parse(f.content) as Dashboard }));
const provisioning = <T>(s: RenderedStack, kind: "datasources" | "dashboards"): T[] =>
    s.files.filter((f) => f.path.startsWith(`grafana/provisioning/${kind}/`)).map((f) => parse(f.content) as T);

/**
 * promtool's verdict on PromQL queries: each becomes a recording rule in its own group, named
 * after where it came from, so an error names the dashboard and panel.
 */
function checkPromql(queries: { where: string; expr: string }[], name: string) {
    const file = join(work, `${name}.rules.yml`);
    const groups = queries.map((q, i) => ({ name: `${i}: ${q.where}`, rules: [{ record: `slipway_dashboard_query_${i}`, expr: q.expr }] }));
    writeFileSync(file, stringify({ groups }));
    return runTool(requireTool("promtool"), ["check", "rules", file]);
}

describe.each(DOCKER_STACKS)("Grafana on stack %s", (stack) => {
    let s: RenderedStack;
    beforeAll(async () => {
        s = await renderStack(stack);
    });

    it("every dashboard parses, with a unique uid and panels", () => {
        const all = dashboards(s);
        expect(all.length).toBeGreaterThan(0);
        for (const { path, dashboard } of all) {
            expect(dashboard.uid, path).toMatch(/^[\w-]{1,40}$/);
            expect(allPanels(dashboard.panels ?? []).length, path).toBeGreaterThan(0);
        }
        expect(new Set(all.map((d) => d.dashboard.uid)).size).toBe(all.length);
    });

    it("every panel and target datasource resolves to a provisioned datasource", () => {
        const sources = provisioning<{ datasources: { name: string; uid: string; type: string; isDefault?: boolean }[] }>(s, "datasources").flatMap((d) => d.datasources);
        expect(sources.length).toBeGreaterThan(0);
        const unresolved: string[] = [];
        let refs = 0;
        for (const { path, dashboard } of dashboards(s)) {
            for (const p of allPanels(dashboard.panels ?? [])) {
                for (const ref of [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]) {
                    if (ref === undefined || ref === null) continue;
                    refs++;
                    const ok = typeof ref === "string" ? sources.some((d) => d.name === ref) : sources.some((d) => d.uid === ref.uid && (!ref.type || d.type === ref.type));
                    if (!ok) unresolved.push(`${path} panel "${p.title}": ${JSON.stringify(ref)}`);
                }
            }
        }
        expect(refs).toBeGreaterThan(0);
        expect(unresolved, `provisioned: ${JSON.stringify(sources.map((d) => ({ name: d.name, uid: d.uid, type: d.type })))}`).toEqual([]);
    });

    it("the provisioning files and dashboards are where the grafana container makes Grafana look", () => {
        const layout = containerLayout(s, GRAFANA);
        const view = containerView(s, layout);
        const env = containerEnv(s, GRAFANA);
        const provisioningDir = env.GF_PATHS_PROVISIONING ?? "/etc/grafana/provisioning"; // the image's default
        const seen = (dir: string): string[] => [...view].filter(([inContainer]) => posix.dirname(inContainer) === dir).map(([, rendered]) => rendered).sort();

        for (const kind of ["datasources", "dashboards"] as const) {
            const rendered = s.files.filter((f) => f.path.startsWith(`grafana/provisioning/${kind}/`)).map((f) => f.path).sort();
            expect(rendered.length, kind).toBeGreaterThan(0);
            expect(seen(`${provisioningDir}/${kind}`), `${kind} provisioning inside the container`).toEqual(rendered);
        }
        const providers = provisioning<{ providers: { name: string; type: string; options: { path: string } }[] }>(s, "dashboards").flatMap((d) => d.providers);
        const renderedDashboards = dashboards(s).map((d) => d.path).sort();
        expect(providers.map((p) => ({ name: p.name, dashboardsSeen: seen(p.options.path) }))).toEqual(providers.map((p) => ({ name: p.name, dashboardsSeen: renderedDashboards })));

        for (const [name, value] of Object.entries(env).filter(([k]) => k.endsWith("__FILE"))) {
            expect(view.has(value), `${name}=${value} is not a rendered file mounted in the container`).toBe(true);
        }
    });

    it("every panel query is valid PromQL (promtool)", () => {
        const queries = dashboards(s).flatMap(({ path, dashboard }) =>
            allPanels(dashboard.panels ?? []).flatMap((p) => (p.targets ?? []).filter((t) => t.expr).map((t) => ({ where: `${path} ${p.title}`, expr: t.expr as string }))),
        );
        expect(queries.length).toBeGreaterThan(0);
        // Grafana variables would be substituted before the query reaches Prometheus; these
        // dashboards define none, so a `$` is a variable nobody fills in.
        expect(queries.filter((q) => q.expr.includes("$"))).toEqual([]);
        const r = checkPromql(queries, stack);
        expect(r.status, describeRun(r)).toBe(0);
        expect(r.stdout).toContain(`SUCCESS: ${queries.length} rules found`);
    });
});

describe("the PromQL check", () => {
    it("rejects an invalid query (it can fail)", () => {
        const r = checkPromql([{ where: "broken", expr: 'sum(rate(http_requests_total{job="app"}[5m])' }], "negative");
        expect(r.status, describeRun(r)).not.toBe(0);
        expect(`${r.stdout}${r.stderr}`).toMatch(/broken/);
    });
});
