import { describe, expect, it } from "vitest";
import { sgNoOpenIngress } from "../../policy/rules/aws-edge/sg-no-open-ingress";
import { PREVIEW_UNKNOWN, check, messages } from "./helpers";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

const vpcRule = (port: number, over: Record<string, unknown> = {}) => ({
    cidrIpv4: "0.0.0.0/0",
    ipProtocol: "tcp",
    fromPort: port,
    toPort: port,
    securityGroupId: "sg-1",
    description: "from the internet",
    ...over,
});

describe("sg-no-open-ingress", () => {
    it("passes world-open tcp 80 and 443 (IPv4 and IPv6)", async () => {
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(443))).toEqual([]);
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(80, { cidrIpv4: undefined, cidrIpv6: "::/0" }))).toEqual([]);
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(443, { ipProtocol: "6" }))).toEqual([]);
    });

    it("passes any port from a private CIDR or a security group", async () => {
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(22, { cidrIpv4: "10.0.0.0/16" }))).toEqual([]);
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(5432, { cidrIpv4: undefined, referencedSecurityGroupId: "sg-app" }))).toEqual([]);
    });

    it("fails world-open SSH, Postgres and Redis, naming the port", async () => {
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(22))).toEqual([expect.stringMatching(/this rule allows tcp from 0\.0\.0\.0\/0: port 22 \(SSH\) must never be open/)]);
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(5432, { cidrIpv4: undefined, cidrIpv6: "::/0" }))).toEqual([expect.stringMatching(/from ::\/0: port 5432 \(Postgres\)/)]);
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(6379))).toEqual([expect.stringMatching(/port 6379 \(Redis\)/)]);
    });

    it("fails all protocols, other protocols, other ports and port ranges", async () => {
        expect(await messages(sgNoOpenIngress, INGRESS, { cidrIpv4: "0.0.0.0/0", ipProtocol: "-1", securityGroupId: "sg-1" })).toEqual([expect.stringMatching(/all protocols and ports must never be open/)]);
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(443, { ipProtocol: "udp" }))).toEqual([expect.stringMatching(/udp port 443 must not be open.*only tcp 80\/443/)]);
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(8080))).toEqual([expect.stringMatching(/tcp port 8080 must not be open/)]);
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(80, { toPort: 443 }))).toEqual([expect.stringMatching(/tcp ports 80-443 must not be open/)]);
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(0, { toPort: 65535 }))).toEqual([expect.stringMatching(/ports 22 \(SSH\), 5432 \(Postgres\), 6379 \(Redis\) must never/)]);
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(-1, { ipProtocol: "icmp" }))).toEqual([expect.stringMatching(/icmp must not be open/)]);
    });

    it("checks inline ingress blocks of a security group, one message per block, and ignores egress", async () => {
        const props = {
            description: "web",
            ingress: [
                { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] },
                { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"] },
                { protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] },
            ],
            egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
        };
        expect(await messages(sgNoOpenIngress, SG, props)).toEqual([
            expect.stringMatching(/^ingress\[1\] allows tcp from 0\.0\.0\.0\/0: port 22/),
            expect.stringMatching(/^ingress\[2\] allows all protocols from ::\/0: all protocols/),
        ]);
    });

    it("checks SecurityGroupRule resources of type ingress only", async () => {
        const rule = { type: "ingress", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"], securityGroupId: "sg-1" };
        expect(await messages(sgNoOpenIngress, SG_RULE, rule)).toEqual([expect.stringMatching(/port 22 \(SSH\)/)]);
        expect(await messages(sgNoOpenIngress, SG_RULE, { ...rule, type: "egress" })).toEqual([]);
        expect(await messages(sgNoOpenIngress, EGRESS, vpcRule(22))).toEqual([]);
    });

    it("reports unknowns only where they decide the outcome", async () => {
        // An unknown source on a port that may face the world anyway decides nothing.
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(443, { cidrIpv4: PREVIEW_UNKNOWN }))).toEqual([]);
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(22, { cidrIpv4: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/source CIDR of this rule is unknown during preview/)]);
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(22, { toPort: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/protocol or ports of this rule is unknown/)]);
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(22, { ipProtocol: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/protocol or ports of this rule is unknown/)]);
        expect(await messages(sgNoOpenIngress, SG, { ingress: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/^ingress is unknown during preview/)]);
        expect(await messages(sgNoOpenIngress, SG, { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: PREVIEW_UNKNOWN }] })).toEqual([
            expect.stringMatching(/source CIDR of ingress\[0\] is unknown/),
        ]);
        expect(await messages(sgNoOpenIngress, SG_RULE, { type: PREVIEW_UNKNOWN, protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] })).toEqual([
            expect.stringMatching(/^type is unknown/),
        ]);
    });

    it("honours worldOpenPorts, but never opens 22, 5432 or 6379", async () => {
        const only443 = { config: { "sg-no-open-ingress": { worldOpenPorts: [443] } } };
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(80), only443)).toEqual([expect.stringMatching(/only tcp 443 may be/)]);
        const withSsh = { config: { "sg-no-open-ingress": { worldOpenPorts: [22, 80, 443, 8443] } } };
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(8443), withSsh)).toEqual([]);
        expect(await messages(sgNoOpenIngress, INGRESS, vpcRule(22), withSsh)).toEqual([expect.stringMatching(/port 22 \(SSH\) must never/)]);
    });

    it("is mandatory and honours the configured level", async () => {
        const bad = [{ type: INGRESS, props: vpcRule(22) }];
        expect((await check(sgNoOpenIngress, bad))[0].level).toBe("mandatory");
        expect(await check(sgNoOpenIngress, bad, { config: { "sg-no-open-ingress": { enforcementLevel: "disabled" } } })).toEqual([]);
        expect(await messages(sgNoOpenIngress, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", vpcRule(22))).toEqual([]);
    });
});
