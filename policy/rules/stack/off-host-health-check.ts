import type { PolicyResource } from "@pulumi/policy";
import { type SlipwayRule, UNKNOWN, stackRule, types } from "../kit";
import { type ProductionSettings, depsVia, entries, label, ofType, productionConfig, productionReason, prop } from "./resources";

const HEALTH_CHECK = ["aws:route53/healthCheck:HealthCheck"] as const;
const SUBSCRIPTION = ["aws:sns/topicSubscription:TopicSubscription"] as const;

/** The topics an alarm notifies when it fires (by dependency: topic ARNs are unknown at preview). */
const alarmTopics = (alarm: PolicyResource): PolicyResource[] => depsVia(alarm, "alarmActions", types.snsTopic);

/** Whether any subscription (email, Lambda, HTTPS…) hangs on the topic. */
const subscribed = (resources: PolicyResource[], topic: PolicyResource): boolean =>
    ofType(resources, SUBSCRIPTION).some((s) => depsVia(s, "topic", types.snsTopic).some((t) => t.urn === topic.urn));

/** Why an alarm on the health check would not reach anyone, or undefined when it would. */
function unheard(resources: PolicyResource[], alarm: PolicyResource): string | undefined {
    if (prop(alarm, "actionsEnabled") === false) return "its actions are disabled";
    const actions = entries(prop(alarm, "alarmActions"));
    if (actions !== UNKNOWN && (!actions || actions.length === 0)) return "it has no alarmActions";
    const topics = alarmTopics(alarm);
    if (topics.length === 0) return undefined; // an action that is not a topic of this stack (e.g. a pager's topic ARN): trusted
    if (!topics.some((t) => subscribed(resources, t))) return `its topic ${topics.map(label).join(", ")} has no subscription, so nobody receives it`;
    return undefined;
}

/**
 * Every alarm inside an AWS stack is raised by the stack's own metrics; none says the site is
 * unreachable from the internet (DNS, certificate, the load balancer's listener, a WAF rule
 * blocking everyone). A production stack with an internet-facing load balancer must be probed
 * from outside by a Route 53 health check, with an alarm on it that reaches a subscriber.
 */
export const offHostHealthCheck: SlipwayRule = stackRule(
    {
        name: "aws-off-host-health-check",
        group: "stack",
        description:
            "In production, a stack with an internet-facing load balancer must have a Route 53 health check with a CloudWatch alarm on its HealthCheckStatus whose SNS topic has at least one subscription.",
        sources: ["Google SRE book ch. 6 (black-box monitoring)", "AWS Well-Architected REL06-BP01, REL06-BP03"],
        remediation:
            "Give the Monitoring component healthCheck { domain, region, usEast1Provider } (stacks/aws.ts does): it creates aws.route53.HealthCheck on https://<domain>/health and a MetricAlarm on AWS/Route53 HealthCheckStatus (in us-east-1) notifying a topic with email / Lambda subscriptions.",
        level: "mandatory",
        configSchema: { properties: { ...productionConfig } },
    },
    (args, report) => {
        const why = productionReason(args, args.getConfig<ProductionSettings>());
        if (!why) args.notApplicable("not a production stack (no production environment tag, stack name not in productionStacks)");
        const internetFacing = ofType(args.resources, types.loadBalancer).filter((lb) => prop(lb, "internal") !== true);
        if (internetFacing.length === 0) return;
        const where = internetFacing.map(label).join(", ");
        const checks = ofType(args.resources, HEALTH_CHECK);
        if (checks.length === 0) {
            report(`${where}: no Route 53 health check probes the site from outside in this production stack (${why}); an outage the stack's own metrics cannot see (DNS, certificate, listener, WAF) alerts no one.`);
            return;
        }
        const alarms = ofType(args.resources, types.metricAlarm).filter(
            (a) => prop(a, "metricName") === "HealthCheckStatus" && checks.some((c) => (a.propertyDependencies?.dimensions ?? []).some((d) => d.urn === c.urn)),
        );
        if (alarms.length === 0) {
            report(`${where}: the health check ${checks.map(label).join(", ")} has no CloudWatch alarm on its HealthCheckStatus (dimension HealthCheckId from the check), so its failures notify no one.`);
            return;
        }
        const problems = alarms.map((a) => [a, unheard(args.resources, a)] as const);
        if (problems.some(([, p]) => p === undefined)) return;
        for (const [a, p] of problems) report(`${label(a)} watches the outside health check but ${p}.`, a.urn);
    },
);
