/**
 * The database bootstrap on AWS: a small Lambda function in the VPC's private subnets that,
 * invoked at deploy by `aws.lambda.Invocation`, connects to the database as the RDS master user
 * (password read from RDS's own secret at that moment) and creates or converges the app's and
 * the backup job's roles (./roles-sql.ts), setting their passwords from their secrets.
 *
 * Why a function and not the deploying machine: the database lives in isolated subnets and is
 * never public, so only something inside the VPC reaches it; a function runs only when invoked,
 * holds nothing between runs, and may read exactly the three secrets it needs.
 *
 * When it runs: the Invocation is created with the stack, and replaced (so invoked again) when
 * its input changes: the SQL or handler (a hash), a role secret's version, the host.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { forwarderTrustPolicy as lambdaTrustPolicy } from "../../monitoring/policy";
import type { AccountContext } from "../../shared/iam";
import { bootstrapCode, bootstrapRuntime } from "./package";
import { bootstrapRolePolicy } from "./policies";
import { databaseRolesSql } from "./roles-sql";

/** Where CloudWatch Logs keeps the function's output (fixed by the function's name, which the key policy names first). */
export const bootstrapLogGroupName = (functionName: string): string => `/aws/lambda/${functionName}`;

/** Seconds the function may run: a cold start in the VPC, three secrets, one transaction. */
export const bootstrapTimeoutSeconds = 120;

/**
 * Lambda's Node.js 20+ runtimes no longer trust Amazon's own CAs (RDS's among them) by default;
 * the runtime keeps them in this file, which NODE_EXTRA_CA_CERTS adds to Node's store so the
 * function verifies the database's certificate instead of skipping the check.
 */
export const lambdaAmazonCaBundle = "/var/runtime/ca-cert.pem";

/** A role's credentials secret, as the function and the consumers read it. */
export interface RoleSecretRef {
    role: string;
    secretArn: pulumi.Input<string>;
    versionId: pulumi.Input<string>;
}

export interface BootstrapScope {
    parent: pulumi.Resource;
    name(suffix: string): string;
    opts(extra?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions;
}

export interface DatabaseBootstrapArgs {
    functionName: string;
    ctx: pulumi.Output<AccountContext>;
    vpcId: pulumi.Input<string>;
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    database: { securityGroupId: pulumi.Input<string>; address: pulumi.Input<string>; port: number; name: pulumi.Input<string>; databaseName: string };
    masterSecret: { arn: pulumi.Input<string>; keyArn: pulumi.Input<string> };
    /** The app's role first, then the backup role. */
    roles: [RoleSecretRef, RoleSecretRef];
    roleSecretsKeyArn: pulumi.Input<string>;
    logsKeyArn: pulumi.Input<string>;
    /** Resources the invocation must wait for (the instance, its ingress rule). */
    dependsOn: pulumi.Resource[];
}

export interface DatabaseBootstrap {
    functionArn: pulumi.Output<string>;
    invocation: aws.lambda.Invocation;
    securityGroupId: pulumi.Output<string>;
}

export function createDatabaseBootstrap(scope: BootstrapScope, a: DatabaseBootstrapArgs): DatabaseBootstrap {
    const [appRef, backupRef] = a.roles;
    const statements = databaseRolesSql({ database: a.database.databaseName, appRole: appRef.role, backupRole: backupRef.role });
    const code = bootstrapCode(statements);
    const logGroupName = bootstrapLogGroupName(a.functionName);

    const logGroup = new aws.cloudwatch.LogGroup(scope.name("bootstrap-logs"), { name: logGroupName, retentionInDays: 30, kmsKeyId: a.logsKeyArn }, scope.opts());

    // ---- network: no ingress; out to the database and to HTTPS (Secrets Manager) only ----
    const sg = new aws.ec2.SecurityGroup(
        scope.name("bootstrap-sg"),
        { vpcId: a.vpcId, description: "Database bootstrap function: no ingress; out to PostgreSQL and HTTPS only", revokeRulesOnDelete: true, tags: { Name: a.functionName } },
        scope.opts(),
    );
    new aws.vpc.SecurityGroupEgressRule(
        scope.name("bootstrap-out-https"),
        { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "HTTPS: Secrets Manager (NAT or its interface endpoint)" },
        scope.opts(),
    );
    const egress = new aws.vpc.SecurityGroupEgressRule(
        scope.name("bootstrap-out-db"),
        { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: a.database.port, toPort: a.database.port, referencedSecurityGroupId: a.database.securityGroupId, description: "To the database" },
        scope.opts(),
    );
    // The client opens the store's port to itself, as the web tier and the backup job do.
    const ingress = new aws.vpc.SecurityGroupIngressRule(
        scope.name("bootstrap-db-in"),
        { securityGroupId: a.database.securityGroupId, ipProtocol: "tcp", fromPort: a.database.port, toPort: a.database.port, referencedSecurityGroupId: sg.id, description: "From the database bootstrap function" },
        scope.opts(),
    );

    // ---- IAM: its logs, its network interfaces, the three secrets ----
    const role = new aws.iam.Role(
        scope.name("bootstrap-role"),
        { name: a.functionName, description: "Runs the database bootstrap function", assumeRolePolicy: lambdaTrustPolicy() },
        scope.opts(),
    );
    const policy = new aws.iam.RolePolicy(
        scope.name("bootstrap-policy"),
        {
            role: role.id,
            policy: pulumi
                .all([a.ctx, a.masterSecret.arn, appRef.secretArn, backupRef.secretArn, a.masterSecret.keyArn, a.roleSecretsKeyArn])
                .apply(([ctx, masterSecretArn, appArn, backupArn, masterKey, rolesKey]) =>
                    bootstrapRolePolicy(ctx, { logGroupName, masterSecretArn, roleSecretArns: [appArn, backupArn], keyArns: [masterKey, rolesKey] }),
                ),
        },
        scope.opts(),
    );

    const archive: Record<string, pulumi.asset.Asset | pulumi.asset.Archive> = {};
    for (const [file, { text }] of Object.entries(code.files)) archive[file] = new pulumi.asset.StringAsset(text);
    for (const [dir, local] of Object.entries(code.packages)) archive[dir] = new pulumi.asset.FileArchive(local);
    const fn = new aws.lambda.Function(
        scope.name("bootstrap"),
        {
            name: a.functionName,
            description: "Creates and converges the app's and the backup job's database roles (Slipway)",
            role: role.arn,
            runtime: bootstrapRuntime,
            handler: "index.handler",
            architectures: ["arm64"],
            memorySize: 256,
            timeout: bootstrapTimeoutSeconds,
            code: new pulumi.asset.AssetArchive(archive),
            vpcConfig: { subnetIds: a.subnetIds, securityGroupIds: [sg.id] },
            // ARNs arrive in the event; nothing secret lives in the environment.
            environment: { variables: { NODE_EXTRA_CA_CERTS: lambdaAmazonCaBundle } },
            loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        },
        // Lambda checks at create that the role may manage the VPC's network interfaces.
        scope.opts({ dependsOn: [policy] }),
    );

    const input = pulumi
        .all([a.database.address, a.database.name, a.masterSecret.arn, appRef.secretArn, appRef.versionId, backupRef.secretArn, backupRef.versionId])
        .apply(([host, database, masterSecretArn, appArn, appVersion, backupArn, backupVersion]) =>
            JSON.stringify({
                host,
                port: a.database.port,
                database,
                masterSecretArn,
                roles: [
                    { name: appRef.role, secretArn: appArn },
                    { name: backupRef.role, secretArn: backupArn },
                ],
                // Not read by the handler: a change of either re-runs it (the Invocation is replaced).
                secretVersions: [appVersion, backupVersion],
                code: code.sha256,
            }),
        );
    const invocation = new aws.lambda.Invocation(
        scope.name("bootstrap-run"),
        { functionName: fn.name, input },
        scope.opts({ dependsOn: [...a.dependsOn, ingress, egress, policy] }),
    );
    return { functionArn: fn.arn, invocation, securityGroupId: sg.id };
}
