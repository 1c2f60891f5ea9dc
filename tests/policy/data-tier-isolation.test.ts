import { describe, expect, it } from "vitest";
import { dataTierIsolation } from "../../policy/rules/stack/data-tier-isolation";
import { PREVIEW_UNKNOWN } from "./helpers";
import { awsStack, dockerStack, T } from "./stack-fixtures";
import { type Node, patch, run } from "./stack-graph";

const rule = dataTierIsolation;

describe("data-tier-isolation", () => {
    it("passes security-group-only ingress and internal, unpublished data containers", async () => {
        expect(await run(rule, awsStack())).toEqual([]);
        expect(await run(rule, dockerStack({ remote: true }))).toEqual([]);
        expect(await run(rule, dockerStack({ remote: false }))).toEqual([]);
    });

    describe("AWS", () => {
        it("fails a CIDR source on the database's vpc ingress rule, and on the cache's", async () => {
            expect(await run(rule, patch(awsStack(), "db-in-tasks", { cidrIpv4: "10.0.0.0/8", referencedSecurityGroupId: undefined }))).toEqual([
                expect.stringMatching(/^db-instance: .*security group db-sg accepts traffic from addresses \(db-in-tasks: cidrIpv4="10.0.0.0\/8"\)/),
            ]);
            expect(await run(rule, patch(awsStack(), "cache-in-tasks", { cidrIpv6: "::/0" }))).toEqual([expect.stringMatching(/^cache-group: .*cidrIpv6="::\/0"/)]);
            expect(await run(rule, patch(awsStack(), "cache-in-tasks", { prefixListId: "pl-123" }))).toEqual([expect.stringMatching(/prefixListId="pl-123"/)]);
        });

        it("fails inline ingress and classic security group rules with address sources", async () => {
            expect(await run(rule, patch(awsStack(), "db-sg", { ingress: [{ fromPort: 5432, toPort: 5432, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] }))).toEqual([
                expect.stringMatching(/ingress\[0\]: cidrBlocks=\["0.0.0.0\/0"\]/),
            ]);
            const classic: Node = {
                type: T.sgRule,
                name: "db-classic",
                provider: "aws",
                props: { type: "ingress", securityGroupId: "db-sg-id", fromPort: 5432, toPort: 5432, protocol: "tcp", cidrBlocks: ["10.0.0.0/16"] },
                deps: { securityGroupId: ["db-sg"] },
            };
            expect(await run(rule, [...awsStack(), classic])).toEqual([expect.stringMatching(/db-classic: cidrBlocks/)]);
            const egress = { ...classic, name: "db-classic-out", props: { ...classic.props, type: "egress" } };
            expect(await run(rule, [...awsStack(), egress])).toEqual([]);
            // Another group's open rule is not the data tier's business.
            expect(await run(rule, patch(awsStack(), "db-in-tasks", { cidrIpv4: "10.0.0.0/8" }, { deps: { securityGroupId: ["web-task-sg"] } }))).toEqual([]);
        });

        it("fails a data store on the default security group or on groups outside the stack", async () => {
            expect(await run(rule, patch(awsStack(), "db-instance", { vpcSecurityGroupIds: undefined }))).toEqual([expect.stringMatching(/sets no vpcSecurityGroupIds/)]);
            expect(await run(rule, patch(awsStack(), "cache-group", { securityGroupIds: ["sg-123", "cache-sg-id"] }))).toEqual([
                expect.stringMatching(/1 of its securityGroupIds are not security groups of this stack/),
            ]);
        });

        it("covers RDS clusters", async () => {
            const cluster: Node = { type: T.rdsCluster, name: "aurora", provider: "aws", props: { vpcSecurityGroupIds: ["db-sg-id"] }, deps: { vpcSecurityGroupIds: ["db-sg"] } };
            expect(await run(rule, patch([...awsStack(), cluster], "db-in-tasks", { cidrIpv4: "10.0.0.0/8" }))).toHaveLength(2);
        });

        it("never silently passes unknown sources", async () => {
            expect(await run(rule, patch(awsStack(), "db-in-tasks", { cidrIpv4: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/has a source unknown during preview/)]);
            expect(await run(rule, patch(awsStack(), "db-instance", { vpcSecurityGroupIds: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/unknown during preview/)]);
            expect(await run(rule, patch(awsStack(), "db-sg", { ingress: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/unknown during preview/)]);
        });
    });

    describe("Docker", () => {
        it("fails published ports on postgres and redis, even on loopback", async () => {
            const ports = [{ internal: 5432, external: 5432, ip: "127.0.0.1", protocol: "tcp" }];
            expect(await run(rule, patch(dockerStack(), "db-postgres", { ports }))).toEqual([expect.stringMatching(/^db-postgres: .*publishes ports 127.0.0.1:5432->5432/)]);
            expect(await run(rule, patch(dockerStack(), "cache-redis", { ports: [{ internal: 6379, external: 6379 }] }))).toEqual([
                expect.stringMatching(/^cache-redis: .*0.0.0.0:6379->6379/),
            ]);
        });

        it("fails a non-internal network, the default bridge, host networking and unmanaged networks", async () => {
            const onEdge = patch(dockerStack(), "db-postgres", { networksAdvanced: [{ name: "s-data" }, { name: "s-edge" }] }, { deps: { networksAdvanced: ["network-data", "network-edge"] } });
            expect(await run(rule, onEdge)).toEqual([expect.stringMatching(/joins network network-edge \("s-edge"\) whose internal is false/)]);
            expect(await run(rule, patch(dockerStack(), "cache-redis", { networksAdvanced: undefined }))).toEqual([expect.stringMatching(/Docker's default bridge/)]);
            expect(await run(rule, patch(dockerStack(), "cache-redis", { networkMode: "host" }))).toEqual([expect.stringMatching(/networkMode "host"/)]);
            expect(await run(rule, patch(dockerStack(), "cache-redis", { networksAdvanced: [{ name: "elsewhere" }] }, { deps: {} }))).toEqual([
                expect.stringMatching(/"elsewhere", which is not a network of this stack/),
            ]);
        });

        it("resolves a network name unknown at preview through the dependency, and reports a real unknown", async () => {
            const unknownName = patch(dockerStack(), "db-postgres", { networksAdvanced: [{ name: PREVIEW_UNKNOWN, aliases: ["postgres"] }] });
            expect(await run(rule, unknownName)).toEqual([]);
            expect(await run(rule, patch(unknownName, "network-data", { internal: false }))).toEqual([
                expect.stringMatching(/^db-postgres: .*whose internal is false/),
                expect.stringMatching(/^cache-redis: .*whose internal is false/),
            ]);
            expect(await run(rule, patch(dockerStack(), "db-postgres", { ports: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/ports is unknown during preview/)]);
            expect(await run(rule, patch(dockerStack(), "network-data", { internal: PREVIEW_UNKNOWN }))).toHaveLength(2);
        });

        it("ignores containers that are not data stores, and honours dataImages", async () => {
            const app = patch(dockerStack(), "web-app-0", { ports: [{ internal: 8080, external: 8080 }] });
            expect(await run(rule, app)).toEqual([]);
            expect(await run(rule, app, { config: { "data-tier-isolation": { dataImages: ["slipway-dev/sample-app"] } } })).toHaveLength(2);
        });
    });
});
