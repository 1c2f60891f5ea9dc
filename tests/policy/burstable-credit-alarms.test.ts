import { describe, expect, it } from "vitest";
import { burstableCreditAlarms } from "../../policy/rules/stack/burstable-credit-alarms";
import { PREVIEW_UNKNOWN } from "./helpers";
import { awsStack, T } from "./stack-fixtures";
import { type Node, patch, run, violations } from "./stack-graph";

const rule = burstableCreditAlarms;

const creditAlarm = (name: string, namespace: string, metricName: string, watched: string[]): Node => ({
    type: T.alarm,
    name,
    provider: "aws",
    props: { namespace, metricName, alarmActions: ["arn:aws:sns:us-east-1:1:alarms"], dimensions: { X: "x" } },
    deps: { dimensions: watched, alarmActions: [] },
});

/** The miniature aws stack on the prod classes: a burstable database and cache. */
const burstable = (): Node[] =>
    patch(patch(awsStack(), "db-instance", { instanceClass: "db.t4g.large" }), "cache-group", { nodeType: "cache.t4g.medium" });

const watched = (): Node[] => [
    ...burstable(),
    creditAlarm("alarm-rds-credits", "AWS/RDS", "CPUSurplusCreditsCharged", ["db-instance"]),
    creditAlarm("alarm-cache-credits", "AWS/ElastiCache", "CPUCreditBalance", ["cache-group"]),
];

describe("burstable-credit-alarms", () => {
    it("passes burstable classes with credit alarms, and non-burstable classes without", async () => {
        expect(await run(rule, watched())).toEqual([]);
        const fixed = patch(patch(awsStack(), "db-instance", { instanceClass: "db.m7g.large" }), "cache-group", { nodeType: "cache.r7g.large" });
        expect(await run(rule, fixed)).toEqual([]);
    });

    it("flags a burstable database and cache that only have CPU and memory alarms", async () => {
        expect(await run(rule, burstable())).toEqual([
            expect.stringMatching(/^db-instance: .*burstable class db\.t4g\.large but no alarm watches its CPU credits; add one on CPUSurplusCreditsCharged \(AWS\/RDS\)/),
            expect.stringMatching(/^cache-group: .*burstable class cache\.t4g\.medium .*CPUCreditBalance \(AWS\/ElastiCache\)/),
        ]);
    });

    it("does not count a credit alarm of another resource, or a CPU alarm, as watching credits", async () => {
        const other: Node = { type: T.rds, name: "other-db", provider: "aws", props: { engine: "postgres", instanceClass: "db.t3.medium" } };
        const nodes = [...watched(), other];
        expect(await run(rule, nodes)).toEqual([expect.stringMatching(/^other-db: /)]);
        const cpuOnly = patch(watched(), "alarm-rds-credits", { metricName: "CPUUtilization" });
        expect(await run(rule, cpuOnly)).toEqual([expect.stringMatching(/^db-instance: /)]);
    });

    it("reads credit metrics inside metric-math alarms, and literal dimensions by metric", async () => {
        const math = patch(watched(), "alarm-cache-credits", {
            namespace: undefined,
            metricName: undefined,
            metricQueries: [{ id: "e1", expression: "m1" }, { id: "m1", metric: { namespace: "AWS/ElastiCache", metricName: "CPUCreditBalance" } }],
        }, { deps: { metricQueries: ["cache-group"] } });
        expect(await run(rule, math)).toEqual([]);
        expect(await run(rule, patch(watched(), "alarm-rds-credits", {}, { deps: {} }))).toEqual([]);
    });

    it("leaves a class unknown at preview alone", async () => {
        expect(await run(rule, patch(burstable(), "db-instance", { instanceClass: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/^cache-group: /)]);
    });

    it("is advisory", async () => {
        const [v] = await violations(rule, burstable());
        expect(v.level).toBe("advisory");
    });
});
