import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { type SlipwayRule, UNKNOWN, stackRule, types } from "../kit";
import { entries, label, ofType, path, prop, runsImage } from "./resources";

interface Settings {
    prometheusImages: string[];
    alertmanagerImages: string[];
}

/** The tiers an AWS stack may have, and the CloudWatch namespaces their metrics live in. */
const TIERS: { tier: string; tokens: readonly string[]; namespaces: string[] }[] = [
    { tier: "load balancer", tokens: [...types.loadBalancer, ...types.lbTargetGroup], namespaces: ["AWS/ApplicationELB", "AWS/NetworkELB"] },
    { tier: "ECS service", tokens: types.ecsService, namespaces: ["AWS/ECS", "ECS/ContainerInsights"] },
    { tier: "database", tokens: [...types.rdsInstance, ...types.rdsCluster], namespaces: ["AWS/RDS"] },
    { tier: "cache", tokens: [...types.replicationGroup, ...types.elasticacheCluster], namespaces: ["AWS/ElastiCache"] },
];

/** The namespaces an alarm watches: its own metric's, or each metric query's. */
function namespaces(alarm: PolicyResource): string[] {
    const out: string[] = [];
    const ns = prop(alarm, "namespace");
    if (typeof ns === "string") out.push(ns);
    const queries = entries(prop(alarm, "metricQueries"));
    for (const q of queries === UNKNOWN ? [] : (queries ?? [])) {
        const n = path(q, "metric", "namespace");
        if (typeof n === "string") out.push(n);
    }
    return out;
}

/** The resources an alarm's dimensions are built from. */
const watched = (alarm: PolicyResource): PolicyResource[] => [...(alarm.propertyDependencies?.dimensions ?? []), ...(alarm.propertyDependencies?.metricQueries ?? [])];

/**
 * Whether the alarm watches the resource: the right namespace and a dimension taken from it.
 * Dimensions written as literals (no dependency at all) cannot be tied to a resource: the
 * namespace then decides (this rule is advisory; a wrong literal is a smaller risk than none).
 */
function watches(alarm: PolicyResource, r: PolicyResource, tierNamespaces: string[]): boolean {
    if (!namespaces(alarm).some((n) => tierNamespaces.includes(n))) return false;
    const deps = watched(alarm);
    return deps.length === 0 || deps.some((d) => d.urn === r.urn);
}

/** Why an alarm would not reach anyone, or undefined when it would. */
function actionProblem(alarm: PolicyResource): string | undefined {
    if (prop(alarm, "actionsEnabled") === false) return "actionsEnabled is false";
    const actions = entries(prop(alarm, "alarmActions"));
    // Entries unknown at preview are the ARNs of topics created in this stack: the action is there.
    if (actions === UNKNOWN) return "alarmActions is unknown during preview";
    if (!actions || actions.length === 0) return "alarmActions is empty";
    return undefined;
}

function checkAws(resources: PolicyResource[], report: ReportViolation): void {
    const alarms = ofType(resources, types.metricAlarm);
    const reported = new Set<string>();
    for (const { tier, tokens, namespaces: ns } of TIERS) {
        for (const r of ofType(resources, tokens)) {
            const mine = alarms.filter((a) => watches(a, r, ns));
            if (mine.length === 0) {
                report(`${label(r)} (${tier} tier) has no CloudWatch alarm on its metrics (${ns.join(" or ")}); add alarms for its failure signals.`, r.urn);
                continue;
            }
            for (const a of mine) {
                const problem = actionProblem(a);
                if (problem && !reported.has(a.urn)) {
                    reported.add(a.urn);
                    report(`${label(a)} watches ${r.name} but ${problem}; an alarm must notify someone (alarmActions: [an SNS topic ARN]).`, a.urn);
                }
            }
        }
    }
}

function checkDocker(resources: PolicyResource[], s: Settings, report: ReportViolation): void {
    const containers = ofType(resources, types.dockerContainer);
    if (containers.length === 0) return;
    if (!containers.some((c) => runsImage(c, s.prometheusImages) === true)) {
        report(`The stack runs ${containers.length} Docker container(s) but no Prometheus container (${s.prometheusImages.join(", ")}): nothing scrapes or alerts on them.`);
    }
    if (!containers.some((c) => runsImage(c, s.alertmanagerImages) === true)) {
        report(`The stack runs Docker containers but no Alertmanager container (${s.alertmanagerImages.join(", ")}): Prometheus alerts would reach no one.`);
    }
}

/** Every tier has alarms that notify someone; Docker stacks run Prometheus and Alertmanager. */
export const monitoringCoverage: SlipwayRule = stackRule(
    {
        name: "monitoring-coverage",
        group: "stack",
        description:
            "Every tier present (load balancer and target groups, ECS services, RDS, ElastiCache) must have a CloudWatch alarm on its metrics, each with alarm actions; a Docker stack must run Prometheus and Alertmanager.",
        sources: ["FSBP CloudWatch.15", "AWS Well-Architected REL06-BP01"],
        remediation:
            "Add the Monitoring component (its alarms cover each tier and notify the alarm topic), or aws.cloudwatch.MetricAlarm resources with dimensions taken from each resource and alarmActions: [topic.arn]. Docker: add the Monitoring component (Prometheus + Alertmanager).",
        level: "advisory",
        configSchema: {
            properties: {
                prometheusImages: { type: "array", items: { type: "string" }, default: ["prometheus"], description: "Image repositories that are Prometheus." },
                alertmanagerImages: { type: "array", items: { type: "string" }, default: ["alertmanager"], description: "Image repositories that are Alertmanager." },
            },
        },
    },
    (args, report) => {
        checkAws(args.resources, report);
        checkDocker(args.resources, args.getConfig<Settings>(), report);
    },
);
