import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { containerLayout, deployCheck, runInContainerLayout } from "./helpers/container-layout";
import { DOCKER_STACKS, type RenderedStack, renderStack, renderedFile } from "./helpers/rendered-stacks";
import { describeRun, requireTool, runToolOk } from "./helpers/tools";

/**
 * Each Docker stack's Prometheus files checked by promtool as rendered: the configuration the
 * way the deploy checks it (`promtool check config /etc/prometheus/prometheus.yml`, inside the
 * prometheus container's layout, so its `rule_files` glob resolves to the rendered rules), the
 * rules with lint warnings fatal, the rendered unit tests run, and every alert rule covered by
 * the tests both firing and staying quiet.
 */

const PROMETHEUS = "monitoring-prometheus";
const RULES = "prometheus/rules/slipway.yml";
const RULE_TESTS = "prometheus/tests/slipway.test.yml";

interface AlertRule {
    alert: string;
    labels?: Record<string, string>;
}
interface AlertRuleTest {
    alertname: string;
    exp_alerts?: { exp_labels?: Record<string, string> }[];
}

const alertRules = (s: RenderedStack): AlertRule[] =>
    (parse(renderedFile(s, RULES).content) as { groups: { rules: (AlertRule | { record: string })[] }[] }).groups
        .flatMap((g) => g.rules)
        .filter((r): r is AlertRule => "alert" in r);
const alertRuleTests = (s: RenderedStack): AlertRuleTest[] =>
    (parse(renderedFile(s, RULE_TESTS).content) as { tests: { alert_rule_test?: AlertRuleTest[] }[] }).tests.flatMap((t) => t.alert_rule_test ?? []);

function checkConfig(s: RenderedStack, replaceFiles?: Record<string, string>) {
    requireTool("promtool");
    const layout = containerLayout(s, PROMETHEUS);
    const argv = deployCheck(s, layout.name);
    expect(argv.slice(0, 3)).toEqual(["promtool", "check", "config"]);
    return runInContainerLayout(s, { layout, argv, replaceFiles });
}

describe.each(DOCKER_STACKS)("promtool on stack %s", (stack) => {
    let s: RenderedStack;
    beforeAll(async () => {
        s = await renderStack(stack);
    });

    it("check config: prometheus.yml as the deploy checks it, with its rule files found", () => {
        const r = checkConfig(s);
        expect(r.status, describeRun(r)).toBe(0);
        const ruleFiles = s.files.filter((f) => f.path.startsWith("prometheus/rules/") && f.path.endsWith(".yml")).length;
        expect(ruleFiles).toBeGreaterThan(0);
        expect(r.stdout, describeRun(r)).toContain(`SUCCESS: ${ruleFiles} rule files found`);
    });

    it("check config fails when a rule file it loads is broken (the rules are really read)", () => {
        const broken = "groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: up ==\n";
        const r = checkConfig(s, { [RULES]: broken });
        expect(r.status, describeRun(r)).not.toBe(0);
        expect(`${r.stdout}${r.stderr}`).toMatch(/slipway\.yml/);
    });

    it("check rules --lint-fatal: every rule parses and lints clean", () => {
        const out = runToolOk(requireTool("promtool"), ["check", "rules", "--lint-fatal", join(s.dir, RULES)]);
        const count = (parse(renderedFile(s, RULES).content) as { groups: { rules: unknown[] }[] }).groups.flatMap((g) => g.rules).length;
        expect(out).toContain(`SUCCESS: ${count} rules found`);
    });

    it("test rules: the rendered unit tests pass against the rendered rules", () => {
        const out = runToolOk(requireTool("promtool"), ["test", "rules", join(s.dir, RULE_TESTS)]);
        expect(out).toMatch(/SUCCESS/);
    });

    it("every alert rule has a test where it fires and one where it stays quiet", () => {
        const rules = alertRules(s);
        const tests = alertRuleTests(s);
        expect(rules.length).toBeGreaterThan(0);
        const missing: string[] = [];
        for (const rule of rules) {
            const named = tests.filter((t) => t.alertname === rule.alert);
            // A rule is identified by its name and static labels (two BackupTooOld rules differ by `reason`).
            const fires = named.some((t) =>
                (t.exp_alerts ?? []).some((a) => Object.entries(rule.labels ?? {}).every(([k, v]) => v.includes("{{") || a.exp_labels?.[k] === v)),
            );
            const quiet = named.some((t) => (t.exp_alerts ?? []).length === 0);
            const id = `${rule.alert}${JSON.stringify(rule.labels ?? {})}`;
            if (!fires) missing.push(`${id}: no case where it fires`);
            if (!quiet) missing.push(`${id}: no case where it stays quiet`);
        }
        expect(missing, `add the cases to renderAlertRuleTests (components/monitoring/alert-rules.ts)`).toEqual([]);
    });
});
