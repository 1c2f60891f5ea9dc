import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsBackupBucket } from "../components/backup-bucket/aws";
import { AwsCache, normalizeAwsCacheArgs } from "../components/cache/aws";
import { AwsDatabase } from "../components/database/aws";
import { normalizeDatabaseArgs } from "../components/database/index";
import { instanceClassMemoryGiB } from "../components/database/instance-classes";
import { postgresDefaultMaxConnections } from "../components/monitoring/alarms";
import { AwsMonitoring } from "../components/monitoring/aws";
import { AwsNetwork, normalizeAwsNetworkArgs } from "../components/network/aws";
import { commercialRegions, isCommercialRegion } from "../components/shared/aws-regions";
import { AwsWebTier } from "../components/web-tier/aws";
import type { SlipwayConfig } from "./config";
import { ConfigError, configLine } from "./config-errors";
import { appArgs, monitoringThresholds } from "./shared-args";

/** Default database instance class, also used to size the connections alarm. */
const DEFAULT_DB_CLASS = "db.t4g.medium";

/** The tags every taggable resource gets, through the provider's `defaultTags`. */
export function stackTags(config: SlipwayConfig): Record<string, string> {
    return {
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        owner: config.owner ?? "unowned",
        environment: config.environment,
        "managed-by": "pulumi",
        ...config.tags,
    };
}

/**
 * What the aws target needs beyond the schema, checked before any resource is registered:
 * one `ConfigError` line naming the stack file and the key.
 * - `aws:region` is a commercial region this program knows (the access-log writer and the
 *   prices are per region; a typo would otherwise surface deep inside a policy document).
 * - The first `pulumi up` must not stop on a certificate nobody validates: either the Route 53
 *   zone validates the requested one (`web.hostedZoneId`), or an issued one is given
 *   (`web.certificateArn`) in the stack's region, the only region a load balancer takes it from.
 * - Alarms reach someone: email addresses (SNS), a Slack webhook or a generic webhook (both
 *   through the alarm forwarder). Without any, the stack must say `monitoring.silent: true`,
 *   and a production stack may not (as on vps: nobody would hear the site is down).
 */
export function checkAwsStackConfig(config: SlipwayConfig & { awsRegion?: string }): void {
    const region = config.awsRegion ?? "";
    if (!isCommercialRegion(region)) {
        throw new ConfigError(`${config.stackFile}: aws:region is ${JSON.stringify(region)}; expected a commercial AWS region: ${commercialRegions.join(", ")}`);
    }
    const web = config.web ?? {};
    if (web.hostedZoneId === undefined && web.certificateArn === undefined) {
        throw new ConfigError(
            configLine(
                config.stackFile,
                ["web", "hostedZoneId"],
                undefined,
                `the Route 53 hosted zone id of ${config.domain} (pulumi up validates the certificate through it), or set slipway:web.certificateArn to an issued ACM certificate in ${region}`,
            ),
        );
    }
    checkAwsAlerting(config);
    const certRegion = web.certificateArn?.split(":")[3];
    if (certRegion !== undefined && certRegion !== region) {
        throw new ConfigError(configLine(config.stackFile, ["web", "certificateArn"], web.certificateArn, `an ACM certificate in aws:region (${region}): a load balancer only uses certificates of its own region`));
    }
}

function checkAwsAlerting(config: SlipwayConfig): void {
    const m = config.monitoring ?? {};
    const receivers = [
        (m.alarmEmails ?? []).length > 0 && "slipway:monitoring.alarmEmails",
        config.alertSlackWebhookUrl !== undefined && "slipway:alertSlackWebhookUrl",
        config.alertWebhookUrl !== undefined && "slipway:alertWebhookUrl",
    ].filter((r): r is string => typeof r === "string");
    const expected =
        "slipway:monitoring.alarmEmails (SNS email), slipway:alertSlackWebhookUrl (secret, a Slack incoming webhook) or slipway:alertWebhookUrl (secret, a receiver of Alertmanager's webhook JSON)";
    if (m.silent === true) {
        if (config.production) {
            throw new ConfigError(configLine(config.stackFile, ["monitoring", "silent"], true, `false in production (slipway:environment): a site that is down must page someone — set ${expected}`));
        }
        if (receivers.length > 0) {
            throw new ConfigError(configLine(config.stackFile, ["monitoring", "silent"], true, `false or unset: ${receivers.join(" and ")} ${receivers.length > 1 ? "are" : "is"} set, so alerts are not silent`));
        }
        return;
    }
    if (receivers.length === 0) {
        throw new ConfigError(
            `${config.stackFile}: slipway:monitoring.silent is missing and no alert receiver is set, so every alarm would notify a topic nobody reads; expected ${expected}` +
                (config.production ? "" : " — or slipway:monitoring.silent: true to deploy without one"),
        );
    }
}

/**
 * The aws target: the six components over one explicit provider (region and default tags),
 * wired so that data flows app → database/cache only through security-group references.
 * Stateful resources are protected when the environment is production.
 */
export function awsStack(config: SlipwayConfig & { awsRegion?: string }): Record<string, pulumi.Input<unknown>> {
    checkAwsStackConfig(config);
    const provider = new aws.Provider("aws", {
        region: config.awsRegion as aws.Region,
        defaultTags: { tags: stackTags(config) },
    });
    const opts: pulumi.ComponentResourceOptions = { providers: [provider] };
    const protect = config.production;

    const network = new AwsNetwork("net", { ...config.network, protect }, opts);
    const isolated = { vpcId: network.vpcId, isolatedSubnetIds: network.isolatedSubnetIds };

    const instanceClass = config.database?.instanceClass ?? DEFAULT_DB_CLASS;
    const database = new AwsDatabase(
        "db",
        {
            ...config.database,
            instanceClass,
            // Production keeps deletion protection unless the stack opts out explicitly.
            deletionProtection: config.database?.deletionProtection ?? config.production,
            protect,
            // The bootstrap function (it creates the app's and the backup job's roles) runs in
            // the private subnets, which reach Secrets Manager.
            network: { ...isolated, privateSubnetIds: network.subnets.private },
        },
        opts,
    );

    const cacheReplicas = config.cache?.replicas ?? 1;
    const cache = new AwsCache("cache", { ...config.cache, replicas: cacheReplicas, protect, network: isolated }, opts);

    const web = new AwsWebTier(
        "web",
        {
            domain: config.domain!,
            image: config.app!.image!,
            ...appArgs(config),
            // Connection strings carry credentials: they go in as secrets, never as plain env.
            secrets: {
                ...config.appSecrets,
                REDIS_URL: cache.url,
            },
            // The app's own database role (not the master user), read by ECS from the
            // database's secret at task start; the migrations run with the same URL.
            secretsFrom: { DATABASE_URL: { ...database.appCredentials, jsonKey: "url" } },
            logRetentionDays: config.web?.logRetentionDays,
            accessLogsRetentionDays: config.web?.accessLogsRetentionDays,
            hostedZoneId: config.web?.hostedZoneId,
            certificateArn: config.web?.certificateArn,
            wafRateWindowSeconds: config.web?.wafRateWindowSeconds,
            wafCountedRules: config.web?.wafCountedRules,
            wafLogRetentionDays: config.web?.wafLogRetentionDays,
            deletionProtection: config.production,
            protect,
            network: {
                vpcId: network.vpcId,
                vpcCidr: network.vpcCidr,
                // One output per subnet: the count is known at preview, not only after the VPC exists.
                publicSubnetIds: network.subnets.public,
                privateSubnetIds: network.subnets.private,
            },
            dataStores: [
                { name: "db", securityGroupId: database.securityGroupId, port: 5432 },
                { name: "cache", securityGroupId: cache.securityGroupId, port: 6379 },
            ],
        },
        opts,
    );

    // The nightly pg_dump → restic job runs on the web tier's cluster, in its private subnets.
    const backups = new AwsBackupBucket(
        "backups",
        {
            ...config.backups,
            protect,
            job: {
                clusterName: web.clusterName,
                network: { vpcId: network.vpcId, subnetIds: network.subnets.private },
                database: {
                    securityGroupId: database.securityGroupId,
                    address: database.address,
                    // The read-only backup role (pg_read_all_data), never the master user.
                    credentials: database.backupCredentials,
                    name: database.databaseName,
                    engineVersion: config.database?.engineVersion,
                },
            },
        },
        opts,
    );

    const memory = instanceClassMemoryGiB(instanceClass);
    // The sizes the components settled on (defaults applied), for the alarms.
    const dbSizes = normalizeDatabaseArgs("db", config.database);
    const netCfg = normalizeAwsNetworkArgs(config.network);
    // Route 53 publishes health-check metrics in us-east-1 only: the outside check's alarm (and
    // the topic it notifies) go there when the stack is elsewhere.
    const usEast1Provider =
        config.awsRegion === "us-east-1" ? undefined : new aws.Provider("aws-us-east-1", { region: "us-east-1", defaultTags: { tags: stackTags(config) } });
    const monitoring = new AwsMonitoring(
        "monitoring",
        {
            alarmEmails: config.monitoring?.alarmEmails,
            // Webhook URLs are credentials: secret in state, kept in Secrets Manager by the forwarder.
            slack: config.alertSlackWebhookUrl !== undefined ? { webhookUrl: pulumi.secret(config.alertSlackWebhookUrl) } : undefined,
            webhookUrl: config.alertWebhookUrl !== undefined ? pulumi.secret(config.alertWebhookUrl) : undefined,
            healthCheck: { domain: config.domain!, path: config.app?.healthPath, region: config.awsRegion!, usEast1Provider },
            thresholds: monitoringThresholds(config),
            protect,
            targets: {
                loadBalancerArnSuffix: web.loadBalancerArnSuffix,
                targetGroupArnSuffix: web.targetGroupArnSuffix,
                clusterName: web.clusterName,
                serviceName: web.serviceName,
                dbInstanceId: database.instanceId,
                dbMaxConnections: memory === undefined ? undefined : postgresDefaultMaxConnections(memory),
                dbStorageGb: dbSizes.storageGb,
                dbMaxStorageGb: dbSizes.maxStorageGb,
                dbInstanceClass: instanceClass,
                cacheClusterIds: cache.memberClusterIds,
                cacheNodeCount: 1 + cacheReplicas,
                cacheNodeType: normalizeAwsCacheArgs("cache", { ...config.cache, network: isolated }).nodeType,
                natGatewayIds: network.natGatewayIds,
                // As the network creates them: one per zone, one, or none.
                natGatewayCount: { "per-az": netCfg.azCount, single: 1, none: 0 }[netCfg.nat],
                backupBucketName: backups.bucketName,
                backupWritePrefix: backups.completedBackupPrefix,
            },
        },
        opts,
    );

    return {
        url: web.url,
        // What the deploy workflow reads: the image this update deployed, and where the one-off
        // migration task runs (the service's cluster, task definition and network).
        appImage: config.app!.image!,
        ecsCluster: web.clusterName,
        ecsService: web.serviceName,
        loadBalancerDnsName: web.loadBalancerDnsName,
        certificateValidationRecords: web.certificateValidationRecords,
        dashboardUrl: monitoring.dashboardUrl,
        alarmTopicArn: monitoring.topicArn,
        // No credential is a stack output: each lives in Secrets Manager, and these name where
        // (docs/runbooks/database-restore.md and secret-rotation.md read them).
        databaseEndpoint: database.endpoint,
        databaseUser: database.username,
        databaseAppSecretArn: database.appCredentials.secretArn,
        databaseBackupSecretArn: database.backupCredentials.secretArn,
        // Owned and rotated (every 7 days) by RDS: break-glass only.
        databaseMasterSecretArn: database.masterSecretArn,
        cacheEndpoint: cache.primaryEndpoint,
        backupBucket: backups.bucketName,
        // What a restore needs: the repository, where its password is, and how to start a
        // one-off task of the backup job.
        backupRepository: backups.repository,
        resticPasswordSecretArn: backups.resticPasswordSecretArn,
        backupTaskDefinition: backups.jobTaskDefinitionFamily,
        backupNetworkConfiguration: backups.jobNetworkConfiguration,
        vpcId: network.vpcId,
    };
}
