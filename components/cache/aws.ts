import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { awsLookups, withAccountContext } from "../shared/aws-context";
import { SlipwayComponent } from "../shared/component";
import { logsEncryptionKeyPolicy } from "../shared/iam";
import { nameLimits, physicalName } from "../shared/naming";
import { cacheParameterFamily, cacheUrl, memberClusterIds } from "./engine";
import { type CacheArgs, type NormalizedCacheArgs, normalizeCacheArgs } from "./index";
import { argError, withComponent } from "../shared/errors";

/** Where the cache lives: isolated subnets (no route to or from the internet) of one VPC. */
export interface AwsCacheNetwork {
    /** The VPC the cache's security group is created in. */
    vpcId: pulumi.Input<string>;
    /** Isolated subnets, one per availability zone the nodes may use. */
    isolatedSubnetIds: pulumi.Input<string[]>;
}

export interface AwsCacheArgs extends CacheArgs {
    /**
     * The VPC and isolated subnets to place the cache in. A `Network` component fits as is.
     * @default required
     * @example
     * ```ts
     * { network: { vpcId: network.vpcId, isolatedSubnetIds: network.isolatedSubnetIds } }
     * ```
     */
    network: AwsCacheNetwork;
    /**
     * ElastiCache node type of every node (the cost driver, times `1 + replicas`).
     * @default "cache.t4g.small"
     * @example
     * ```ts
     * { nodeType: "cache.m7g.large" }
     * ```
     */
    nodeType?: string;
}

export type NormalizedAwsCacheArgs = NormalizedCacheArgs & { nodeType: string; network: AwsCacheNetwork };

/** Applies the neutral defaults plus the AWS-only ones, and checks them. */
export function normalizeAwsCacheArgs(name: string, args: AwsCacheArgs): NormalizedAwsCacheArgs {
    const { network, nodeType, ...neutral } = args;
    if (!network) throw argError("network", undefined, "{ vpcId, isolatedSubnetIds }");
    const type = nodeType ?? "cache.t4g.small";
    if (!/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(type)) {
        throw argError("nodeType", type, `an ElastiCache node type such as "cache.t4g.small"`);
    }
    return { ...normalizeCacheArgs(name, neutral), nodeType: type, network };
}

/** Fixed operational settings (UTC windows clear of the database's 03:00 backup and Sunday 04:00 maintenance). */
export const elasticacheSettings = {
    port: 6379,
    snapshotWindow: "01:00-02:00",
    maintenanceWindow: "sun:05:00-sun:06:00",
    logRetentionDays: 30,
} as const;

/**
 * An ElastiCache (Valkey or Redis OSS) replication group in isolated subnets: a primary and
 * `replicas` read replicas across availability zones with automatic failover, TLS required,
 * AUTH token, encrypted at rest with its own rotating KMS key, daily snapshots, slow and
 * engine logs in CloudWatch for 30 days. Its security group has no rules: a client grants
 * itself access by adding an ingress rule on `port` from its own security group.
 *
 * ## Cost
 * Node hours of `nodeType` times `1 + replicas` (Valkey nodes cost about 20% less than Redis
 * OSS); snapshot storage beyond one node's size (grows with `snapshotRetentionDays`); one KMS
 * key; CloudWatch Logs ingestion. Cross-AZ replication traffic is free on ElastiCache.
 */
export class AwsCache extends SlipwayComponent {
    /** Host name of the primary (writes), stable across failovers. */
    public readonly primaryEndpoint: pulumi.Output<string>;
    /** Host name spreading reads over the replicas. */
    public readonly readerEndpoint: pulumi.Output<string>;
    /** TCP port (6379). */
    public readonly port: pulumi.Output<number>;
    /** The AUTH token clients send (secret). */
    public readonly authToken: pulumi.Output<string>;
    /** `rediss://:token@primary:6379` (secret). */
    public readonly url: pulumi.Output<string>;
    /** The cache's own security group (no rules): clients add ingress on `port` to it. */
    public readonly securityGroupId: pulumi.Output<string>;
    /** The replication group id (CloudWatch `ReplicationGroupId` dimension). */
    public readonly replicationGroupId: pulumi.Output<string>;
    /**
     * The node ids `<replicationGroupId>-001`… (CloudWatch `CacheClusterId` dimension of the
     * per-node metrics such as memory and evictions), derived from the node count because the
     * provider's `memberClusters` is an unordered set.
     */
    public readonly memberClusterIds: pulumi.Output<string[]>;
    /** The KMS key encrypting data at rest, snapshots and the log group. */
    public readonly kmsKeyArn: pulumi.Output<string>;

    constructor(name: string, args: AwsCacheArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before registering anything, so bad args leave no half-built component.
        const a = withComponent("Cache", name, () => normalizeAwsCacheArgs(name, args));
        super("Cache", name, opts);
        const numCacheClusters = 1 + a.replicas;

        // The replication group's physical name: changing it replaces the cache, so it derives
        // from the component name alone and must never change.
        const replicationGroupId = physicalName(name, nameLimits.elasticacheReplicationGroup);
        const logGroupName = `/aws/elasticache/${replicationGroupId}`;

        const lookups = awsLookups(this);

        const key = new aws.kms.Key(
            this.childName("key"),
            {
                description: `Slipway ${name}: cache data at rest, snapshots and logs`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: withAccountContext(lookups, (ctx) => logsEncryptionKeyPolicy({ ...ctx, logGroupNames: [logGroupName] })),
            },
            this.childOpts({ protect: a.protect }),
        );

        const logGroup = new aws.cloudwatch.LogGroup(
            this.childName("logs"),
            { name: logGroupName, retentionInDays: elasticacheSettings.logRetentionDays, kmsKeyId: key.arn },
            this.childOpts(),
        );

        // No inline ingress on purpose: clients attach standalone ingress rules, which inline
        // rules would fight. `egress: []` keeps the group free of any outbound rule (the
        // provider also drops AWS's default allow-all on create); the cache needs none.
        const securityGroup = new aws.ec2.SecurityGroup(
            this.childName("sg"),
            {
                vpcId: a.network.vpcId,
                description: `Slipway ${name} cache (clients add their own ingress rule)`,
                egress: [],
                tags: { Name: `${name}-cache` },
            },
            this.childOpts(),
        );

        const subnetGroup = new aws.elasticache.SubnetGroup(
            this.childName("subnets"),
            { description: `Slipway ${name} cache: isolated subnets`, subnetIds: a.network.isolatedSubnetIds },
            this.childOpts(),
        );

        // Auto-named so a new family (major upgrade) creates the new group before the old one goes.
        const parameterGroup = new aws.elasticache.ParameterGroup(
            this.childName("params"),
            {
                family: cacheParameterFamily(a.engine, a.engineVersion),
                description: `Slipway ${name} cache: eviction policy`,
                parameters: [{ name: "maxmemory-policy", value: a.maxmemoryPolicy }],
            },
            this.childOpts(),
        );

        // ElastiCache AUTH tokens accept only a few punctuation marks; letters and digits at
        // length 64 carry ~380 bits, so punctuation adds nothing but quoting trouble.
        const authToken = new random.RandomPassword(this.childName("auth-token"), { length: 64, special: false }, this.childOpts());

        const group = new aws.elasticache.ReplicationGroup(
            this.childName("group"),
            {
                replicationGroupId,
                description: `Slipway ${name} cache`,
                engine: a.engine,
                engineVersion: a.engineVersion,
                nodeType: a.nodeType,
                port: elasticacheSettings.port,
                clusterMode: "disabled",
                numCacheClusters,
                // Failover needs a replica to promote; normalizeCacheArgs ties multiAz to one.
                automaticFailoverEnabled: a.replicas >= 1,
                multiAzEnabled: a.multiAz,
                subnetGroupName: subnetGroup.name,
                securityGroupIds: [securityGroup.id],
                parameterGroupName: parameterGroup.name,
                atRestEncryptionEnabled: true,
                kmsKeyId: key.arn,
                transitEncryptionEnabled: true,
                transitEncryptionMode: "required",
                authToken: authToken.result,
                // A new token is accepted alongside the old one until clients have moved.
                authTokenUpdateStrategy: "ROTATE",
                snapshotRetentionLimit: a.snapshotRetentionDays,
                ...(a.snapshotRetentionDays > 0 ? { snapshotWindow: elasticacheSettings.snapshotWindow } : {}),
                finalSnapshotIdentifier: `${replicationGroupId}-final`,
                maintenanceWindow: elasticacheSettings.maintenanceWindow,
                autoMinorVersionUpgrade: true,
                applyImmediately: false,
                logDeliveryConfigurations: ["slow-log", "engine-log"].map((logType) => ({
                    destination: logGroup.name,
                    destinationType: "cloudwatch-logs",
                    logFormat: "json",
                    logType,
                })),
            },
            this.childOpts({ protect: a.protect, additionalSecretOutputs: ["authToken"] }),
        );

        this.primaryEndpoint = group.primaryEndpointAddress;
        this.readerEndpoint = group.readerEndpointAddress;
        this.port = group.port.apply((p) => p ?? elasticacheSettings.port);
        this.authToken = pulumi.secret(authToken.result);
        this.url = pulumi.secret(
            pulumi.all([group.primaryEndpointAddress, this.port, authToken.result]).apply(([host, port, token]) => cacheUrl(host, port, token)),
        );
        this.securityGroupId = securityGroup.id;
        this.replicationGroupId = group.replicationGroupId;
        this.memberClusterIds = group.replicationGroupId.apply((id) => memberClusterIds(id, numCacheClusters));
        this.kmsKeyArn = key.arn;

        this.registerOutputs({
            primaryEndpoint: this.primaryEndpoint,
            readerEndpoint: this.readerEndpoint,
            port: this.port,
            authToken: this.authToken,
            url: this.url,
            securityGroupId: this.securityGroupId,
            replicationGroupId: this.replicationGroupId,
            memberClusterIds: this.memberClusterIds,
            kmsKeyArn: this.kmsKeyArn,
        });
    }
}
