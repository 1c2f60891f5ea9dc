import { describe, expect, it } from "vitest";
import { runPolicies } from "../../offline/policy-run";
import { wafLogging } from "../../policy/rules/aws-edge/waf-logging";
import { dependsVia, urnOf } from "./aws-edge-support";
import { type FakeResource, PREVIEW_UNKNOWN, fakeGraph } from "./helpers";

const ACL = "aws:wafv2/webAcl:WebAcl";
const LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration";
const ACL_ARN = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/prod-web-acl/a66a4949";
const GROUP_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-prod-web";

const acl = (props: Record<string, unknown> = {}, name = "web-waf"): FakeResource => ({ type: ACL, name, props: { name: "prod-web-acl", scope: "REGIONAL", ...props } });
const redacted = [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }];
const logging = (props: Record<string, unknown> = {}): FakeResource => ({
    type: LOGGING,
    name: "web-waf-logging",
    props: { resourceArn: ACL_ARN, logDestinationConfigs: [GROUP_ARN], redactedFields: redacted, ...props },
});

async function run(resources: FakeResource[], config: Record<string, unknown> = {}, deps?: (g: ReturnType<typeof fakeGraph>) => void) {
    const graph = fakeGraph(resources);
    deps?.(graph);
    return runPolicies(graph, [wafLogging], { config: { "waf-logging": config } });
}
const messagesOf = async (...args: Parameters<typeof run>) => (await run(...args)).map((v) => v.message);

describe("waf-logging", () => {
    it("passes a web ACL with a logging configuration that redacts authorization and cookie", async () => {
        expect(await run([acl(), logging()])).toEqual([]);
    });

    it("passes at preview through the engine's property dependency on the ACL", async () => {
        expect(await run([acl(), logging({ resourceArn: PREVIEW_UNKNOWN })], {}, (g) => dependsVia(g, "web-waf-logging", "resourceArn", "web-waf"))).toEqual([]);
    });

    it("fails a web ACL without logging, on the ACL's URN (the web tier before issue 12)", async () => {
        const violations = await run([acl()]);
        expect(violations).toEqual([expect.objectContaining({ level: "mandatory", urn: urnOf(ACL, "web-waf"), message: expect.stringMatching(/"web-waf" has no logging configuration/) })]);
    });

    it("fails when the only logging configuration belongs to another ACL", async () => {
        const other = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/other/1";
        expect(await messagesOf([acl(), logging({ resourceArn: other })])).toEqual([expect.stringMatching(/has no logging configuration/)]);
        const viaDeps = await messagesOf([acl(), acl({ name: "other" }, "other-waf"), logging({ resourceArn: PREVIEW_UNKNOWN })], {}, (g) =>
            dependsVia(g, "web-waf-logging", "resourceArn", "other-waf"),
        );
        expect(viaDeps).toEqual([expect.stringMatching(/"web-waf" has no logging configuration/)]);
    });

    it("fails a logging configuration that lets credentials or cookies into the log", async () => {
        expect(await messagesOf([acl(), logging({ redactedFields: undefined })])).toEqual([expect.stringMatching(/does not redact the authorization and cookie headers/)]);
        expect(await messagesOf([acl(), logging({ redactedFields: [{ singleHeader: { name: "Authorization" } }] })])).toEqual([expect.stringMatching(/does not redact the cookie header,/)]);
        // The WAF API's own spelling counts too.
        expect(await run([acl(), logging({ redactedFields: [{ SingleHeader: { Name: "authorization" } }, { SingleHeader: { Name: "COOKIE" } }] })])).toEqual([]);
    });

    it("honours a configured header list", async () => {
        expect(await messagesOf([acl(), logging()], { redactedHeaders: ["authorization", "cookie", "x-api-key"] })).toEqual([expect.stringMatching(/does not redact the x-api-key header/)]);
    });

    it("reports what it cannot decide at preview", async () => {
        expect(await messagesOf([acl(), logging({ resourceArn: PREVIEW_UNKNOWN })])).toEqual([expect.stringMatching(/resourceArn of WAF logging configuration "web-waf-logging" is unknown during preview/)]);
        expect(await messagesOf([acl(), logging({ redactedFields: PREVIEW_UNKNOWN })])).toEqual([expect.stringMatching(/redactedFields of WAF logging configuration .* is unknown during preview/)]);
    });

    it("honours the configured level", async () => {
        const [v] = await runPolicies(fakeGraph([acl()]), [wafLogging], { config: { "waf-logging": { enforcementLevel: "advisory" } } });
        expect(v.level).toBe("advisory");
    });
});
