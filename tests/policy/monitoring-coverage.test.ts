import { describe, expect, it } from "vitest";
import { monitoringCoverage } from "../../policy/rules/stack/monitoring-coverage";
import { PREVIEW_UNKNOWN } from "./helpers";
import { awsStack, dockerStack, T } from "./stack-fixtures";
import { type Node, patch, run, violations, without } from "./stack-graph";

const rule = monitoringCoverage;

describe("monitoring-coverage", () => {
    it("passes a stack whose every tier has an alarm with actions, and a Docker stack with Prometheus and Alertmanager", async () => {
        expect(await run(rule, awsStack())).toEqual([]);
        expect(await run(rule, dockerStack())).toEqual([]);
    });

    it.each([
        [["alarm-alb-5xx", "alarm-tg-unhealthy"], "web-alb", "load balancer"],
        [["alarm-ecs-cpu"], "web-service", "ECS service"],
        [["alarm-rds-cpu"], "db-instance", "database"],
        [["alarm-cache-memory"], "cache-group", "cache"],
    ])("flags a tier without alarms (%s removed)", async (alarms, resource, tier) => {
        expect(await run(rule, without(awsStack(), ...alarms))).toContainEqual(expect.stringMatching(new RegExp(`^${resource}: .*\\(${tier} tier\\) has no CloudWatch alarm`)));
    });

    it("flags a target group no alarm watches, and an alarm of another resource", async () => {
        expect(await run(rule, without(awsStack(), "alarm-tg-unhealthy"))).toEqual([expect.stringMatching(/^web-tg: /)]);
        const aurora: Node = { type: T.rdsCluster, name: "aurora", provider: "aws", props: {} };
        expect(await run(rule, [...awsStack(), aurora])).toEqual([expect.stringMatching(/^aurora: .*\(database tier\)/)]);
    });

    it("counts alarms with literal dimensions and metric-math alarms by namespace", async () => {
        const literal = patch(awsStack(), "alarm-rds-cpu", {}, { deps: {} });
        expect(await run(rule, literal)).toEqual([]);
        const math = patch(awsStack(), "alarm-alb-5xx", { namespace: undefined, metricQueries: [{ id: "e1", expression: "m1" }, { id: "m1", metric: { namespace: "AWS/ApplicationELB", metricName: "X" } }] }, { deps: { metricQueries: ["web-alb"] } });
        expect(await run(rule, math)).toEqual([]);
    });

    it("flags alarms without actions, disabled actions, or actions unknown at preview", async () => {
        expect(await run(rule, patch(awsStack(), "alarm-rds-cpu", { alarmActions: [] }))).toEqual([expect.stringMatching(/^alarm-rds-cpu: .*alarmActions is empty/)]);
        expect(await run(rule, patch(awsStack(), "alarm-rds-cpu", { actionsEnabled: false }))).toEqual([expect.stringMatching(/actionsEnabled is false/)]);
        expect(await run(rule, patch(awsStack(), "alarm-rds-cpu", { alarmActions: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/alarmActions is unknown during preview/)]);
        // A topic ARN computed at deploy time is still an action.
        expect(await run(rule, patch(awsStack(), "alarm-rds-cpu", { alarmActions: [PREVIEW_UNKNOWN] }))).toEqual([]);
    });

    it("flags a Docker stack without Prometheus or Alertmanager, and honours the image settings", async () => {
        expect(await run(rule, without(dockerStack(), "monitoring-prometheus"))).toEqual([expect.stringMatching(/^stack: .*no Prometheus container/)]);
        expect(await run(rule, without(dockerStack(), "monitoring-alertmanager"))).toEqual([expect.stringMatching(/no Alertmanager container/)]);
        expect(await run(rule, dockerStack(), { config: { "monitoring-coverage": { prometheusImages: ["victoriametrics/victoria-metrics"] } } })).toHaveLength(1);
    });

    it("registers on the alb alias of the load balancer", async () => {
        const alias = awsStack().map((n) => (n.name === "web-alb" ? { ...n, type: T.alb } : n));
        expect(await run(rule, alias)).toEqual([]);
        expect(await run(rule, without(alias, "alarm-alb-5xx", "alarm-tg-unhealthy"))).toContainEqual(expect.stringMatching(/^web-alb: .*aws:alb\/loadBalancer/));
    });

    it("is advisory by default", async () => {
        const [v] = await violations(rule, without(awsStack(), "alarm-rds-cpu"));
        expect(v.level).toBe("advisory");
    });
});
