import { describe, expect, it } from "vitest";
import { offHostHealthCheck } from "../../policy/rules/stack/off-host-health-check";
import { awsProvider, awsStack } from "./stack-fixtures";
import { type Node, patch, run, violations, without } from "./stack-graph";

const rule = offHostHealthCheck;
const aws = { provider: "aws" };

/** The outside watch as components/monitoring/aws.ts makes it: check, alarm, topic, subscriber. */
const watched = (): Node[] => [
    ...awsStack(),
    { ...aws, type: "aws:sns/topic:Topic", name: "monitoring-alarms", props: { name: "prod-alarms" } },
    { ...aws, type: "aws:sns/topicSubscription:TopicSubscription", name: "monitoring-email-ops", props: { protocol: "email", endpoint: "ops@example.com" }, deps: { topic: ["monitoring-alarms"] } },
    { ...aws, type: "aws:route53/healthCheck:HealthCheck", name: "monitoring-health", props: { fqdn: "app.example.com", type: "HTTPS", resourcePath: "/health", port: 443 } },
    {
        ...aws,
        type: "aws:cloudwatch/metricAlarm:MetricAlarm",
        name: "monitoring-alarm-site-down",
        props: { namespace: "AWS/Route53", metricName: "HealthCheckStatus", dimensions: { HealthCheckId: "monitoring-health-id" }, alarmActions: ["arn:aws:sns:us-east-1:1:prod-alarms"] },
        deps: { dimensions: ["monitoring-health"], alarmActions: ["monitoring-alarms"] },
    },
];

describe("aws-off-host-health-check", () => {
    it("passes a production stack watched from outside by an alarm someone receives", async () => {
        expect(await run(rule, watched())).toEqual([]);
    });

    it("flags a production load balancer with no health check (the shipped prod stack before the fix)", async () => {
        expect(await run(rule, awsStack())).toEqual([expect.stringMatching(/^stack: web-alb .*no Route 53 health check probes the site from outside/)]);
    });

    it("flags a health check nobody alarms on, or an alarm on another metric", async () => {
        expect(await run(rule, without(watched(), "monitoring-alarm-site-down"))).toEqual([expect.stringMatching(/has no CloudWatch alarm on its HealthCheckStatus/)]);
        expect(await run(rule, patch(watched(), "monitoring-alarm-site-down", {}, { deps: { alarmActions: ["monitoring-alarms"] } }))).toEqual([expect.stringMatching(/has no CloudWatch alarm/)]);
    });

    it("flags an alarm whose topic has no subscription, or with no actions", async () => {
        expect(await run(rule, without(watched(), "monitoring-email-ops"))).toEqual([expect.stringMatching(/monitoring-alarm-site-down .*has no subscription, so nobody receives it/)]);
        expect(await run(rule, patch(watched(), "monitoring-alarm-site-down", { alarmActions: [] }, { deps: { dimensions: ["monitoring-health"] } }))).toEqual([
            expect.stringMatching(/it has no alarmActions/),
        ]);
    });

    it("does not apply outside production or without an internet-facing load balancer", async () => {
        const staging = awsStack().map((n) => (n.name === "aws" ? awsProvider({ project: "slipway", stack: "test", owner: "team", environment: "staging" }) : n));
        expect(await run(rule, staging)).toEqual([]);
        expect(await run(rule, patch(awsStack(), "web-alb", { loadBalancerType: "application", internal: true }))).toEqual([]);
    });

    it("is mandatory", async () => {
        const [v] = await violations(rule, awsStack());
        expect(v.level).toBe("mandatory");
    });
});
