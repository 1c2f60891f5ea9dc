import { describe, expect, it } from "vitest";
import { dropletFirewall } from "../../policy/rules/stack/droplet-firewall";
import { networkBaseline } from "../../policy/rules/stack/network-baseline";
import { PREVIEW_UNKNOWN } from "./helpers";
import { awsStack, dropletStack, T } from "./stack-fixtures";
import { type Node, patch, run, violations, without } from "./stack-graph";

describe("network-baseline", () => {
    const rule = networkBaseline;

    it("passes a VPC with flow logs and an empty, managed default security group", async () => {
        expect(await run(rule, awsStack())).toEqual([]);
    });

    it("flags a VPC without flow logs, and one whose flow log is another VPC's", async () => {
        expect(await run(rule, without(awsStack(), "net-flow-log"))).toEqual([expect.stringMatching(/^net-vpc: .*has no flow log/)]);
        const other: Node = { type: T.vpc, name: "other-vpc", provider: "aws", props: {} };
        const lines = await run(rule, [...awsStack(), other]);
        expect(lines).toContainEqual(expect.stringMatching(/^other-vpc: .*has no flow log/));
        expect(lines).toContainEqual(expect.stringMatching(/^other-vpc: .*default security group is not managed/));
    });

    it("flags a default security group left unmanaged or with rules", async () => {
        expect(await run(rule, without(awsStack(), "net-default-sg"))).toEqual([expect.stringMatching(/default security group is not managed/)]);
        const rules = patch(awsStack(), "net-default-sg", { ingress: [{ protocol: "-1", self: true, fromPort: 0, toPort: 0 }], egress: [{ protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }] });
        expect(await run(rule, rules)).toEqual([expect.stringMatching(/has 1 ingress rule/), expect.stringMatching(/has 1 egress rule/)]);
        expect(await run(rule, patch(awsStack(), "net-default-sg", { ingress: undefined, egress: undefined }))).toEqual([]);
        expect(await run(rule, patch(awsStack(), "net-default-sg", { ingress: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/ingress is unknown during preview/)]);
    });

    it("is advisory by default", async () => {
        const [v] = await violations(rule, without(awsStack(), "net-flow-log"));
        expect(v.level).toBe("advisory");
    });
});

describe("droplet-firewall", () => {
    const rule = dropletFirewall;

    it("passes a droplet covered by tag (literal or through the same Tag resource) or by id", async () => {
        expect(await run(rule, dropletStack())).toEqual([]);
        const byLiteralTag = dropletStack().map((n) => ({ ...n, deps: undefined }));
        expect(await run(rule, byLiteralTag)).toEqual([]);
        const byTagResource = patch(patch(dropletStack(), "vps-firewall", { tags: [PREVIEW_UNKNOWN] }), "vps-droplet", { tags: [PREVIEW_UNKNOWN] });
        expect(await run(rule, byTagResource)).toEqual([]);
        const byId = patch(dropletStack(), "vps-firewall", { tags: undefined, dropletIds: [PREVIEW_UNKNOWN] }, { deps: { dropletIds: ["vps-droplet"] } });
        expect(await run(rule, byId)).toEqual([]);
    });

    it("fails a droplet no firewall covers", async () => {
        expect(await run(rule, without(dropletStack(), "vps-firewall"))).toEqual([expect.stringMatching(/^vps-droplet: .*not covered by any Cloud Firewall \(0 in the stack\)/)]);
        const otherTag = patch(dropletStack(), "vps-firewall", { tags: ["something-else"] }, { deps: {} });
        expect(await run(rule, otherTag)).toEqual([expect.stringMatching(/not covered by any Cloud Firewall \(1 in the stack\)/)]);
        const [v] = await violations(rule, otherTag);
        expect(v.level).toBe("mandatory");
    });

    it("reports tags unknown at preview rather than passing", async () => {
        const unknown = patch(dropletStack(), "vps-firewall", { tags: [PREVIEW_UNKNOWN] }, { deps: {} });
        expect(await run(rule, unknown)).toEqual([expect.stringMatching(/unknown during preview/)]);
    });
});
