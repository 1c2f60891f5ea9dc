import { describe, expect, it } from "vitest";
import { sgDescriptionsEgress } from "../../policy/rules/aws-edge/sg-descriptions-egress";
import { PREVIEW_UNKNOWN, check, messages } from "./helpers";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

const group = (over: Record<string, unknown> = {}) => ({
    description: "Web tier tasks",
    ingress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, securityGroups: ["sg-alb"], description: "from the load balancer" }],
    egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS out" }],
    ...over,
});

describe("sg-descriptions-egress", () => {
    it("passes described groups and rules with narrow egress", async () => {
        expect(await messages(sgDescriptionsEgress, SG, group())).toEqual([]);
        expect(await messages(sgDescriptionsEgress, EGRESS, { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "HTTPS" })).toEqual([]);
        // All protocols inside the VPC is not "to the world".
        expect(await messages(sgDescriptionsEgress, EGRESS, { ipProtocol: "-1", cidrIpv4: "10.0.0.0/16", description: "VPC" })).toEqual([]);
    });

    it("flags a group without a real description", async () => {
        expect(await messages(sgDescriptionsEgress, SG, group({ description: undefined }))).toEqual([expect.stringMatching(/^description is "unset"/)]);
        expect(await messages(sgDescriptionsEgress, SG, group({ description: "Managed by Pulumi" }))).toEqual([expect.stringMatching(/description is "Managed by Pulumi"/)]);
    });

    it("flags undescribed inline blocks and rule resources", async () => {
        expect(await messages(sgDescriptionsEgress, SG, group({ ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["10.0.0.0/8"] }] }))).toEqual([
            expect.stringMatching(/^ingress\[0\] has no description/),
        ]);
        expect(await messages(sgDescriptionsEgress, SG_RULE, { type: "ingress", protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["10.0.0.0/8"] })).toEqual([
            expect.stringMatching(/^this rule has no description/),
        ]);
        expect(await messages(sgDescriptionsEgress, INGRESS, { ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv4: "10.0.0.0/8" })).toEqual([expect.stringMatching(/has no description/)]);
        expect(await messages(sgDescriptionsEgress, EGRESS, { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.0.0.0/8", description: " " })).toEqual([expect.stringMatching(/has no description/)]);
    });

    it("flags all-protocol egress to the world in every spelling", async () => {
        expect(await messages(sgDescriptionsEgress, EGRESS, { ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "all" })).toEqual([
            expect.stringMatching(/this rule allows all protocols to 0\.0\.0\.0\/0/),
        ]);
        expect(await messages(sgDescriptionsEgress, SG, group({ egress: [{ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"], description: "all" }] }))).toEqual([
            expect.stringMatching(/^egress\[0\] allows all protocols to ::\/0/),
        ]);
        expect(await messages(sgDescriptionsEgress, SG_RULE, { type: "egress", protocol: "all", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "all" })).toEqual([
            expect.stringMatching(/allows all protocols to 0\.0\.0\.0\/0/),
        ]);
    });

    it("skips values unknown at preview (advisory) and is advisory by default", async () => {
        expect(await messages(sgDescriptionsEgress, SG, group({ description: PREVIEW_UNKNOWN, egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: PREVIEW_UNKNOWN, description: "x" }] }))).toEqual([]);
        const [v] = await check(sgDescriptionsEgress, [{ type: SG, props: group({ description: undefined }) }]);
        expect(v.level).toBe("advisory");
    });
});
