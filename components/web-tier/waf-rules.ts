import { argError } from "../shared/errors";
/**
 * The rules of the web tier's WAF web ACL and its logging settings, built from plain values.
 * Order matters (lowest priority first): the per-IP rate limit runs before the managed groups,
 * so a flood is cut by the cheapest rule.
 */

/** WAF's bounds for a rate-based rule's limit (requests per evaluation window). */
export const wafRateLimitBounds = { min: 10, max: 2_000_000_000 } as const;

/**
 * The evaluation windows a rate-based rule accepts, in seconds. The window is how far back WAF
 * counts each time it checks (about every 10 s), not how often it checks; 300 is WAF's default
 * ("Rate-based rule high-level settings", AWS WAF developer guide).
 */
export const wafRateWindows = [60, 120, 300, 600] as const;
export type WafRateWindow = (typeof wafRateWindows)[number];

/** The AWS managed rule groups the ACL always includes, in evaluation order. */
export const managedRuleGroups = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"] as const;

/**
 * Rules of the core rule set (CRS) that count instead of block by default.
 * `SizeRestrictions_BODY` blocks every body over 8 KB (8,192 bytes), i.e. any upload or large
 * JSON POST; WAF only ever inspects the first 8 KB of a body on an ALB anyway, so the rule
 * protects nothing the app cannot refuse itself. Counting keeps its match in the metrics and the
 * WAF log (as EXCLUDED_AS_COUNT) without turning real users away.
 */
export const defaultCountedCommonRules: readonly string[] = ["SizeRestrictions_BODY"];

const ruleNameRe = /^[A-Za-z0-9_-]{1,128}$/;

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

/** Why `seconds` cannot be a rate-based rule's evaluation window, or undefined when it can. */
export function wafRateWindowProblem(seconds: number): string | undefined {
    return (wafRateWindows as readonly number[]).includes(seconds) ? undefined : `one of ${wafRateWindows.join(", ")} seconds, the WAF rate-based rule's evaluation windows`;
}

/** Why `names` cannot be counted rules, or undefined when they can. */
export function countedRulesProblem(names: readonly string[]): string | undefined {
    const bad = names.find((n) => !ruleNameRe.test(n));
    if (bad !== undefined) return `"${bad}" is not a WAF rule name (letters, digits, _ and -)`;
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    return twice === undefined ? undefined : `"${twice}" is listed twice`;
}

/**
 * The rate-based rule's limit: a sustained `perMinute` over the whole window. A longer window
 * lets a page load's burst through while a client that keeps the rate up is still cut.
 */
export const wafRateLimit = (perMinute: number, windowSeconds: WafRateWindow): number => Math.round((perMinute * windowSeconds) / 60);

export interface WebAclRulesParams {
    /** Sustained requests per minute one client IP may make. */
    rateLimitPerMinute: number;
    /** The rate rule's evaluation window. */
    rateWindowSeconds: WafRateWindow;
    /** Core-rule-set rules that count instead of their own action. */
    countedCommonRules: readonly string[];
    metricPrefix: string;
}

/**
 * The ACL's rules: block a client IP above `rateLimitPerMinute` sustained over the window, then
 * the managed groups with their own actions (`overrideAction: none`) except the counted CRS
 * rules. WAF sees the client's address because it is attached to the ALB itself, so `IP`
 * aggregation is right.
 */
export function webAclRules(p: WebAclRulesParams): WafRule[] {
    const windowProblem = wafRateWindowProblem(p.rateWindowSeconds);
    if (windowProblem) throw argError("rateWindowSeconds", p.rateWindowSeconds, windowProblem, { where: "the WAF rules" });
    const limit = wafRateLimit(p.rateLimitPerMinute, p.rateWindowSeconds);
    const problem = wafRateLimitProblem(limit);
    if (problem) {
        throw argError("rateLimitPerMinute", p.rateLimitPerMinute, `a rate whose limit per ${p.rateWindowSeconds} s window (${limit} here) fits: ${problem}`, { where: "the WAF rules" });
    }
    const countedProblem = countedRulesProblem(p.countedCommonRules);
    if (countedProblem) throw argError("countedCommonRules", p.countedCommonRules, `WAF rule names, each listed once (${countedProblem})`, { where: "the WAF rules" });
    const rate: WafRule = {
        name: "rate-limit-per-ip",
        priority: 0,
        action: { block: {} },
        statement: { rateBasedStatement: { limit, aggregateKeyType: "IP", evaluationWindowSec: p.rateWindowSeconds } },
        visibilityConfig: visibility(`${p.metricPrefix}-rate-limit`),
    };
    const managed = managedRuleGroups.map((group, i): WafRule => {
        const counted = group === "AWSManagedRulesCommonRuleSet" ? p.countedCommonRules : [];
        const overrides = counted.map((name) => ({ name, actionToUse: { count: {} } }));
        return {
            name: group,
            priority: i + 1,
            overrideAction: { none: {} },
            statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group, ...(overrides.length > 0 ? { ruleActionOverrides: overrides } : {}) } },
            visibilityConfig: visibility(`${p.metricPrefix}-${group}`),
        };
    });
    return [rate, ...managed];
}

/** Request headers the WAF log never shows: credentials and session cookies. */
export const wafRedactedHeaders = ["authorization", "cookie"] as const;

/** `redactedFields` of the logging configuration: each of `wafRedactedHeaders`. */
export const wafRedactedFields = (): { singleHeader: { name: string } }[] => wafRedactedHeaders.map((name) => ({ singleHeader: { name } }));

/**
 * What the WAF log keeps: every request a rule blocked or challenged, and every request a rule
 * only counted (a COUNT rule, or a managed rule overridden to count, which the filter calls
 * EXCLUDED_AS_COUNT). Allowed requests are dropped: the ALB access log already has each one,
 * and logging them would cost ~1.5 KB per request of vended-log ingestion.
 */
export const wafLogKeptActions = ["BLOCK", "CAPTCHA", "CHALLENGE", "COUNT", "EXCLUDED_AS_COUNT"] as const;

export function wafLoggingFilter() {
    return {
        defaultBehavior: "DROP",
        filters: [{ behavior: "KEEP", requirement: "MEETS_ANY", conditions: wafLogKeptActions.map((action) => ({ actionCondition: { action } })) }],
    };
}

/** WAF only logs to CloudWatch log groups whose name starts with this. */
export const wafLogGroupPrefix = "aws-waf-logs-";
