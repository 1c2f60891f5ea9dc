import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { durationMs, renderAlertRules, renderAlertRuleTests, type AlertRulesOptions } from "../../components/monitoring/alert-rules";
import { normalizeMonitoringArgs } from "../../components/monitoring/index";

/** `forOverrides`: the live alert drill makes RedisDown fire in seconds through it. */

const base: AlertRulesOptions = { thresholds: normalizeMonitoringArgs().thresholds, dataMountpoint: "/" };
type Rule = { alert: string; for: string; labels: Record<string, string> };
const rulesOf = (text: string): Rule[] => (parse(text, { version: "1.1" }) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

describe("durationMs", () => {
    it.each([
        ["5s", 5_000],
        ["1m", 60_000],
        ["1h30m", 5_400_000],
        ["250ms", 250],
        ["2d", 172_800_000],
    ])("reads %s", (d, ms) => expect(durationMs(d)).toBe(ms));

    it.each(["", "5", "1.5h", "5 s", "s", "-1m"])("refuses %j", (d) => expect(durationMs(d)).toBeUndefined());
});

describe("renderAlertRules forOverrides", () => {
    it("shortens the named rules' `for` and leaves every other rule as it was", () => {
        const plain = rulesOf(renderAlertRules(base));
        const fast = rulesOf(renderAlertRules({ ...base, forOverrides: { RedisDown: "5s", BackupTooOld: "1m" } }));
        expect(fast.map((r) => r.alert)).toEqual(plain.map((r) => r.alert));
        for (const [i, r] of fast.entries()) {
            const expected = r.alert === "RedisDown" ? "5s" : r.alert === "BackupTooOld" ? "1m" : plain[i].for;
            expect(r.for, r.alert).toBe(expected);
        }
        // Both BackupTooOld rules (stale and missing) are the one alert name: both change.
        expect(fast.filter((r) => r.alert === "BackupTooOld")).toHaveLength(2);
    });

    it.each<[Record<string, string>, RegExp]>([
        [{ RedisIsDown: "5s" }, /alert rules: forOverrides is "RedisIsDown"; expected names of alerts: .*RedisDown/],
        [{ RedisDown: "5 seconds" }, /forOverrides.RedisDown is "5 seconds"; expected a Prometheus duration/],
        [{ RedisDown: "2m" }, /forOverrides\.RedisDown is "2m"; expected at most the rule's own 1m: an override may only shorten it/],
    ])("refuses %j", (forOverrides, message) => {
        expect(() => renderAlertRules({ ...base, forOverrides })).toThrow(message);
    });

    it("keeps promtool's firing and quiet cases passing with every rule shortened to 1s", () => {
        expect(spawnSync("sh", ["-c", "command -v promtool"]).status, "promtool missing: run scripts/install-test-deps").toBe(0);
        const names = [...new Set(rulesOf(renderAlertRules(base)).map((r) => r.alert))];
        const opts = { ...base, forOverrides: Object.fromEntries(names.map((n) => [n, "1s"])) };
        const dir = mkdtempSync(join(tmpdir(), "slipway-for-overrides-"));
        mkdirSync(join(dir, "rules"));
        writeFileSync(join(dir, "rules/slipway.yml"), renderAlertRules(opts));
        writeFileSync(join(dir, "tests.yml"), renderAlertRuleTests({ ...opts, ruleFiles: ["rules/slipway.yml"] }));
        const r = spawnSync("promtool", ["test", "rules", "tests.yml"], { cwd: dir, encoding: "utf8" });
        expect(`${r.stdout}${r.stderr}`).toContain("SUCCESS");
        expect(r.status).toBe(0);
    });
});
