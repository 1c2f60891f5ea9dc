import type { PolicyResource } from "@pulumi/policy";
import { isBurstableClass } from "../../../components/monitoring/burstable";
import { type SlipwayRule, UNKNOWN, stackRule, types } from "../kit";
import { entries, label, ofType, path, prop } from "./resources";

/**
 * A burstable database or cache runs on CPU credits: RDS bills the surplus once they are spent
 * (T classes run unlimited), ElastiCache throttles the node to its baseline. Neither shows in
 * CPUUtilization alarms until it hurts, so a T class needs an alarm on its credit metrics.
 */

/** The credit metrics that count as watching, per namespace. */
const CREDIT_METRICS: Record<string, string[]> = {
    "AWS/RDS": ["CPUSurplusCreditsCharged", "CPUSurplusCreditBalance", "CPUCreditBalance"],
    "AWS/ElastiCache": ["CPUCreditBalance"],
};

/** [namespace, metric name] of every metric an alarm reads: its own, or each query's. */
function metricsRead(alarm: PolicyResource): [unknown, unknown][] {
    const out: [unknown, unknown][] = [[prop(alarm, "namespace"), prop(alarm, "metricName")]];
    const queries = entries(prop(alarm, "metricQueries"));
    for (const q of queries === UNKNOWN ? [] : (queries ?? [])) out.push([path(q, "metric", "namespace"), path(q, "metric", "metricName")]);
    return out;
}

/**
 * Whether the alarm reads a credit metric of `namespace` for `r`: a dimension taken from `r`,
 * or literal dimensions (no dependency to follow; the metric then decides).
 */
function watchesCredits(alarm: PolicyResource, r: PolicyResource, namespace: string): boolean {
    if (!metricsRead(alarm).some(([ns, name]) => ns === namespace && CREDIT_METRICS[namespace].includes(name as string))) return false;
    const deps = [...(alarm.propertyDependencies?.dimensions ?? []), ...(alarm.propertyDependencies?.metricQueries ?? [])];
    return deps.length === 0 || deps.some((d) => d.urn === r.urn);
}

export const burstableCreditAlarms: SlipwayRule = stackRule(
    {
        name: "burstable-credit-alarms",
        group: "stack",
        description:
            "An RDS instance or ElastiCache cache on a burstable class (db.t*, cache.t*) must have a CloudWatch alarm on its CPU credits: RDS bills surplus credits (unlimited mode), ElastiCache throttles the node when they run out.",
        sources: ["AWS RDS User Guide: DB instance class types (burstable, unlimited mode)", "AWS Well-Architected COST09-BP01, PERF05-BP02"],
        remediation:
            "Pass dbInstanceClass and cacheNodeType to the Monitoring component's targets (it adds rds-cpu-surplus-credits and cache-N-cpu-credits-low), or add a MetricAlarm on CPUSurplusCreditsCharged (AWS/RDS) / CPUCreditBalance (AWS/ElastiCache) with dimensions from the resource; or pick a non-burstable class.",
        level: "advisory",
    },
    (args, report) => {
        const alarms = ofType(args.resources, types.metricAlarm);
        const tiers = [
            { tokens: types.rdsInstance, classKey: "instanceClass", namespace: "AWS/RDS", metric: "CPUSurplusCreditsCharged" },
            { tokens: [...types.replicationGroup, ...types.elasticacheCluster], classKey: "nodeType", namespace: "AWS/ElastiCache", metric: "CPUCreditBalance" },
        ];
        for (const { tokens, classKey, namespace, metric } of tiers) {
            for (const r of ofType(args.resources, tokens)) {
                const cls = prop(r, classKey);
                // A class unknown at preview (or absent) is not known to be burstable.
                if (typeof cls !== "string" || !isBurstableClass(cls)) continue;
                if (!alarms.some((a) => watchesCredits(a, r, namespace))) {
                    report(`${label(r)} runs on the burstable class ${cls} but no alarm watches its CPU credits; add one on ${metric} (${namespace}).`, r.urn);
                }
            }
        }
    },
);
