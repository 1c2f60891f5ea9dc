import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountContext, awsLookups } from "../shared/aws-context";
import { SlipwayComponent } from "../shared/component";
import { flowLogKeyPolicy, flowLogTrustPolicy, flowLogWritePolicy } from "./flow-log";
import { normalizeNetworkArgs, type NetworkArgs, type NormalizedNetworkArgs } from "./index";
import { planSubnetCidrs, subnetTiers, type SubnetTier } from "./subnet-plan";
import { ComponentArgError, argError, withComponent } from "../shared/errors";

/** AWS-only settings of the network. */
export interface AwsNetworkArgs extends NetworkArgs {
    /**
     * The availability zones to use, in order; their count is the network's `azCount`.
     * @default The first `azCount` zones of the region that are available and need no opt-in.
     * @example
     * ```ts
     * { availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }
     * ```
     */
    availabilityZones?: string[];
}

export interface NormalizedAwsNetworkArgs extends NormalizedNetworkArgs {
    /** Undefined: look the zones up in the region. */
    availabilityZones?: string[];
}

/**
 * Flow-log records aggregate each flow over 10 minutes (AWS's other setting is 1 minute).
 * Every TCP connection yields at least one record per direction and per network interface it
 * crosses (three interfaces behind a NAT gateway), and a long-lived one (the ALB's keep-alive
 * connections to the tasks, the database and cache pools) one more every interval: at 60 s the
 * long-lived flows alone outnumber everything else, at 600 s they are a tenth of that, while
 * short connections are recorded whole either way. An incident is still placed within 10
 * minutes, and the ALB access logs and the app's own logs give the exact time.
 *
 * Why CloudWatch Logs rather than S3 (Parquet, hourly partitions): at the volume this leaves
 * (~8 GB/month), S3 delivery ($0.25/GB + $0.035/GB for Parquet) would save about $2/month,
 * while CloudWatch keeps Logs Insights queries, metric filters and the existing KMS key and
 * retention with no second log bucket, Glue table or Athena workgroup to run. Revisit when
 * the `IncomingBytes` metric of the group shows tens of GB a month.
 * (https://aws.amazon.com/cloudwatch/pricing/, "Vended Logs".)
 */
export const flowLogAggregationSeconds = 600;

/** The AWS services private subnets reach through interface endpoints when there is no NAT. */
export const interfaceEndpointServices = ["ecr.api", "ecr.dkr", "logs", "secretsmanager"] as const;

/** `normalizeNetworkArgs` plus the AWS zones: a given list fixes the AZ count. */
export function normalizeAwsNetworkArgs(args: AwsNetworkArgs = {}): NormalizedAwsNetworkArgs {
    const zones = args.availabilityZones;
    if (zones === undefined) return { ...normalizeNetworkArgs(args), availabilityZones: undefined };
    if (args.azCount !== undefined && args.azCount !== zones.length) {
        throw argError("azCount", args.azCount, `the number of availabilityZones listed (${zones.length}), or unset`);
    }
    if (zones.length !== 2 && zones.length !== 3) {
        throw argError("availabilityZones", zones, "2 or 3 zones");
    }
    const duplicate = zones.find((z, i) => zones.indexOf(z) !== i);
    if (duplicate !== undefined) {
        throw argError("availabilityZones", zones, `${zones.length} different zones (${duplicate} is listed twice)`);
    }
    return { ...normalizeNetworkArgs({ ...args, azCount: zones.length }), availabilityZones: [...zones] };
}

/**
 * A VPC over 2–3 availability zones with three subnet tiers: public (load balancers, NAT
 * gateways), private (app tasks; internet egress through NAT, or none) and isolated (data; no
 * internet route at all). S3 is reached through a gateway endpoint, all traffic is recorded in
 * KMS-encrypted flow logs (10-minute aggregation), and the VPC's default security group is emptied so nothing can
 * fall back on it.
 *
 * ## Cost
 * - NAT gateways: about $33/month each plus $0.045 per GB processed; `"per-az"` runs one per
 *   zone, `"single"` one, `"none"` zero. Each NAT also holds an Elastic IP (~$3.60/month).
 * - With `nat: "none"`: 4 interface endpoints in every zone, about $7.30/month each per zone
 *   (~$88/month over 3 zones) plus $0.01 per GB — compare with a single NAT before choosing it.
 * - Flow logs: CloudWatch vended-log ingestion ($0.50/GB), about 8 GB/month for the 1,000-user
 *   load (offline/cost/assumptions.ts `flowLogsGb` says how), and storage for
 *   `flowLogRetentionDays` (90 by default); one KMS key ($1/month). The VPC, subnets, route
 *   tables and the S3 gateway endpoint are free.
 */
export class AwsNetwork extends SlipwayComponent {
    public readonly vpcId: pulumi.Output<string>;
    public readonly vpcCidr: pulumi.Output<string>;
    /** The zones in use, in subnet order. */
    public readonly availabilityZones: pulumi.Output<string[]>;
    /** One per zone, in zone order: load balancers and NAT gateways. */
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    /** One per zone, in zone order: app tasks. */
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    /** One per zone, in zone order: databases and caches; no route to the internet. */
    public readonly isolatedSubnetIds: pulumi.Output<string[]>;
    /**
     * The same subnet ids as separate outputs. A list whose length is known at preview lets a
     * consumer (and a policy checking "at least 2 subnets") see the count before the ids exist.
     */
    public readonly subnets: { public: pulumi.Output<string>[]; private: pulumi.Output<string>[]; isolated: pulumi.Output<string>[] };
    /** One per zone, in zone order. */
    public readonly privateRouteTableIds: pulumi.Output<string[]>;
    /** The single route table the isolated subnets share. */
    public readonly isolatedRouteTableIds: pulumi.Output<string[]>;
    /** Empty when `nat` is `"none"`. */
    public readonly natGatewayIds: pulumi.Output<string[]>;
    public readonly flowLogGroupName: pulumi.Output<string>;

    constructor(name: string, args: AwsNetworkArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        // Checked before registering the component, so bad args leave nothing half-registered.
        const cfg = withComponent("Network", name, () => normalizeAwsNetworkArgs(args));
        super("Network", name, opts);
        const plan = planSubnetCidrs({ cidr: cfg.cidr, azCount: cfg.azCount, overrides: cfg.subnets });
        const zoneIndexes = Array.from({ length: cfg.azCount }, (_, i) => i);

        const lookups = awsLookups(this);
        const account = accountContext(lookups);
        const serviceName = (service: string): pulumi.Output<string> =>
            pulumi.interpolate`${lookups.partition.reverseDnsPrefix}.${lookups.region.region}.${service}`;

        // The count of subnets is fixed by azCount (known now); only the zone names may be
        // unknown until the lookup answers, so each subnet indexes into the looked-up list.
        const zones: pulumi.Output<string>[] = cfg.availabilityZones
            ? cfg.availabilityZones.map((z) => pulumi.output(z))
            : (() => {
                  const found = aws.getAvailabilityZonesOutput(
                      { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
                      { parent: this },
                  );
                  return zoneIndexes.map((i) =>
                      found.names.apply((names) => {
                          if (names.length < cfg.azCount) {
                              throw new ComponentArgError({
                                  component: "Network",
                                  resourceName: name,
                                  key: "azCount",
                                  value: cfg.azCount,
                                  allowed: `at most ${names.length}, the zones available in the region`,
                              });
                          }
                          return names[i];
                      }),
                  );
              })();

        const vpc = new aws.ec2.Vpc(
            this.childName("vpc"),
            { cidrBlock: cfg.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: name } },
            this.childOpts(),
        );

        // Adopting the default group with no rules revokes AWS's allow-all-within-the-group
        // rules, so a resource launched without a group gets no traffic at all.
        new aws.ec2.DefaultSecurityGroup(this.childName("default-sg"), { vpcId: vpc.id, ingress: [], egress: [] }, this.childOpts());

        const igw = new aws.ec2.InternetGateway(this.childName("igw"), { vpcId: vpc.id, tags: { Name: name } }, this.childOpts());

        // Subnet names are index-based (tier + zone position) and must never change: a new
        // logical name replaces the subnet, and deleting a subnet fails while ENIs (tasks,
        // load balancers, databases) are attached to it. Zones are added at the end only.
        const subnets = {} as Record<SubnetTier, aws.ec2.Subnet[]>;
        for (const tier of subnetTiers) {
            subnets[tier] = zoneIndexes.map(
                (i) =>
                    new aws.ec2.Subnet(
                        this.childName(`subnet-${tier}-${i + 1}`),
                        {
                            vpcId: vpc.id,
                            cidrBlock: plan[tier][i],
                            availabilityZone: zones[i],
                            // Nothing we place in any tier needs an automatic public IP: load
                            // balancers and NAT gateways bring their own addresses.
                            mapPublicIpOnLaunch: false,
                            tags: { Name: `${name}-${tier}-${i + 1}` },
                        },
                        this.childOpts(),
                    ),
            );
        }

        const publicRouteTable = new aws.ec2.RouteTable(
            this.childName("rt-public"),
            { vpcId: vpc.id, tags: { Name: `${name}-public` } },
            this.childOpts(),
        );
        new aws.ec2.Route(
            this.childName("route-public-internet"),
            { routeTableId: publicRouteTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
            this.childOpts(),
        );
        this.associate("public", subnets.public, () => publicRouteTable);

        const natCount = { "per-az": cfg.azCount, single: 1, none: 0 }[cfg.nat];
        const nats = Array.from({ length: natCount }, (_, i) => {
            const eip = new aws.ec2.Eip(
                this.childName(`eip-nat-${i + 1}`),
                { domain: "vpc", tags: { Name: `${name}-nat-${i + 1}` } },
                this.childOpts(),
            );
            return new aws.ec2.NatGateway(
                this.childName(`nat-${i + 1}`),
                { allocationId: eip.id, subnetId: subnets.public[i].id, connectivityType: "public", tags: { Name: `${name}-nat-${i + 1}` } },
                // A NAT gateway only works once the VPC has an attached internet gateway.
                this.childOpts({ dependsOn: [igw] }),
            );
        });

        // One private route table per zone whatever the NAT mode, so switching modes only
        // adds or removes routes.
        const privateRouteTables = zoneIndexes.map(
            (i) =>
                new aws.ec2.RouteTable(
                    this.childName(`rt-private-${i + 1}`),
                    { vpcId: vpc.id, tags: { Name: `${name}-private-${i + 1}` } },
                    this.childOpts(),
                ),
        );
        if (nats.length > 0) {
            zoneIndexes.forEach((i) => {
                const nat = cfg.nat === "per-az" ? nats[i] : nats[0];
                new aws.ec2.Route(
                    this.childName(`route-private-${i + 1}-internet`),
                    { routeTableId: privateRouteTables[i].id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id },
                    this.childOpts(),
                );
            });
        }
        this.associate("private", subnets.private, (i) => privateRouteTables[i]);

        // Only the implicit local route: the data tier neither reaches nor is reached from the internet.
        const isolatedRouteTable = new aws.ec2.RouteTable(
            this.childName("rt-isolated"),
            { vpcId: vpc.id, tags: { Name: `${name}-isolated` } },
            this.childOpts(),
        );
        this.associate("isolated", subnets.isolated, () => isolatedRouteTable);

        // Free, keeps S3 traffic (ECR image layers, backups) off the NAT gateways.
        new aws.ec2.VpcEndpoint(
            this.childName("endpoint-s3"),
            {
                vpcId: vpc.id,
                serviceName: serviceName("s3"),
                vpcEndpointType: "Gateway",
                routeTableIds: [...privateRouteTables.map((rt) => rt.id), isolatedRouteTable.id],
                tags: { Name: `${name}-s3` },
            },
            this.childOpts(),
        );

        if (cfg.nat === "none") {
            // Without NAT, tasks pull images, ship logs and read secrets through these.
            const endpointSg = new aws.ec2.SecurityGroup(
                this.childName("sg-endpoints"),
                {
                    vpcId: vpc.id,
                    description: "HTTPS from the VPC to the AWS service interface endpoints",
                    ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [cfg.cidr], description: "HTTPS from the VPC" }],
                    egress: [],
                    tags: { Name: `${name}-endpoints` },
                },
                this.childOpts(),
            );
            for (const service of interfaceEndpointServices) {
                new aws.ec2.VpcEndpoint(
                    this.childName(`endpoint-${service.replace(/\./g, "-")}`),
                    {
                        vpcId: vpc.id,
                        serviceName: serviceName(service),
                        vpcEndpointType: "Interface",
                        privateDnsEnabled: true,
                        subnetIds: subnets.private.map((s) => s.id),
                        securityGroupIds: [endpointSg.id],
                        tags: { Name: `${name}-${service}` },
                    },
                    this.childOpts(),
                );
            }
        }

        const flowLogGroupName = `/${pulumi.getProject()}/${pulumi.getStack()}/${name}/vpc-flow-logs`;
        const key = new aws.kms.Key(
            this.childName("flow-log-key"),
            {
                description: `Encrypts the VPC flow logs of ${name}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: account.apply((ctx) => flowLogKeyPolicy(ctx, flowLogGroupName)),
            },
            this.childOpts({ protect: cfg.protect }),
        );
        const logGroup = new aws.cloudwatch.LogGroup(
            this.childName("flow-logs"),
            { name: flowLogGroupName, retentionInDays: cfg.flowLogRetentionDays, kmsKeyId: key.arn },
            this.childOpts({ protect: cfg.protect }),
        );
        const role = new aws.iam.Role(
            this.childName("flow-log-role"),
            { description: `Lets VPC flow logs of ${name} write to their log group`, assumeRolePolicy: account.apply(flowLogTrustPolicy) },
            this.childOpts(),
        );
        const rolePolicy = new aws.iam.RolePolicy(
            this.childName("flow-log-write"),
            { role: role.id, policy: logGroup.arn.apply(flowLogWritePolicy) },
            this.childOpts(),
        );
        new aws.ec2.FlowLog(
            this.childName("flow-log"),
            {
                vpcId: vpc.id,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: logGroup.arn,
                iamRoleArn: role.arn,
                maxAggregationInterval: flowLogAggregationSeconds,
                tags: { Name: name },
            },
            // Without the permissions in place the flow log starts in an access-error state.
            this.childOpts({ dependsOn: [rolePolicy] }),
        );

        const ids = (resources: { id: pulumi.Output<string> }[]): pulumi.Output<string[]> => pulumi.all(resources.map((r) => r.id));
        this.vpcId = vpc.id;
        this.vpcCidr = vpc.cidrBlock;
        this.availabilityZones = pulumi.all(zones);
        this.publicSubnetIds = ids(subnets.public);
        this.privateSubnetIds = ids(subnets.private);
        this.isolatedSubnetIds = ids(subnets.isolated);
        this.subnets = {
            public: subnets.public.map((x) => x.id),
            private: subnets.private.map((x) => x.id),
            isolated: subnets.isolated.map((x) => x.id),
        };
        this.privateRouteTableIds = ids(privateRouteTables);
        this.isolatedRouteTableIds = ids([isolatedRouteTable]);
        this.natGatewayIds = ids(nats);
        this.flowLogGroupName = logGroup.name;
        this.registerOutputs({
            vpcId: this.vpcId,
            vpcCidr: this.vpcCidr,
            availabilityZones: this.availabilityZones,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            isolatedSubnetIds: this.isolatedSubnetIds,
            privateRouteTableIds: this.privateRouteTableIds,
            isolatedRouteTableIds: this.isolatedRouteTableIds,
            natGatewayIds: this.natGatewayIds,
            flowLogGroupName: this.flowLogGroupName,
        });
    }

    /** Associates each subnet of a tier with its route table; names follow the subnets'. */
    private associate(tier: SubnetTier, subnets: aws.ec2.Subnet[], table: (i: number) => aws.ec2.RouteTable): void {
        subnets.forEach((subnet, i) => {
            new aws.ec2.RouteTableAssociation(
                this.childName(`rta-${tier}-${i + 1}`),
                { subnetId: subnet.id, routeTableId: table(i).id },
                this.childOpts(),
            );
        });
    }
}
