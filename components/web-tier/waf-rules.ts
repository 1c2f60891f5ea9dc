/**
 * The rules of the web tier's WAF web ACL, built from plain values. Order matters (lowest
 * priority first): the per-IP rate limit runs before the managed groups, so a flood is cut by
 * the cheapest rule.
 */

/** WAF's bounds for a rate-based rule's limit (requests per evaluation window). */
export const wafRateLimitBounds = { min: 10, max: 2_000_000_000 } as const;

/** The AWS managed rule groups the ACL always includes, in evaluation order. */
export const managedRuleGroups = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"] as const;

export interface VisibilityConfig {
    cloudwatchMetricsEnabled: boolean;
    sampledRequestsEnabled: boolean;
    metricName: string;
}

export interface WafRule {
    name: string;
    priority: number;
    action?: { block: Record<string, never> };
    overrideAction?: { none: Record<string, never> };
    statement: Record<string, unknown>;
    visibilityConfig: VisibilityConfig;
}

/** Metrics and sampled requests on; the metric name is restricted to WAF's character set. */
export function visibility(metricName: string): VisibilityConfig {
    const clean = metricName.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 128);
    return { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: clean };
}

/** Why `limit` cannot be a WAF rate limit, or undefined when it can. */
export function wafRateLimitProblem(limit: number): string | undefined {
    if (!Number.isInteger(limit) || limit < wafRateLimitBounds.min || limit > wafRateLimitBounds.max) {
        return `WAF rate-based rules accept a whole number from ${wafRateLimitBounds.min} to ${wafRateLimitBounds.max}`;
    }
    return undefined;
}

/**
 * The ACL's rules: block a client IP above `rateLimitPerMinute` (a 60-second window), then
 * the managed groups with their own actions (`overrideAction: none`). WAF sees the client's
 * address because it is attached to the ALB itself, so `IP` aggregation is right.
 */
export function webAclRules(p: { rateLimitPerMinute: number; metricPrefix: string }): WafRule[] {
    const problem = wafRateLimitProblem(p.rateLimitPerMinute);
    if (problem) throw new Error(`rateLimitPerMinute is ${p.rateLimitPerMinute}: ${problem}.`);
    const rate: WafRule = {
        name: "rate-limit-per-ip",
        priority: 0,
        action: { block: {} },
        statement: {
            rateBasedStatement: { limit: p.rateLimitPerMinute, aggregateKeyType: "IP", evaluationWindowSec: 60 },
        },
        visibilityConfig: visibility(`${p.metricPrefix}-rate-limit`),
    };
    const managed = managedRuleGroups.map(
        (group, i): WafRule => ({
            name: group,
            priority: i + 1,
            overrideAction: { none: {} },
            statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group } },
            visibilityConfig: visibility(`${p.metricPrefix}-${group}`),
        }),
    );
    return [rate, ...managed];
}
