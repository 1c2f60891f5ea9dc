import { describe, expect, it } from "vitest";
import { runPolicies } from "../../offline/policy-run";
import { albWaf } from "../../policy/rules/aws-edge/alb-waf";
import { dependsVia, urnOf } from "./aws-edge-support";
import { type FakeResource, PREVIEW_UNKNOWN, fakeGraph } from "./helpers";

const LB = "aws:lb/loadBalancer:LoadBalancer";
const ACL = "aws:wafv2/webAcl:WebAcl";
const ASSOC = "aws:wafv2/webAclAssociation:WebAclAssociation";
const ACL_RULE = "aws:wafv2/webAclRule:WebAclRule";

const LB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/prod-web/45a7b120";
const ACL_ARN = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/prod-web-acl/a66a4949";

const rateRule = (action: Record<string, unknown> = { block: {} }) => ({
    name: "rate-limit-per-ip",
    priority: 0,
    action,
    statement: { rateBasedStatement: { aggregateKeyType: "IP", limit: 100 } },
    visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: "rate", sampledRequestsEnabled: true },
});
const managedRule = {
    name: "AWSManagedRulesCommonRuleSet",
    priority: 1,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { name: "AWSManagedRulesCommonRuleSet", vendorName: "AWS" } },
};

const lb = (props: Record<string, unknown> = {}, name = "web-alb"): FakeResource => ({ type: LB, name, props: { name: "prod-web", loadBalancerType: "application", ...props } });
const acl = (props: Record<string, unknown> = {}): FakeResource => ({ type: ACL, name: "web-waf", props: { name: "prod-web-acl", scope: "REGIONAL", rules: [rateRule(), managedRule], ...props } });
const assoc = (props: Record<string, unknown> = {}): FakeResource => ({ type: ASSOC, name: "web-waf-association", props: { resourceArn: LB_ARN, webAclArn: ACL_ARN, ...props } });

async function run(resources: FakeResource[], config: Record<string, unknown> = {}, deps?: (g: ReturnType<typeof fakeGraph>) => void) {
    const graph = fakeGraph(resources);
    deps?.(graph);
    return runPolicies(graph, [albWaf], { config: { "alb-waf": config } });
}
const messagesOf = async (...args: Parameters<typeof run>) => (await run(...args)).map((v) => v.message);

describe("alb-waf", () => {
    it("passes an ALB whose association names it and a rate-limiting web ACL by ARN", async () => {
        expect(await run([lb(), acl(), assoc()])).toEqual([]);
    });

    it("passes at preview, when both ARNs are unknown, through the engine's property dependencies", async () => {
        const unknownArns = assoc({ resourceArn: PREVIEW_UNKNOWN, webAclArn: PREVIEW_UNKNOWN });
        const violations = await run([lb(), acl(), unknownArns], {}, (g) => {
            dependsVia(g, "web-waf-association", "resourceArn", "web-alb");
            dependsVia(g, "web-waf-association", "webAclArn", "web-waf");
        });
        expect(violations).toEqual([]);
    });

    it("fails an ALB without any association, on the load balancer's URN", async () => {
        const violations = await run([lb(), acl()]);
        expect(violations).toEqual([expect.objectContaining({ level: "mandatory", urn: urnOf(LB, "web-alb"), message: expect.stringMatching(/"web-alb" has no WAF web ACL association/) })]);
    });

    it("fails an ALB when the only association belongs to another load balancer", async () => {
        const other = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/other/1";
        expect(await messagesOf([lb(), acl(), assoc({ resourceArn: other })])).toEqual([expect.stringMatching(/has no WAF web ACL association/)]);
        // Property dependencies on another resource decide even when the ARN is unknown.
        const violations = await messagesOf([lb(), lb({ name: "other" }, "other-alb"), acl(), assoc({ resourceArn: PREVIEW_UNKNOWN })], {}, (g) =>
            dependsVia(g, "web-waf-association", "resourceArn", "other-alb"),
        );
        expect(violations).toEqual([expect.stringMatching(/"web-alb" has no WAF web ACL association/)]);
    });

    it("with requireWaf false, skips ALBs without a web ACL but still checks those with one", async () => {
        expect(await run([lb()], { requireWaf: false })).toEqual([]);
        expect(await messagesOf([lb(), acl({ rules: [managedRule] }), assoc()], { requireWaf: false })).toEqual([expect.stringMatching(/has no rate-based rule/)]);
    });

    it("fails a web ACL without a rate-based rule, or whose rate rule only counts", async () => {
        expect(await messagesOf([lb(), acl({ rules: [managedRule] }), assoc()])).toEqual([expect.stringMatching(/Web ACL "web-waf" on load balancer "web-alb" has no rate-based rule that blocks/)]);
        expect(await messagesOf([lb(), acl({ rules: [rateRule({ count: {} })] }), assoc()])).toEqual([expect.stringMatching(/no rate-based rule that blocks/)]);
    });

    it("accepts a rate rule given as ruleJson or as a separate WebAclRule, and challenge/captcha actions", async () => {
        const json = JSON.stringify([{ Name: "rate", Priority: 0, Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 100, AggregateKeyType: "IP" } } }]);
        expect(await run([lb(), acl({ rules: undefined, ruleJson: json }), assoc()])).toEqual([]);
        const separate: FakeResource = { type: ACL_RULE, name: "rate", props: { webAclArn: ACL_ARN, ...rateRule(), name: "rate" } };
        expect(await run([lb(), acl({ rules: [managedRule] }), assoc(), separate])).toEqual([]);
        expect(await run([lb(), acl({ rules: [rateRule({ challenge: {} })] }), assoc()])).toEqual([]);
    });

    it("fails a web ACL from outside the stack unless its ARN is trusted", async () => {
        expect(await messagesOf([lb(), assoc()])).toEqual([expect.stringMatching(/attaches web ACL .*not in this stack.*trustedWebAclArns/)]);
        expect(await run([lb(), assoc()], { trustedWebAclArns: [ACL_ARN] })).toEqual([]);
    });

    it("reports what it cannot decide at preview", async () => {
        expect(await messagesOf([lb(), acl(), assoc({ resourceArn: PREVIEW_UNKNOWN })])).toEqual([expect.stringMatching(/resourceArn of WAF association "web-waf-association" is unknown during preview/)]);
        expect(await messagesOf([lb(), acl(), assoc({ webAclArn: PREVIEW_UNKNOWN })])).toEqual([expect.stringMatching(/webAclArn of WAF association .* is unknown during preview/)]);
        expect(await messagesOf([lb(), acl({ rules: PREVIEW_UNKNOWN }), assoc()])).toEqual([expect.stringMatching(/the rules property of web ACL "web-waf" is unknown during preview/)]);
    });

    it("covers the alb alias and unset type, and ignores network load balancers", async () => {
        expect(await run([{ type: LB, name: "nlb", props: { name: "nlb", loadBalancerType: "network" } }])).toEqual([]);
        expect(await messagesOf([{ type: "aws:alb/loadBalancer:LoadBalancer", name: "legacy", props: { name: "legacy" } }])).toEqual([expect.stringMatching(/"legacy" has no WAF/)]);
    });

    it("honours the configured level", async () => {
        const [v] = await runPolicies(fakeGraph([lb()]), [albWaf], { config: { "alb-waf": { enforcementLevel: "advisory" } } });
        expect(v.level).toBe("advisory");
    });
});
