import { describe, expect, it } from "vitest";
import { AwsNetwork, interfaceEndpointServices, normalizeAwsNetworkArgs, type AwsNetworkArgs } from "../../components/network/aws";
import { flowLogWritePolicy } from "../../components/network/flow-log";
import { normalizeNetworkArgs, type NatMode } from "../../components/network/index";
import { planSubnetCidrs } from "../../components/network/subnet-plan";
import { cloudWatchRetentionDays } from "../../components/shared/cloudwatch";
import type { RecordedResource } from "../../offline/recorder";
import { checkArgError, expectArgError } from "../helpers/arg-error";
import { expectParentedAndPrefixed } from "../helpers/children";
import { recordResources, resolve } from "../helpers/record";

const T = {
    component: "slipway:components:Network",
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    igw: "aws:ec2/internetGateway:InternetGateway",
    eip: "aws:ec2/eip:Eip",
    nat: "aws:ec2/natGateway:NatGateway",
    routeTable: "aws:ec2/routeTable:RouteTable",
    route: "aws:ec2/route:Route",
    association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    flowLog: "aws:ec2/flowLog:FlowLog",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    key: "aws:kms/key:Key",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
};

const build = (args: AwsNetworkArgs = {}, region = "us-east-1") => recordResources(() => new AwsNetwork("net", args), { region });
const idOf = (r: RecordedResource) => `${r.name}-id`; // the offline mocks' id scheme
const json = (s: unknown) => JSON.parse(s as string);

describe("normalizeNetworkArgs", () => {
    it("applies the production defaults", () => {
        expect(normalizeNetworkArgs()).toEqual({
            cidr: "10.0.0.0/16",
            azCount: 3,
            nat: "per-az",
            flowLogRetentionDays: 90,
            subnets: {},
            protect: true,
        });
    });

    it("keeps explicit choices", () => {
        const n = normalizeNetworkArgs({ cidr: "10.9.0.0/20", azCount: 2, nat: "none", flowLogRetentionDays: 90, protect: false });
        expect(n).toMatchObject({ cidr: "10.9.0.0/20", azCount: 2, nat: "none", flowLogRetentionDays: 90, protect: false });
    });

    it.each([
        [{ cidr: "10.0.0.1/16" }, { key: "cidr", value: "10.0.0.1/16", allowed: /an IPv4 CIDR block: a network address and prefix/ }],
        [{ cidr: "10.0.0.0/26" }, { key: "cidr", value: "10.0.0.0/26", allowed: /a \/24 or larger .*room for public, private and isolated subnets/ }],
        [{ azCount: 4 as 3 }, { key: "azCount", value: 4, allowed: "2 or 3" }],
        [{ nat: "both" as NatMode }, { key: "nat", value: "both", allowed: `one of "per-az", "single", "none"` }],
        [{ flowLogRetentionDays: 366 }, { key: "flowLogRetentionDays", value: 366, allowed: /a CloudWatch Logs retention: 1, 3, 5/ }],
        [{ flowLogRetentionDays: 0 }, { key: "flowLogRetentionDays", value: 0, allowed: /a CloudWatch Logs retention/ }],
        [{ subnets: { public: ["10.0.0.0/24"] } }, { key: "subnets.public", value: ["10.0.0.0/24"], allowed: "exactly 3 CIDRs, one per availability zone (it lists 1)" }],
    ])("rejects %j", (args, want) => {
        expectArgError(() => normalizeNetworkArgs(args), want);
    });

    it("accepts every CloudWatch retention value", () => {
        for (const days of cloudWatchRetentionDays) expect(normalizeNetworkArgs({ flowLogRetentionDays: days }).flowLogRetentionDays).toBe(days);
    });
});

describe("normalizeAwsNetworkArgs", () => {
    it("looks zones up by default", () => {
        expect(normalizeAwsNetworkArgs().availabilityZones).toBeUndefined();
    });

    it("takes the AZ count from a given zone list", () => {
        expect(normalizeAwsNetworkArgs({ availabilityZones: ["eu-west-1a", "eu-west-1b"] })).toMatchObject({
            azCount: 2,
            availabilityZones: ["eu-west-1a", "eu-west-1b"],
        });
    });

    it("refuses a zone list that disagrees with azCount, is too short or repeats a zone", () => {
        expectArgError(() => normalizeAwsNetworkArgs({ azCount: 3, availabilityZones: ["a", "b"] }), { key: "azCount", value: 3, allowed: /the number of availabilityZones listed \(2\)/ });
        expectArgError(() => normalizeAwsNetworkArgs({ availabilityZones: ["a"] }), { key: "availabilityZones", value: ["a"], allowed: "2 or 3 zones" });
        expectArgError(() => normalizeAwsNetworkArgs({ availabilityZones: ["a", "b", "a"] }), { key: "availabilityZones", value: ["a", "b", "a"], allowed: /3 different zones \(a is listed twice\)/ });
    });
});

describe("AwsNetwork", () => {
    describe.each([
        ["per-az", 3],
        ["per-az", 2],
        ["single", 3],
        ["single", 2],
        ["none", 3],
        ["none", 2],
    ] as [NatMode, 2 | 3][])("resource counts with nat %s over %i AZs", (nat, azCount) => {
        it("creates what the mode needs and nothing else", async () => {
            const { graph } = await build({ nat, azCount });
            const nats = { "per-az": azCount, single: 1, none: 0 }[nat];
            const count = (type: string) => graph.ofType(type).length;
            expect(count(T.vpc)).toBe(1);
            expect(count(T.subnet)).toBe(3 * azCount);
            expect(count(T.igw)).toBe(1);
            expect(count(T.nat)).toBe(nats);
            expect(count(T.eip)).toBe(nats);
            // public + one private per AZ + isolated
            expect(count(T.routeTable)).toBe(azCount + 2);
            expect(count(T.association)).toBe(3 * azCount);
            // public → IGW, plus one default route per private table when there is a NAT
            expect(count(T.route)).toBe(1 + (nats > 0 ? azCount : 0));
            expect(count(T.endpoint)).toBe(1 + (nat === "none" ? interfaceEndpointServices.length : 0));
            expect(count(T.sg)).toBe(nat === "none" ? 1 : 0);
            for (const t of [T.defaultSg, T.flowLog, T.logGroup, T.key, T.role, T.rolePolicy]) expect(count(t)).toBe(1);
        });
    });

    it("builds the VPC with DNS on and subnets from the plan, none mapping public IPs", async () => {
        const { graph } = await build({ cidr: "10.20.0.0/18" });
        expect(graph.one(T.vpc).inputs).toMatchObject({ cidrBlock: "10.20.0.0/18", enableDnsHostnames: true, enableDnsSupport: true });
        const plan = planSubnetCidrs({ cidr: "10.20.0.0/18", azCount: 3 });
        for (const tier of ["public", "private", "isolated"] as const) {
            plan[tier].forEach((cidr, i) => {
                const s = graph.byName(`net-subnet-${tier}-${i + 1}`);
                expect(s.inputs).toMatchObject({ cidrBlock: cidr, availabilityZone: `us-east-1${"abc"[i]}`, vpcId: "net-vpc-id" });
                expect(s.inputs.mapPublicIpOnLaunch).toBe(false);
            });
        }
    });

    it("keeps subnet names index-based (a renamed subnet is replaced, which fails while ENIs are attached)", async () => {
        const { graph } = await build();
        expect(graph.ofType(T.subnet).map((s) => s.name).sort()).toEqual(
            ["isolated", "private", "public"].flatMap((t) => [1, 2, 3].map((i) => `net-subnet-${t}-${i}`)).sort(),
        );
    });

    it("uses the given zones, or the first azCount available zones of the region", async () => {
        const given = await build({ availabilityZones: ["eu-west-1c", "eu-west-1a"] }, "eu-west-1");
        expect(given.graph.byName("net-subnet-private-1").inputs.availabilityZone).toBe("eu-west-1c");
        expect(given.graph.byName("net-subnet-isolated-2").inputs.availabilityZone).toBe("eu-west-1a");
        expect((await resolve(given.result.availabilityZones)).value).toEqual(["eu-west-1c", "eu-west-1a"]);

        const looked = await build({ azCount: 2 }, "eu-west-1");
        expect(looked.graph.ofType(T.subnet)).toHaveLength(6);
        expect((await resolve(looked.result.availabilityZones)).value).toEqual(["eu-west-1a", "eu-west-1b"]);
    });

    it("routes the public tier to the internet gateway", async () => {
        const { graph } = await build();
        const publicRt = graph.byName("net-rt-public");
        const routes = graph.ofType(T.route).filter((r) => r.inputs.routeTableId === idOf(publicRt));
        expect(routes).toHaveLength(1);
        expect(routes[0].inputs).toMatchObject({ destinationCidrBlock: "0.0.0.0/0", gatewayId: idOf(graph.one(T.igw)) });
        for (const i of [1, 2, 3]) {
            expect(graph.byName(`net-rta-public-${i}`).inputs).toMatchObject({ subnetId: `net-subnet-public-${i}-id`, routeTableId: idOf(publicRt) });
        }
    });

    it("per-az: each private route table goes to the NAT gateway in its own AZ", async () => {
        const { graph } = await build({ nat: "per-az" });
        const subnetsById = new Map(graph.ofType(T.subnet).map((s) => [idOf(s), s]));
        const natsById = new Map(graph.ofType(T.nat).map((n) => [idOf(n), n]));
        for (const i of [1, 2, 3]) {
            const rt = graph.byName(`net-rt-private-${i}`);
            const assoc = graph.ofType(T.association).filter((a) => a.inputs.routeTableId === idOf(rt));
            expect(assoc).toHaveLength(1);
            const privateAz = subnetsById.get(assoc[0].inputs.subnetId as string)!.inputs.availabilityZone;
            const [route] = graph.ofType(T.route).filter((r) => r.inputs.routeTableId === idOf(rt));
            expect(route.inputs.destinationCidrBlock).toBe("0.0.0.0/0");
            const nat = natsById.get(route.inputs.natGatewayId as string)!;
            const natSubnet = subnetsById.get(nat.inputs.subnetId as string)!;
            expect(natSubnet.name).toMatch(/^net-subnet-public-/);
            expect(natSubnet.inputs.availabilityZone).toBe(privateAz);
        }
        // NAT gateways need an attached internet gateway and an Elastic IP each.
        for (const nat of graph.ofType(T.nat)) {
            expect(graph.dependsOn(nat, graph.one(T.igw))).toBe(true);
            expect(graph.ofType(T.eip).map(idOf)).toContain(nat.inputs.allocationId);
        }
        expect(new Set(graph.ofType(T.eip).map((e) => e.inputs.domain))).toEqual(new Set(["vpc"]));
    });

    it("single: every private route table goes to the one NAT gateway", async () => {
        const { graph } = await build({ nat: "single" });
        const nat = graph.one(T.nat);
        const privateRoutes = graph.ofType(T.route).filter((r) => r.inputs.natGatewayId !== undefined);
        expect(privateRoutes).toHaveLength(3);
        for (const r of privateRoutes) expect(r.inputs.natGatewayId).toBe(idOf(nat));
    });

    it("none: no default route outside the public tier, and interface endpoints in the private subnets", async () => {
        const { graph, result } = await build({ nat: "none", cidr: "10.7.0.0/16" });
        const publicRt = idOf(graph.byName("net-rt-public"));
        expect(graph.ofType(T.route).filter((r) => r.inputs.routeTableId !== publicRt)).toEqual([]);
        expect((await resolve(result.natGatewayIds)).value).toEqual([]);

        const sg = graph.one(T.sg);
        expect(sg.inputs.ingress).toEqual([
            expect.objectContaining({ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.7.0.0/16"] }),
        ]);
        expect(sg.inputs.egress).toEqual([]);
        const interfaces = graph.ofType(T.endpoint).filter((e) => e.inputs.vpcEndpointType === "Interface");
        expect(interfaces.map((e) => e.inputs.serviceName).sort()).toEqual(
            ["ecr.api", "ecr.dkr", "logs", "secretsmanager"].map((s) => `com.amazonaws.us-east-1.${s}`),
        );
        for (const e of interfaces) {
            expect(e.inputs).toMatchObject({
                privateDnsEnabled: true,
                vpcId: "net-vpc-id",
                subnetIds: [1, 2, 3].map((i) => `net-subnet-private-${i}-id`),
                securityGroupIds: [idOf(sg)],
            });
        }
    });

    it("gives the isolated tier a route table with no internet route", async () => {
        for (const nat of ["per-az", "single", "none"] as NatMode[]) {
            const { graph } = await build({ nat });
            const isolatedRt = idOf(graph.byName("net-rt-isolated"));
            expect(graph.ofType(T.route).filter((r) => r.inputs.routeTableId === isolatedRt)).toEqual([]);
            const assocs = graph.ofType(T.association).filter((a) => a.inputs.routeTableId === isolatedRt);
            expect(assocs.map((a) => a.inputs.subnetId).sort()).toEqual([1, 2, 3].map((i) => `net-subnet-isolated-${i}-id`));
        }
    });

    it("attaches the S3 gateway endpoint to the private and isolated route tables only", async () => {
        const { graph } = await build({}, "eu-central-1");
        const [s3] = graph.ofType(T.endpoint).filter((e) => e.inputs.vpcEndpointType === "Gateway");
        expect(s3.inputs.serviceName).toBe("com.amazonaws.eu-central-1.s3");
        expect(s3.inputs.routeTableIds).toEqual(["net-rt-private-1-id", "net-rt-private-2-id", "net-rt-private-3-id", "net-rt-isolated-id"]);
    });

    it("empties the default security group", async () => {
        const { graph } = await build();
        expect(graph.one(T.defaultSg).inputs).toEqual({ vpcId: "net-vpc-id", ingress: [], egress: [] });
    });

    it("records ALL traffic to an encrypted log group with the chosen retention, through a least-privilege role", async () => {
        const { graph, result } = await build({ flowLogRetentionDays: 90 });
        const logGroup = graph.one(T.logGroup);
        const key = graph.one(T.key);
        const role = graph.one(T.role);
        const logGroupArn = `arn:aws:logs:us-east-1:123456789012:log-group:${logGroup.inputs.name}`;
        expect(logGroup.inputs).toMatchObject({ name: "/slipway/test/net/vpc-flow-logs", retentionInDays: 90 });
        expect(logGroup.inputs.kmsKeyId).toMatch(/^arn:aws:kms:/);
        expect(key.inputs).toMatchObject({ enableKeyRotation: true });
        const keyStatements = json(key.inputs.policy).Statement;
        expect(keyStatements[1]).toMatchObject({
            Principal: { Service: "logs.us-east-1.amazonaws.com" },
            Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn } },
        });

        expect(graph.one(T.flowLog).inputs).toMatchObject({
            vpcId: "net-vpc-id",
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: logGroupArn,
            iamRoleArn: "arn:aws:iam::123456789012:role/net-flow-log-role",
            // 10-minute records: a tenth of the 1-minute records of every long-lived flow (issue 12, defect 7).
            maxAggregationInterval: 600,
        });
        expect(graph.dependsOn(graph.one(T.flowLog), graph.one(T.rolePolicy))).toBe(true);

        const trust = json(role.inputs.assumeRolePolicy).Statement;
        expect(trust).toEqual([
            expect.objectContaining({
                Effect: "Allow",
                Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": "123456789012" },
                    ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*" },
                },
            }),
        ]);
        const rolePolicy = graph.one(T.rolePolicy);
        expect(rolePolicy.inputs.role).toBe(idOf(role));
        expect(rolePolicy.inputs.policy).toBe(flowLogWritePolicy(logGroupArn));
        for (const s of json(rolePolicy.inputs.policy).Statement) {
            expect(JSON.stringify(s.Action)).not.toContain("*");
            for (const r of [s.Resource].flat()) expect(r).toMatch(/^arn:aws:logs:us-east-1:123456789012:log-group:/);
        }
        expect((await resolve(result.flowLogGroupName)).value).toBe("/slipway/test/net/vpc-flow-logs");
    });

    it("defaults the flow-log retention to 90 days and protects only the stateful parts", async () => {
        const { graph } = await build();
        expect(graph.one(T.logGroup).inputs.retentionInDays).toBe(90);
        const protectedNames = graph.resources.filter((r) => r.protect).map((r) => r.name).sort();
        expect(protectedNames).toEqual(["net-flow-log-key", "net-flow-logs"]);
        const off = await build({ protect: false });
        expect(off.graph.resources.filter((r) => r.protect)).toEqual([]);
    });

    it("refuses bad args before registering anything", async () => {
        const { graph, result } = await recordResources(() => {
            try {
                new AwsNetwork("bad", { flowLogRetentionDays: 42 });
                return undefined;
            } catch (e) {
                return e as Error;
            }
        });
        checkArgError(result, { key: "flowLogRetentionDays", value: 42, allowed: /a CloudWatch Logs retention/, component: "Network", resourceName: "bad" });
        expect(graph.resources).toEqual([]);
    });

    it("parents and prefixes every child", async () => {
        const { graph } = await build({ nat: "none" });
        const children = expectParentedAndPrefixed(graph, T.component, "net");
        expect(children.length).toBeGreaterThan(30);
    });

    it("exposes its outputs, in zone order, and registers them", async () => {
        const { graph, result } = await build({ cidr: "10.3.0.0/16", nat: "single", azCount: 2 });
        const value = async <T>(o: Parameters<typeof resolve<T>>[0]) => (await resolve(o)).value;
        expect(await value(result.vpcId)).toBe("net-vpc-id");
        expect(await value(result.vpcCidr)).toBe("10.3.0.0/16");
        expect(await value(result.publicSubnetIds)).toEqual(["net-subnet-public-1-id", "net-subnet-public-2-id"]);
        expect(await value(result.privateSubnetIds)).toEqual(["net-subnet-private-1-id", "net-subnet-private-2-id"]);
        expect(await value(result.isolatedSubnetIds)).toEqual(["net-subnet-isolated-1-id", "net-subnet-isolated-2-id"]);
        expect(await value(result.privateRouteTableIds)).toEqual(["net-rt-private-1-id", "net-rt-private-2-id"]);
        expect(await value(result.isolatedRouteTableIds)).toEqual(["net-rt-isolated-id"]);
        expect(await value(result.natGatewayIds)).toEqual(["net-nat-1-id"]);
        expect(Object.keys(graph.one(T.component).outputs ?? {}).sort()).toEqual(
            [
                "availabilityZones",
                "flowLogGroupName",
                "isolatedRouteTableIds",
                "isolatedSubnetIds",
                "natGatewayIds",
                "privateRouteTableIds",
                "privateSubnetIds",
                "publicSubnetIds",
                "vpcCidr",
                "vpcId",
            ],
        );
    });
});
