import type { Node } from "./stack-graph";

/**
 * Compliant baselines for the stack rules, shaped like the shipped stacks' graphs (see
 * `npm run plan -- --stack prod --json`): each test weakens one thing.
 */

export const T = {
    awsProvider: "pulumi:providers:aws",
    vpc: "aws:ec2/vpc:Vpc",
    flowLog: "aws:ec2/flowLog:FlowLog",
    defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    route: "aws:ec2/route:Route",
    kms: "aws:kms/key:Key",
    rds: "aws:rds/instance:Instance",
    rdsCluster: "aws:rds/cluster:Cluster",
    cache: "aws:elasticache/replicationGroup:ReplicationGroup",
    bucket: "aws:s3/bucket:Bucket",
    bucketV2: "aws:s3/bucketV2:BucketV2",
    pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    sseV2: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    versioningV2: "aws:s3/bucketVersioningV2:BucketVersioningV2",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    alb: "aws:alb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    ecsService: "aws:ecs/service:Service",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    dockerProvider: "pulumi:providers:docker",
    container: "docker:index/container:Container",
    network: "docker:index/network:Network",
    droplet: "digitalocean:index/droplet:Droplet",
    volume: "digitalocean:index/volume:Volume",
    firewall: "digitalocean:index/firewall:Firewall",
    doTag: "digitalocean:index/tag:Tag",
    spaces: "digitalocean:index/spacesBucket:SpacesBucket",
} as const;

export const tlsOnlyPolicy = (bucket: string): string =>
    JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    });

/** Provider default tags arrive as a JSON string, as in the recorded graphs. */
export const awsProvider = (tags: Record<string, string> = { project: "slipway", stack: "test", owner: "team", environment: "production" }): Node => ({
    type: T.awsProvider,
    name: "aws",
    props: { region: "us-east-1", defaultTags: JSON.stringify({ tags }) },
});

/** An S3 bucket with its four settings, linked by dependency and by name. */
export function s3Bucket(name: string, physical: string, opts: { parent?: string; key?: string; protect?: boolean } = {}): Node[] {
    const aws = { provider: "aws", parent: opts.parent };
    const link = { bucket: [name] };
    return [
        { ...aws, type: T.bucket, name, props: { bucket: physical, forceDestroy: false }, protect: opts.protect ?? true },
        {
            ...aws,
            type: T.pab,
            name: `${name}-pab`,
            props: { bucket: physical, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            deps: link,
        },
        {
            ...aws,
            type: T.sse,
            name: `${name}-sse`,
            props: { bucket: physical, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:us-east-1:1:key/k" }, bucketKeyEnabled: true }] },
            deps: { ...link, rules: opts.key ? [opts.key] : [] },
        },
        { ...aws, type: T.versioning, name: `${name}-versioning`, props: { bucket: physical, versioningConfiguration: { status: "Enabled" } }, deps: link },
        { ...aws, type: T.bucketPolicy, name: `${name}-policy`, props: { bucket: physical, policy: tlsOnlyPolicy(physical) }, deps: { ...link, policy: [name] } },
    ];
}

const alarm = (name: string, namespace: string, watched: string[]): Node => ({
    type: T.alarm,
    name,
    provider: "aws",
    props: { namespace, metricName: "M", alarmActions: ["arn:aws:sns:us-east-1:1:alarms"], dimensions: { X: "x" } },
    deps: { dimensions: watched, alarmActions: [] },
});

/** The aws target in miniature: network, database, cache, backups bucket, web tier, alarms. */
export function awsStack(): Node[] {
    const aws = { provider: "aws" };
    return [
        awsProvider(),
        { type: "slipway:components:Network", name: "net" },
        { type: "slipway:components:Database", name: "db" },
        { type: "slipway:components:Cache", name: "cache" },
        { type: "slipway:components:BackupBucket", name: "backups" },
        { type: "slipway:components:WebTier", name: "web" },
        { ...aws, type: T.vpc, name: "net-vpc", parent: "net", props: { cidrBlock: "10.0.0.0/16", tags: { Name: "net" } } },
        { ...aws, type: T.flowLog, name: "net-flow-log", parent: "net", props: { vpcId: "net-vpc-id", trafficType: "ALL" }, deps: { vpcId: ["net-vpc"] } },
        { ...aws, type: T.defaultSg, name: "net-default-sg", parent: "net", props: { vpcId: "net-vpc-id", ingress: [], egress: [] }, deps: { vpcId: ["net-vpc"] } },
        { ...aws, type: T.route, name: "net-route", parent: "net", props: { destinationCidrBlock: "0.0.0.0/0" } },
        { ...aws, type: T.sg, name: "web-task-sg", parent: "web", props: { description: "app tasks", vpcId: "net-vpc-id" }, deps: { vpcId: ["net-vpc"] } },
        { ...aws, type: T.sg, name: "db-sg", parent: "db", props: { description: "db", egress: [], vpcId: "net-vpc-id" }, deps: { vpcId: ["net-vpc"] } },
        { ...aws, type: T.sg, name: "cache-sg", parent: "cache", props: { description: "cache", egress: [], vpcId: "net-vpc-id" }, deps: { vpcId: ["net-vpc"] } },
        {
            ...aws,
            type: T.ingress,
            name: "db-in-tasks",
            props: { securityGroupId: "db-sg-id", referencedSecurityGroupId: "web-task-sg-id", fromPort: 5432, toPort: 5432, ipProtocol: "tcp", description: "app" },
            deps: { securityGroupId: ["db-sg"], referencedSecurityGroupId: ["web-task-sg"] },
        },
        {
            ...aws,
            type: T.ingress,
            name: "cache-in-tasks",
            props: { securityGroupId: "cache-sg-id", referencedSecurityGroupId: "web-task-sg-id", fromPort: 6379, toPort: 6379, ipProtocol: "tcp", description: "app" },
            deps: { securityGroupId: ["cache-sg"], referencedSecurityGroupId: ["web-task-sg"] },
        },
        { ...aws, type: T.kms, name: "db-key", parent: "db", props: { enableKeyRotation: true }, protect: true },
        {
            ...aws,
            type: T.rds,
            name: "db-instance",
            parent: "db",
            protect: true,
            props: { engine: "postgres", backupRetentionPeriod: 30, vpcSecurityGroupIds: ["db-sg-id"], kmsKeyId: "arn:aws:kms:us-east-1:1:key/db", storageEncrypted: true },
            deps: { vpcSecurityGroupIds: ["db-sg"], kmsKeyId: ["db-key"] },
        },
        { ...aws, type: T.kms, name: "cache-key", parent: "cache", props: { enableKeyRotation: true }, protect: true },
        {
            ...aws,
            type: T.cache,
            name: "cache-group",
            parent: "cache",
            protect: true,
            props: { securityGroupIds: ["cache-sg-id"], kmsKeyId: "arn:aws:kms:us-east-1:1:key/cache" },
            deps: { securityGroupIds: ["cache-sg"], kmsKeyId: ["cache-key"] },
        },
        { ...aws, type: T.kms, name: "backups-key", parent: "backups", props: { enableKeyRotation: true }, protect: true },
        ...s3Bucket("backups-bucket", "test-backups-1", { parent: "backups", key: "backups-key" }),
        ...s3Bucket("web-access-logs", "test-web-logs-1", { parent: "web" }),
        { ...aws, type: T.kms, name: "web-key", parent: "web", props: { enableKeyRotation: true } },
        { ...aws, type: T.lb, name: "web-alb", parent: "web", props: { loadBalancerType: "application" } },
        { ...aws, type: T.tg, name: "web-tg", parent: "web", props: { port: 8080 } },
        { ...aws, type: T.ecsService, name: "web-service", parent: "web", props: { desiredCount: 2 } },
        alarm("alarm-alb-5xx", "AWS/ApplicationELB", ["web-alb"]),
        alarm("alarm-tg-unhealthy", "AWS/ApplicationELB", ["web-tg", "web-alb"]),
        alarm("alarm-ecs-cpu", "AWS/ECS", ["web-service"]),
        alarm("alarm-rds-cpu", "AWS/RDS", ["db-instance"]),
        alarm("alarm-cache-memory", "AWS/ElastiCache", ["cache-group"]),
    ];
}

const labels = (stack: string, component: string) => [
    { label: "slipway.stack", value: stack },
    { label: "slipway.component", value: component },
];

/**
 * The Docker payload in miniature. `remote`: the vps shape (Docker over SSH, backups to a
 * versioned Spaces bucket); otherwise the local shape (local daemon, restic repository in a directory).
 */
export function dockerStack(o: { remote: boolean } = { remote: true }): Node[] {
    const d = { provider: "docker" };
    const container = (name: string, image: string, component: string, networks: { name: string; aliases?: string[] }[], netNodes: string[], extra: Record<string, unknown> = {}): Node => ({
        ...d,
        type: T.container,
        name,
        props: { image, name: `s-${name}`, labels: labels("s", component), networksAdvanced: networks, restart: "unless-stopped", ...extra },
        deps: { networksAdvanced: netNodes },
    });
    const data = { name: "s-data" };
    return [
        { type: T.dockerProvider, name: "docker", props: o.remote ? { host: "ssh://deploy@203.0.113.10" } : {} },
        { ...d, type: T.network, name: "network-edge", props: { name: "s-edge", driver: "bridge", internal: false } },
        { ...d, type: T.network, name: "network-data", props: { name: "s-data", driver: "bridge", internal: true } },
        container("db-postgres", "postgres:16.6-alpine", "database", [{ ...data, aliases: ["postgres"] }], ["network-data"]),
        container("cache-redis", "redis:7.4.1-alpine", "cache", [{ ...data, aliases: ["redis"] }], ["network-data"]),
        container("web-app-0", "ghcr.io/slipway-dev/sample-app:1.0.0", "web-tier", [{ name: "s-edge", aliases: ["app"] }, data], ["network-edge", "network-data"]),
        container("web-edge", "nginx:1.27.3-alpine", "web-tier", [{ name: "s-edge", aliases: ["edge"] }], ["network-edge"], {
            ports: [
                { internal: 443, external: 443, ip: "0.0.0.0", protocol: "tcp" },
                { internal: 80, external: 80, ip: "0.0.0.0", protocol: "tcp" },
            ],
        }),
        container("monitoring-prometheus", "prom/prometheus:v2.55.1", "Monitoring", [{ name: "s-edge" }, data], ["network-edge", "network-data"]),
        container("monitoring-alertmanager", "prom/alertmanager:v0.27.0", "Monitoring", [{ name: "s-edge" }], ["network-edge"]),
        // The postgres exporter's image name starts with "postgres" too: it is not a database.
        container("monitoring-postgres-exporter", "quay.io/prometheuscommunity/postgres-exporter:v0.16.0", "Monitoring", [data], ["network-data"]),
        ...(o.remote
            ? [
                  { type: T.spaces, name: "backups-bucket", parent: undefined, props: { name: "s-backups-1a2b", region: "fra1", acl: "private", versioning: { enabled: true } } },
                  container("backups-container", "sha256:0123", "BackupBucket", [data, { name: "s-backup-egress" }], ["network-data", "backups-egress"], {
                      envs: ["RESTIC_REPOSITORY=s3:https://fra1.digitaloceanspaces.com/s-backups-1a2b", "PGHOST=postgres", "PGUSER=app"],
                  }),
                  { ...d, type: T.network, name: "backups-egress", props: { name: "s-backup-egress", internal: false } },
              ]
            : [
                  container("backups-container", "sha256:0123", "BackupBucket", [data], ["network-data"], {
                      envs: ["RESTIC_REPOSITORY=/var/lib/restic/repository", "PGHOST=postgres", "PGUSER=app"],
                  }),
              ]),
    ];
}

/** The vps host in miniature: droplet behind a firewall by tag, a data volume. */
export function dropletStack(): Node[] {
    const tags = ["project:slipway", "stack:test", "owner:team"];
    return [
        { type: T.doTag, name: "vps-tag", props: { name: "s-vps-host" } },
        { type: T.volume, name: "vps-data", props: { name: "s-data", size: 50, region: "fra1", tags }, protect: true },
        { type: T.droplet, name: "vps-droplet", props: { name: "s-vps", image: "ubuntu-24-04-x64", tags: [...tags, "s-vps-host"] }, deps: { tags: ["vps-tag"] } },
        {
            type: T.firewall,
            name: "vps-firewall",
            props: { name: "s-vps", tags: ["s-vps-host"], inboundRules: [{ protocol: "tcp", portRange: "443", sourceAddresses: ["0.0.0.0/0"] }] },
            deps: { tags: ["vps-tag"] },
        },
    ];
}
