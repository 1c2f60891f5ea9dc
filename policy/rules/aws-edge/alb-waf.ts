import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { type Maybe, type SlipwayRule, UNKNOWN, ofTypes, read, reportUnknown, stackRule, types } from "../kit";
import { isApplicationLb } from "./alb-hardening";

interface WafConfig {
    /** Every application load balancer must have a web ACL (false: check only those that do). */
    requireWaf: boolean;
    /** Web ACLs managed outside this stack (e.g. by Firewall Manager) trusted to rate-limit. */
    trustedWebAclArns: string[];
}

type Ref = "yes" | "no" | "unknown";

/**
 * Whether `from.props[prop]` is `to`'s ARN. At preview that ARN is unknown, so the engine's
 * property dependencies decide first; after that a known ARN is compared with `to`'s ARN or,
 * since ARNs embed the name, with the name part.
 */
export function refersTo(from: PolicyResource, prop: string, to: PolicyResource, namePart: (name: string) => string): Ref {
    const deps = from.propertyDependencies?.[prop] ?? [];
    if (deps.some((d) => d.urn === to.urn)) return "yes";
    const value = read(() => from.props[prop]);
    if (value === UNKNOWN) return deps.length > 0 ? "no" : "unknown";
    if (typeof value !== "string") return "no";
    const arn = read(() => to.props.arn);
    if (typeof arn === "string" && arn === value) return "yes";
    const name = read(() => to.props.name);
    return typeof name === "string" && value.includes(namePart(name)) ? "yes" : "no";
}

const lbArnPart = (name: string) => `:loadbalancer/app/${name}/`;
export const aclArnPart = (name: string) => `/webacl/${name}/`;

/** A rule action that limits traffic (a rate rule that only counts protects nothing). */
const limits = (action: unknown): boolean =>
    !!action && typeof action === "object" && ["block", "captcha", "challenge", "Block", "Captcha", "Challenge"].some((k) => k in action);

/** Whether a rule (provider or API spelling) is a rate-based rule that blocks. */
interface WafRule {
    statement?: { rateBasedStatement?: unknown };
    action?: unknown;
    // ruleJson uses the WAF API's PascalCase.
    Statement?: { RateBasedStatement?: unknown };
    Action?: unknown;
}

function isRateLimit(rule: WafRule): Maybe<boolean> {
    const rate = read(() => rule.statement?.rateBasedStatement ?? rule.Statement?.RateBasedStatement);
    const action = read(() => rule.action ?? rule.Action);
    if (rate === UNKNOWN || action === UNKNOWN) return UNKNOWN;
    return !!rate && limits(action);
}

/** Whether a web ACL (its inline rules, its ruleJson or separate WebAclRule resources) rate-limits. */
function aclRateLimits(acl: PolicyResource, extraRules: PolicyResource[]): Maybe<boolean> {
    let unknown = false;
    const consider = (r: Maybe<boolean>) => {
        if (r === UNKNOWN) unknown = true;
        return r === true;
    };
    const rules = read(() => acl.props.rules);
    if (rules === UNKNOWN) unknown = true;
    else if (Array.isArray(rules)) {
        for (let i = 0; i < rules.length; i++) {
            const rule = read(() => rules[i]);
            if (rule === UNKNOWN) unknown = true;
            else if (consider(isRateLimit(rule as WafRule))) return true;
        }
    }
    const json = read(() => acl.props.ruleJson);
    if (json === UNKNOWN) unknown = true;
    else if (typeof json === "string" && json) {
        try {
            const parsed: unknown = JSON.parse(json);
            if (Array.isArray(parsed) && parsed.some((r) => isRateLimit(r as WafRule) === true)) return true;
        } catch {
            // Malformed ruleJson is the provider's error to report; it holds no rate rule here.
        }
    }
    for (const rule of extraRules) {
        const ref = refersTo(rule, "webAclArn", acl, aclArnPart);
        if (ref === "unknown") unknown = true;
        else if (ref === "yes" && consider(isRateLimit(rule.props as WafRule))) return true;
    }
    return unknown ? UNKNOWN : false;
}

/**
 * Every application load balancer sits behind a WAF web ACL with a blocking rate-based rule.
 * "Mandatory when WAF is configured": `requireWaf` (default true) makes a WAF association
 * mandatory for every ALB; with `requireWaf: false` only the load balancers that do have an
 * association are checked, and their web ACL must still rate-limit.
 */
export const albWaf: SlipwayRule = stackRule(
    {
        name: "alb-waf",
        group: "aws",
        description: "Every application load balancer must be associated with a WAF web ACL that has a blocking rate-based rule.",
        sources: ["FSBP ELB.16", "FSBP WAF.10"],
        remediation:
            "Create an aws.wafv2.WebAcl (scope REGIONAL) with a rule whose statement is a rateBasedStatement and whose action is block, and attach it with an aws.wafv2.WebAclAssociation whose resourceArn is the load balancer's arn. Set requireWaf: false in this rule's config to check only load balancers that already have a web ACL.",
        level: "mandatory",
        configSchema: {
            properties: {
                requireWaf: { type: "boolean", default: true },
                trustedWebAclArns: { type: "array", items: { type: "string" }, default: [] },
            },
        },
    },
    (args, report) => {
        const { requireWaf, trustedWebAclArns } = args.getConfig<WafConfig>();
        const associations = ofTypes(args.resources, types.wafAssociation);
        const acls = ofTypes(args.resources, types.wafAcl);
        const aclRules = ofTypes(args.resources, types.wafAclRule);

        for (const lb of ofTypes(args.resources, types.loadBalancer)) {
            const lbType = read(() => lb.props.loadBalancerType);
            if (lbType !== UNKNOWN && !isApplicationLb(lbType)) continue;
            const at: ReportViolation = (m) => report(m, lb.urn);
            const refs = associations.map((a) => ({ a, ref: refersTo(a, "resourceArn", lb, lbArnPart) }));
            const mine = refs.filter((r) => r.ref === "yes").map((r) => r.a);

            if (mine.length === 0) {
                if (!requireWaf) continue;
                const undecided = refs.find((r) => r.ref === "unknown");
                if (undecided) reportUnknown(at, `resourceArn of WAF association "${undecided.a.name}"`);
                else at(`Load balancer "${lb.name}" has no WAF web ACL association; attach a regional web ACL with a rate-based rule (aws.wafv2.WebAclAssociation, resourceArn: the load balancer's arn).`);
                continue;
            }

            for (const assoc of mine) {
                const aclArn = read(() => assoc.props.webAclArn);
                if (typeof aclArn === "string" && trustedWebAclArns.includes(aclArn)) continue;
                const aclRefs = acls.map((acl) => ({ acl, ref: refersTo(assoc, "webAclArn", acl, aclArnPart) }));
                const acl = aclRefs.find((r) => r.ref === "yes")?.acl;
                if (!acl) {
                    if (aclArn === UNKNOWN || aclRefs.some((r) => r.ref === "unknown")) reportUnknown(at, `webAclArn of WAF association "${assoc.name}"`);
                    else at(`WAF association "${assoc.name}" of load balancer "${lb.name}" attaches web ACL ${JSON.stringify(aclArn)}, which is not in this stack, so its rate-based rule cannot be verified; manage the web ACL in this stack or list its ARN in this rule's trustedWebAclArns.`);
                    continue;
                }
                const limited = aclRateLimits(acl, aclRules);
                if (limited === UNKNOWN) reportUnknown(at, `the rules property of web ACL "${acl.name}"`);
                else if (!limited) at(`Web ACL "${acl.name}" on load balancer "${lb.name}" has no rate-based rule that blocks; add a rule with statement.rateBasedStatement and action block (or captcha/challenge), not count.`);
            }
        }
    },
);
