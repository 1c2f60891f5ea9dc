import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { accountContext, awsLookups, withAccountContext } from "../shared/aws-context";
import { SlipwayComponent } from "../shared/component";
import { logsEncryptionKeyPolicy } from "../shared/iam";
import { nameLimits, physicalName } from "../shared/naming";
import { type DatabaseArgs, type NormalizedDatabaseArgs, normalizeDatabaseArgs } from "./index";
import { bootstrapLogGroupName, createDatabaseBootstrap } from "./bootstrap/aws";
import { rdsMonitoringPolicyArn, rdsMonitoringTrustPolicy } from "./monitoring-role";
import { postgresConnectionUrl, postgresParameterFamily, postgresParameters } from "./postgres";
import { argError, ComponentArgError } from "../shared/errors";

/** Where the database lives: isolated subnets (no route to or from the internet) of one VPC. */
export interface AwsDatabaseNetwork {
    /** The VPC the database's security group is created in. */
    vpcId: pulumi.Input<string>;
    /** Isolated subnets in at least two availability zones (RDS requires two for a subnet group). */
    isolatedSubnetIds: pulumi.Input<string[]>;
    /**
     * Private subnets with a route to Secrets Manager (NAT or its interface endpoint), where the
     * bootstrap function that creates the app's and the backup job's roles runs.
     */
    privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * The RDS master user. Its password is RDS's (`manageMasterUserPassword`): kept in a Secrets
 * Manager secret RDS owns and rotates every 7 days, read only by the bootstrap function at
 * deploy. Nothing long-running connects as it. Fixed because RDS cannot rename a master user:
 * changing it would replace the database.
 */
export const rdsMasterUsername = "slipway_admin";
/** The backup job's read-only role (`pg_read_all_data`). */
export const backupRoleName = "backup";

/** A database role's credentials as its consumers take them: from Secrets Manager, never from state outputs. */
export interface DatabaseRoleCredentials {
    /** The role's name (`PGUSER`). */
    username: pulumi.Output<string>;
    /**
     * The Secrets Manager secret: JSON `{ engine, host, port, dbname, username, password, url }`
     * (the shape AWS's rotation functions use, plus `url`, a libpq URL with `sslmode=require`).
     * ECS takes one key with `<arn>:<key>::<versionId>`.
     */
    secretArn: pulumi.Output<string>;
    /** The secret's current version: pinning it makes a new value a new task definition. */
    versionId: pulumi.Output<string>;
    /** The key the secret is encrypted with; readers need `kms:Decrypt` through Secrets Manager. */
    kmsKeyArn: pulumi.Output<string>;
}

export interface AwsDatabaseArgs extends DatabaseArgs {
    /**
     * The VPC and isolated subnets to place the database in. A `Network` component fits as is.
     * @default required
     * @example
     * ```ts
     * { network: { vpcId: network.vpcId, isolatedSubnetIds: network.isolatedSubnetIds } }
     * ```
     */
    network: AwsDatabaseNetwork;
    /**
     * RDS instance class (the main cost driver; doubled by `multiAz`).
     * @default "db.t4g.medium"
     * @example
     * ```ts
     * { instanceClass: "db.m7g.large" }
     * ```
     */
    instanceClass?: string;
}

export type NormalizedAwsDatabaseArgs = NormalizedDatabaseArgs & { instanceClass: string; network: AwsDatabaseNetwork };

/** Applies the neutral defaults plus the AWS-only ones, and checks them. */
export function normalizeAwsDatabaseArgs(name: string, args: AwsDatabaseArgs): NormalizedAwsDatabaseArgs {
    const { network, instanceClass, ...neutral } = args;
    if (!network) throw argError("network", undefined, "{ vpcId, isolatedSubnetIds }");
    const cls = instanceClass ?? "db.t4g.medium";
    const username = (neutral.username ?? "app").toLowerCase();
    if (username === rdsMasterUsername || username === backupRoleName) {
        throw argError(
            "username",
            neutral.username,
            `a name other than "${rdsMasterUsername}" (the RDS master user) and "${backupRoleName}" (the backup job's role) for the app's role`,
        );
    }
    if (!/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(cls)) {
        throw argError("instanceClass", cls, `an RDS instance class such as "db.t4g.medium"`);
    }
    return { ...normalizeDatabaseArgs(name, neutral), instanceClass: cls, network };
}

/** Fixed operational settings (UTC windows that do not overlap; the cache uses 02:00 and Sunday 05:00). */
export const rdsSettings = {
    port: 5432,
    backupWindow: "03:00-03:30",
    maintenanceWindow: "sun:04:00-sun:05:00",
    logRetentionDays: 30,
    monitoringIntervalSeconds: 60,
    performanceInsightsRetentionDays: 7,
    caCertIdentifier: "rds-ca-rsa2048-g1",
    logExports: ["postgresql", "upgrade"],
} as const;

/**
 * RDS for PostgreSQL in isolated subnets: Multi-AZ, gp3 with storage autoscaling, encrypted
 * with its own rotating KMS key, TLS forced, 30 days of point-in-time recovery, deletion
 * protection and a final snapshot, Performance Insights, Enhanced Monitoring, logs in
 * CloudWatch for 30 days. Its security group has no rules: a client grants itself access by
 * adding an ingress rule on `port` from its own security group to `securityGroupId`.
 *
 * ## Cost
 * The instance hours of `instanceClass`, twice with `multiAz` and once more for a
 * `readReplica`; gp3 storage per GB-month (up to `maxStorageGb` as it grows); backup storage
 * beyond the database size (grows with `backupRetentionDays`); one KMS key; CloudWatch Logs
 * ingestion (driven by `slowQueryMs` and connection logging). Performance Insights at 7 days
 * and Enhanced Monitoring at 60 s are within the free tiers.
 */
export class AwsDatabase extends SlipwayComponent {
    /** `host:port` of the primary (the writer). */
    public readonly endpoint: pulumi.Output<string>;
    /** Host name of the primary. */
    public readonly address: pulumi.Output<string>;
    /** TCP port the database listens on (5432). */
    public readonly port: pulumi.Output<number>;
    public readonly databaseName: pulumi.Output<string>;
    /** The app's role (`username`): it owns the schema of the same name and runs the migrations. */
    public readonly username: pulumi.Output<string>;
    /** The RDS-managed secret of the master user (rotated by RDS every 7 days; for the bootstrap and break-glass only). */
    public readonly masterSecretArn: pulumi.Output<string>;
    /** The app's role: the secret the web tier takes DATABASE_URL from (`url` key). */
    public readonly appCredentials: DatabaseRoleCredentials;
    /** The backup job's read-only role: the secret the job takes PGPASSWORD from (`password` key). */
    public readonly backupCredentials: DatabaseRoleCredentials;
    /** The database's own security group (no rules): clients add ingress on `port` to it. */
    public readonly securityGroupId: pulumi.Output<string>;
    /** The DB instance identifier (CloudWatch `DBInstanceIdentifier` dimension). */
    public readonly instanceId: pulumi.Output<string>;
    /** The KMS key encrypting storage, backups, Performance Insights and the log groups. */
    public readonly kmsKeyArn: pulumi.Output<string>;
    /** Whether a read replica was created (`readerAddress` and `replicaInstanceId` exist). */
    public readonly hasReadReplica: boolean;

    private readonly replica?: aws.rds.Instance;

    constructor(name: string, args: AwsDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before registering anything, so bad args leave no half-built component.
        const a = normalizeAwsDatabaseArgs(name, args);
        super("Database", name, opts);

        // Identifiers are the instances' physical names: changing one replaces the database,
        // so they derive from the component name alone and must never change.
        const identifier = physicalName(name, nameLimits.rdsIdentifier);
        const replicaIdentifier = physicalName(`${name}-replica`, nameLimits.rdsIdentifier);
        const instanceIdentifiers = a.readReplica ? [identifier, replicaIdentifier] : [identifier];

        const lookups = awsLookups(this);
        // Fixed by name: the key policy below names its log group before the function exists.
        const bootstrapFunctionName = physicalName(`${name}-bootstrap`, 64);

        const key = new aws.kms.Key(
            this.childName("key"),
            {
                description: `Slipway ${name}: Postgres storage, backups, Performance Insights, logs and credentials`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: withAccountContext(lookups, (ctx) =>
                    logsEncryptionKeyPolicy({
                        ...ctx,
                        logGroupNames: [...instanceIdentifiers.map((id) => `/aws/rds/instance/${id}/*`), bootstrapLogGroupName(bootstrapFunctionName)],
                    }),
                ),
            },
            this.childOpts({ protect: a.protect }),
        );

        // RDS would create these on first export with no expiry; owning them sets retention and the key.
        const logGroupsFor = (id: string, prefix: string): aws.cloudwatch.LogGroup[] =>
            rdsSettings.logExports.map(
                (log) =>
                    new aws.cloudwatch.LogGroup(
                        this.childName(`${prefix}log-${log}`),
                        { name: `/aws/rds/instance/${id}/${log}`, retentionInDays: rdsSettings.logRetentionDays, kmsKeyId: key.arn },
                        this.childOpts(),
                    ),
            );
        const primaryLogs = logGroupsFor(identifier, "");

        // No inline ingress on purpose: clients attach standalone ingress rules, which inline
        // rules would fight. `egress: []` keeps the group free of any outbound rule (the
        // provider also drops AWS's default allow-all on create); Postgres needs none.
        const securityGroup = new aws.ec2.SecurityGroup(
            this.childName("sg"),
            {
                vpcId: a.network.vpcId,
                description: `Slipway ${name} Postgres (clients add their own ingress rule)`,
                egress: [],
                tags: { Name: `${name}-db` },
            },
            this.childOpts(),
        );

        const subnetGroup = new aws.rds.SubnetGroup(
            this.childName("subnets"),
            { description: `Slipway ${name} Postgres: isolated subnets`, subnetIds: a.network.isolatedSubnetIds },
            this.childOpts(),
        );

        // Auto-named so a new family (major upgrade) creates the new group before the old one goes.
        const parameterGroup = new aws.rds.ParameterGroup(
            this.childName("params"),
            {
                family: postgresParameterFamily(a.engineVersion),
                description: `Slipway ${name} Postgres: TLS only, slow-query and connection logging`,
                parameters: postgresParameters({ slowQueryMs: a.slowQueryMs }),
            },
            this.childOpts(),
        );

        const monitoringRole = new aws.iam.Role(
            this.childName("monitoring"),
            {
                description: `Slipway ${name}: RDS Enhanced Monitoring`,
                assumeRolePolicy: lookups.caller.accountId.apply(rdsMonitoringTrustPolicy),
            },
            this.childOpts(),
        );
        const monitoringPolicy = new aws.iam.RolePolicyAttachment(
            this.childName("monitoring-policy"),
            { role: monitoringRole.name, policyArn: lookups.partition.partition.apply(rdsMonitoringPolicyArn) },
            this.childOpts(),
        );

        // Settings the primary and the replica share.
        const shared = {
            instanceClass: a.instanceClass,
            storageType: "gp3",
            maxAllocatedStorage: a.maxStorageGb,
            storageEncrypted: true,
            kmsKeyId: key.arn,
            port: rdsSettings.port,
            vpcSecurityGroupIds: [securityGroup.id],
            parameterGroupName: parameterGroup.name,
            publiclyAccessible: false,
            deletionProtection: a.deletionProtection,
            copyTagsToSnapshot: true,
            maintenanceWindow: rdsSettings.maintenanceWindow,
            autoMinorVersionUpgrade: true,
            applyImmediately: false,
            caCertIdentifier: rdsSettings.caCertIdentifier,
            iamDatabaseAuthenticationEnabled: true,
            enabledCloudwatchLogsExports: [...rdsSettings.logExports],
            monitoringInterval: rdsSettings.monitoringIntervalSeconds,
            monitoringRoleArn: monitoringRole.arn,
            performanceInsightsEnabled: a.performanceInsights,
            ...(a.performanceInsights
                ? { performanceInsightsKmsKeyId: key.arn, performanceInsightsRetentionPeriod: rdsSettings.performanceInsightsRetentionDays }
                : {}),
        };

        const instance = new aws.rds.Instance(
            this.childName("instance"),
            {
                ...shared,
                identifier,
                engine: "postgres",
                engineVersion: a.engineVersion,
                // Only ever acts on an explicit engineVersion change, applied in the maintenance window.
                allowMajorVersionUpgrade: true,
                allocatedStorage: a.storageGb,
                dbName: a.databaseName,
                username: rdsMasterUsername,
                // RDS keeps the master password in its own secret, encrypted with this key, and
                // rotates it; no password input, so none in Pulumi's state.
                manageMasterUserPassword: true,
                masterUserSecretKmsKeyId: key.arn,
                dbSubnetGroupName: subnetGroup.name,
                multiAz: a.multiAz,
                backupRetentionPeriod: a.backupRetentionDays,
                backupWindow: rdsSettings.backupWindow,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: `${identifier}-final`,
                // Keep the automated backups (point-in-time recovery) after a deletion.
                deleteAutomatedBackups: false,
            },
            this.childOpts({
                protect: a.protect,
                dependsOn: [...primaryLogs, monitoringPolicy],
            }),
        );

        this.hasReadReplica = a.readReplica;
        if (a.readReplica) {
            const replicaLogs = logGroupsFor(replicaIdentifier, "replica-");
            this.replica = new aws.rds.Instance(
                this.childName("replica"),
                {
                    ...shared,
                    identifier: replicaIdentifier,
                    replicateSourceDb: instance.identifier,
                    // A replica holds no data of its own: the primary's standby and backups do.
                    multiAz: false,
                    // RDS refuses a final snapshot of a replica.
                    skipFinalSnapshot: true,
                },
                this.childOpts({ protect: a.protect, dependsOn: [...replicaLogs, monitoringPolicy] }),
            );
        }

        this.endpoint = instance.endpoint;
        this.address = instance.address;
        this.port = instance.port;
        this.databaseName = instance.dbName;
        this.masterSecretArn = instance.masterUserSecrets.apply((s) => {
            if (!s?.[0]?.secretArn) throw new Error(`Internal: the ${name} database reports no master user secret although manageMasterUserPassword is set`); // RDS always reports it when the flag is set: a provider or mock fault, not the user's input
            return s[0].secretArn;
        });

        // ---- the app's and the backup job's roles: passwords in their own secrets, created in the database by the bootstrap ----
        const roleSecret = (suffix: string, role: string, description: string): DatabaseRoleCredentials => {
            const password = new random.RandomPassword(this.childName(`${suffix}-password`), { length: 40, special: false }, this.childOpts());
            // Auto-named: a deleted secret's name stays reserved for its recovery window.
            const secret = new aws.secretsmanager.Secret(this.childName(`${suffix}-secret`), { description, kmsKeyId: key.arn, recoveryWindowInDays: 30 }, this.childOpts());
            const value = pulumi
                .all([password.result, instance.address, instance.port, instance.dbName])
                .apply(([pw, host, port, dbname]) =>
                    JSON.stringify({ engine: "postgres", host, port, dbname, username: role, password: pw, url: postgresConnectionUrl({ username: role, password: pw, address: host, port, databaseName: dbname }) }),
                );
            const version = new aws.secretsmanager.SecretVersion(this.childName(`${suffix}-secret-value`), { secretId: secret.id, secretString: pulumi.secret(value) }, this.childOpts());
            return { username: pulumi.output(role), secretArn: secret.arn, versionId: version.versionId, kmsKeyArn: key.arn };
        };
        const app = roleSecret("app", a.username, `The ${name} database's app role (${a.username}): owns its schema, runs the migrations`);
        const backup = roleSecret("backup", backupRoleName, `The ${name} database's read-only backup role (${backupRoleName}): pg_dump`);

        const bootstrap = createDatabaseBootstrap(
            { parent: this, name: (s) => this.childName(s), opts: (extra) => this.childOpts(extra) },
            {
                functionName: bootstrapFunctionName,
                ctx: accountContext(lookups),
                vpcId: a.network.vpcId,
                subnetIds: a.network.privateSubnetIds,
                database: { securityGroupId: securityGroup.id, address: instance.address, port: rdsSettings.port, name: instance.dbName, databaseName: a.databaseName },
                masterSecret: { arn: this.masterSecretArn, keyArn: key.arn },
                roles: [
                    { role: a.username, secretArn: app.secretArn, versionId: app.versionId },
                    { role: backupRoleName, secretArn: backup.secretArn, versionId: backup.versionId },
                ],
                roleSecretsKeyArn: key.arn,
                logsKeyArn: key.arn,
                dependsOn: [instance],
            },
        );
        // Consumers pin the version id in their task definitions; resolving it only once the
        // bootstrap has run makes every task definition (so every task) wait for the role and
        // its current password to exist in the database, on the first deploy and after a change.
        const afterBootstrap = (c: DatabaseRoleCredentials): DatabaseRoleCredentials => ({
            ...c,
            versionId: pulumi.all([c.versionId, bootstrap.invocation.result]).apply(([v]) => v),
        });
        this.appCredentials = afterBootstrap(app);
        this.backupCredentials = afterBootstrap(backup);
        this.username = this.appCredentials.username;

        this.securityGroupId = securityGroup.id;
        this.instanceId = instance.identifier;
        this.kmsKeyArn = key.arn;

        this.registerOutputs({
            endpoint: this.endpoint,
            address: this.address,
            port: this.port,
            databaseName: this.databaseName,
            username: this.username,
            masterSecretArn: this.masterSecretArn,
            appSecretArn: this.appCredentials.secretArn,
            backupSecretArn: this.backupCredentials.secretArn,
            securityGroupId: this.securityGroupId,
            instanceId: this.instanceId,
            kmsKeyArn: this.kmsKeyArn,
            ...(this.replica ? { readerAddress: this.replica.address, replicaInstanceId: this.replica.identifier } : {}),
        });
    }

    /** Host name of the read replica. Throws when the database was created without one. */
    public get readerAddress(): pulumi.Output<string> {
        return this.requireReplica("readerAddress").address;
    }

    /** The replica's DB instance identifier (for a ReplicaLag alarm). Throws without a replica. */
    public get replicaInstanceId(): pulumi.Output<string> {
        return this.requireReplica("replicaInstanceId").identifier;
    }

    private requireReplica(what: string): aws.rds.Instance {
        if (!this.replica) {
            throw new ComponentArgError({ component: "Database", resourceName: this.baseName, key: "readReplica", value: false, allowed: `true to use ${what}` });
        }
        return this.replica;
    }
}
