import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AwsDatabase, type AwsDatabaseArgs, normalizeAwsDatabaseArgs, rdsMasterUsername, rdsSettings } from "../../components/database/aws";
import { databaseDefaults, normalizeDatabaseArgs } from "../../components/database/index";
import { rdsMonitoringTrustPolicy } from "../../components/database/monitoring-role";
import {
    encodeUriStrict,
    postgresConnectionUrl,
    postgresParameterFamily,
    postgresParameters,
    rdsPasswordSpecials,
} from "../../components/database/postgres";
import { logsEncryptionKeyPolicy } from "../../components/shared/iam";
import { physicalName } from "../../components/shared/naming";
import type { RecordedResource } from "../../offline/recorder";
import { isSecretValue, reveal } from "../../offline/secret-value";
import { expectParentedAndPrefixed } from "../helpers/children";
import { recordResources, resolve } from "../helpers/record";

const T = {
    component: "slipway:components:Database",
    instance: "aws:rds/instance:Instance",
    key: "aws:kms/key:Key",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    subnets: "aws:rds/subnetGroup:SubnetGroup",
    params: "aws:rds/parameterGroup:ParameterGroup",
    role: "aws:iam/role:Role",
    attach: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    password: "random:index/randomPassword:RandomPassword",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
};

const network = { vpcId: "vpc-123", isolatedSubnetIds: ["subnet-a", "subnet-b"], privateSubnetIds: ["subnet-p1", "subnet-p2"] };

async function build(extra: Partial<AwsDatabaseArgs> = {}, name = "db") {
    const { graph, result } = await recordResources(() => new AwsDatabase(name, { network, ...extra }));
    const primary = graph.resources.find((r) => r.type === T.instance && r.inputs.replicateSourceDb === undefined)!;
    return { graph, db: result, primary };
}

/** Every place a value occurs in plain text (not inside a SecretValue), as paths. */
function plainOccurrences(v: unknown, needle: string, path = ""): string[] {
    if (isSecretValue(v)) return [];
    if (typeof v === "string") return v.includes(needle) ? [path] : [];
    if (Array.isArray(v)) return v.flatMap((x, i) => plainOccurrences(x, needle, `${path}[${i}]`));
    if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => plainOccurrences(x, needle, `${path}.${k}`));
    return [];
}

describe("normalizeDatabaseArgs", () => {
    it("applies the safe production defaults", () => {
        expect(normalizeDatabaseArgs("db")).toEqual({
            engineVersion: "16",
            storageGb: 50,
            maxStorageGb: 200,
            backupRetentionDays: 30,
            multiAz: true,
            deletionProtection: true,
            databaseName: "app",
            username: "app",
            readReplica: false,
            performanceInsights: true,
            slowQueryMs: 500,
            protect: true,
        });
        expect(normalizeAwsDatabaseArgs("db", { network }).instanceClass).toBe("db.t4g.medium");
    });

    it("keeps explicit values, including falsy ones, and ignores undefined", () => {
        const a = normalizeDatabaseArgs("db", { multiAz: false, slowQueryMs: 0, protect: false, storageGb: undefined });
        expect(a.multiAz).toBe(false);
        expect(a.slowQueryMs).toBe(0);
        expect(a.protect).toBe(false);
        expect(a.storageGb).toBe(databaseDefaults.storageGb);
    });

    it("rejects a storage ceiling below the allocated storage, naming both", () => {
        expect(() => normalizeDatabaseArgs("orders", { storageGb: 100, maxStorageGb: 50 })).toThrow(
            /Database orders: maxStorageGb is 50; expected a whole number of GB from storageGb \(100\)/,
        );
        // The default ceiling (200) is also checked against a raised storageGb.
        expect(() => normalizeDatabaseArgs("db", { storageGb: 300 })).toThrow(/maxStorageGb is 200/);
        expect(normalizeDatabaseArgs("db", { storageGb: 100, maxStorageGb: 100 }).maxStorageGb).toBe(100);
    });

    it("rejects retention outside 1–35 days", () => {
        expect(() => normalizeDatabaseArgs("db", { backupRetentionDays: 0 })).toThrow(/backupRetentionDays is 0.*from 1 to 35/);
        expect(() => normalizeDatabaseArgs("db", { backupRetentionDays: 36 })).toThrow(/backupRetentionDays is 36/);
        expect(() => normalizeDatabaseArgs("db", { backupRetentionDays: 7.5 })).toThrow(/backupRetentionDays/);
        expect(normalizeDatabaseArgs("db", { backupRetentionDays: 1 }).backupRetentionDays).toBe(1);
        expect(normalizeDatabaseArgs("db", { backupRetentionDays: 35 }).backupRetentionDays).toBe(35);
    });

    it("rejects storage below 20 GB, bad versions, names and slow-query thresholds", () => {
        expect(() => normalizeDatabaseArgs("db", { storageGb: 19 })).toThrow(/Database db: storageGb is 19; expected a whole number of GB from 20/);
        expect(() => normalizeDatabaseArgs("db", { engineVersion: "9.6" })).toThrow(/Database db: engineVersion is "9\.6"; expected a PostgreSQL major version/);
        expect(() => normalizeDatabaseArgs("db", { engineVersion: "latest" })).toThrow(/engineVersion is "latest"; expected a PostgreSQL major version/);
        expect(() => normalizeDatabaseArgs("db", { databaseName: "1app" })).toThrow(/databaseName is "1app"; expected 1 to 63 letters, digits or underscores, starting with a letter/);
        expect(() => normalizeDatabaseArgs("db", { username: "rdsadmin" })).toThrow(/username is "rdsadmin"; expected .*not a reserved role \(pg_\*, .*rdsadmin/);
        expect(() => normalizeDatabaseArgs("db", { username: "pg_app" })).toThrow(/username is "pg_app"; expected .*not a reserved role \(pg_\*/);
        expect(() => normalizeDatabaseArgs("db", { slowQueryMs: -2 })).toThrow(/slowQueryMs is -2; expected a whole number of milliseconds/);
        expect(normalizeDatabaseArgs("db", { slowQueryMs: -1, engineVersion: "17.2" }).engineVersion).toBe("17.2");
        expect(() => normalizeAwsDatabaseArgs("db", { network, instanceClass: "t4g.medium" })).toThrow(/instanceClass is "t4g\.medium"; expected an RDS instance class such as "db\.t4g\.medium"/);
    });
});

describe("postgres helpers", () => {
    it("derives the parameter family from the major version", () => {
        expect(postgresParameterFamily("16")).toBe("postgres16");
        expect(postgresParameterFamily("16.4")).toBe("postgres16");
        expect(postgresParameterFamily("17")).toBe("postgres17");
        expect(() => postgresParameterFamily("12")).toThrow(/engineVersion is "12"; expected a PostgreSQL major version .*from 14/);
    });

    it("forces TLS, logs slow queries and connections, preloads pg_stat_statements after a reboot", () => {
        const byName = Object.fromEntries(postgresParameters({ slowQueryMs: 250 }).map((p) => [p.name, p]));
        expect(byName["rds.force_ssl"]).toMatchObject({ value: "1", applyMethod: "immediate" });
        expect(byName["log_min_duration_statement"]).toMatchObject({ value: "250", applyMethod: "immediate" });
        expect(byName["log_connections"].value).toBe("1");
        expect(byName["log_disconnections"].value).toBe("1");
        expect(byName["shared_preload_libraries"]).toMatchObject({ value: "pg_stat_statements", applyMethod: "pending-reboot" });
    });

    it("never offers a password character RDS forbids", () => {
        for (const c of ["/", '"', "@", " ", "'", "\\"]) expect(rdsPasswordSpecials).not.toContain(c);
    });

    it("builds a URL whose password decodes back to the original, for any allowed password", () => {
        const alphabet = `abcXYZ019${rdsPasswordSpecials}`.split("");
        fc.assert(
            fc.property(fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 40 }), (chars) => {
                const pw = chars.join("");
                const url = postgresConnectionUrl({ username: "app", password: pw, address: "h.example", port: 5432, databaseName: "app" });
                const u = new URL(url);
                expect(decodeURIComponent(u.password)).toBe(pw);
                expect(u.hostname).toBe("h.example");
                expect(u.port).toBe("5432");
                expect(u.pathname).toBe("/app");
                expect(u.searchParams.get("sslmode")).toBe("require");
            }),
        );
        expect(encodeUriStrict("a!*()'")).toBe("a%21%2A%28%29%27");
    });

    it("lets CloudWatch Logs use the key only for the named log groups", () => {
        const doc = JSON.parse(
            logsEncryptionKeyPolicy({ partition: "aws", accountId: "111122223333", region: "eu-west-1", dnsSuffix: "amazonaws.com", logGroupNames: ["/x/*"] }),
        );
        expect(doc.Statement[0].Principal.AWS).toBe("arn:aws:iam::111122223333:root");
        expect(doc.Statement[1].Principal.Service).toBe("logs.eu-west-1.amazonaws.com");
        expect(doc.Statement[1].Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).toEqual(["arn:aws:logs:eu-west-1:111122223333:log-group:/x/*"]);
        expect(doc.Statement[1].Action).not.toContain("kms:*");
    });

    it("lets only RDS monitoring assume the monitoring role, for this account only", () => {
        const doc = JSON.parse(rdsMonitoringTrustPolicy("111122223333"));
        expect(doc.Statement).toHaveLength(1);
        expect(doc.Statement[0].Principal).toEqual({ Service: "monitoring.rds.amazonaws.com" });
        expect(doc.Statement[0].Condition.StringEquals["aws:SourceAccount"]).toBe("111122223333");
    });
});

describe("AwsDatabase with defaults", () => {
    it("creates an RDS PostgreSQL instance with the production checklist", async () => {
        const { graph, db, primary } = await build();
        const i = primary.inputs;
        const keyArn = (await resolve(db.kmsKeyArn)).value;
        expect(graph.ofType(T.instance)).toHaveLength(1);
        expect(i).toMatchObject({
            identifier: physicalName("db", 63),
            engine: "postgres",
            engineVersion: "16",
            instanceClass: "db.t4g.medium",
            storageType: "gp3",
            allocatedStorage: 50,
            maxAllocatedStorage: 200,
            storageEncrypted: true,
            kmsKeyId: keyArn,
            multiAz: true,
            backupRetentionPeriod: 30,
            backupWindow: rdsSettings.backupWindow,
            maintenanceWindow: rdsSettings.maintenanceWindow,
            deletionProtection: true,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: `${physicalName("db", 63)}-final`,
            copyTagsToSnapshot: true,
            deleteAutomatedBackups: false,
            publiclyAccessible: false,
            performanceInsightsEnabled: true,
            performanceInsightsKmsKeyId: keyArn,
            performanceInsightsRetentionPeriod: 7,
            enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
            autoMinorVersionUpgrade: true,
            monitoringInterval: 60,
            iamDatabaseAuthenticationEnabled: true,
            caCertIdentifier: "rds-ca-rsa2048-g1",
            applyImmediately: false,
            dbName: "app",
            username: rdsMasterUsername,
            port: 5432,
        });
        expect(keyArn).toMatch(/^arn:aws:kms:/);
        expect(graph.one(T.key).inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    });

    it("wires the instance to its subnet group, parameter group, security group and monitoring role", async () => {
        const { graph, db, primary } = await build();
        const subnets = graph.one(T.subnets);
        const params = graph.one(T.params);
        const role = graph.ofType(T.role).find((r) => r.name === "db-monitoring")!;
        expect(subnets.inputs.subnetIds).toEqual(["subnet-a", "subnet-b"]);
        expect(primary.inputs.dbSubnetGroupName).toBe("db-subnets");
        expect(params.inputs.family).toBe("postgres16");
        expect(primary.inputs.parameterGroupName).toBe("db-params");
        const paramNames = (params.inputs.parameters as { name: string; value: string }[]).map((p) => `${p.name}=${p.value}`);
        expect(paramNames).toEqual(
            expect.arrayContaining(["rds.force_ssl=1", "log_min_duration_statement=500", "log_connections=1", "log_disconnections=1", "shared_preload_libraries=pg_stat_statements"]),
        );
        expect(primary.inputs.vpcSecurityGroupIds).toEqual([(await resolve(db.securityGroupId)).value]);
        expect(graph.ofType(T.sg).find((g) => g.name === "db-sg")!.inputs.vpcId).toBe("vpc-123");
        expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Principal.Service).toBe("monitoring.rds.amazonaws.com");
        expect(primary.inputs.monitoringRoleArn).toMatch(/^arn:aws:iam::123456789012:role\//);
        const attach = graph.one(T.attach);
        expect(attach.inputs.policyArn).toBe("arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole");
        expect(attach.inputs.role).toBe("db-monitoring");
        expect(graph.dependsOn(attach, role)).toBe(true);
        expect(graph.dependsOn(primary, attach)).toBe(true);
    });

    it("owns the exported log groups: 30-day retention, KMS-encrypted, created before the instance", async () => {
        const { graph, db, primary } = await build();
        const id = physicalName("db", 63);
        const groups = graph.ofType(T.logGroup).filter((g) => String(g.inputs.name).startsWith("/aws/rds/"));
        expect(groups.map((g) => g.inputs.name).sort()).toEqual([`/aws/rds/instance/${id}/postgresql`, `/aws/rds/instance/${id}/upgrade`]);
        const keyArn = (await resolve(db.kmsKeyArn)).value;
        for (const g of groups) {
            expect(g.inputs.retentionInDays).toBe(30);
            expect(g.inputs.kmsKeyId).toBe(keyArn);
            expect(graph.dependsOn(primary, g)).toBe(true);
        }
        const policy = JSON.parse(graph.one(T.key).inputs.policy as string);
        expect(policy.Statement[1].Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).toEqual([
            `arn:aws:logs:us-east-1:123456789012:log-group:/aws/rds/instance/${id}/*`,
            `arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/${physicalName("db-bootstrap", 64)}`,
        ]);
    });

    it("keeps the security group closed: no inline rules, and only its own bootstrap function admitted", async () => {
        const { graph } = await build();
        const sg = graph.ofType(T.sg).find((g) => g.name === "db-sg")!;
        expect(sg.inputs.ingress).toBeUndefined();
        expect(sg.inputs.egress).toEqual([]);
        expect(graph.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => r.name)).toEqual(["db-bootstrap-db-in"]);
    });

    it("leaves the master password to RDS (no password input, none in state) and gives the app and the backup job their own roles", async () => {
        const { graph, db, primary } = await build();
        // Issue 12, defect 4: the master password was a RandomPassword in state and the app's login.
        expect(primary.inputs).toMatchObject({ username: rdsMasterUsername, manageMasterUserPassword: true });
        expect(primary.inputs).not.toHaveProperty("password");
        expect(primary.inputs.masterUserSecretKmsKeyId).toBe(graph.one(T.key).outputs?.arn ?? primary.inputs.kmsKeyId);
        expect((await resolve(db.masterSecretArn)).value).toMatch(/^arn:aws:secretsmanager:.*:secret:rds!db-/);
        // One 40-character password per role, each only in its own KMS-encrypted secret.
        const passwords = graph.ofType(T.password);
        expect(passwords.map((p) => p.name).sort()).toEqual(["db-app-password", "db-backup-password"]);
        for (const p of passwords) expect(p.inputs).toMatchObject({ length: 40, special: false });
        const secrets = graph.ofType("aws:secretsmanager/secret:Secret");
        expect(secrets.map((x) => x.name).sort()).toEqual(["db-app-secret", "db-backup-secret"]);
        for (const x of secrets) expect(x.inputs.kmsKeyId).toBe(primary.inputs.kmsKeyId);
        for (const [creds, role] of [
            [db.appCredentials, "app"],
            [db.backupCredentials, "backup"],
        ] as const) {
            expect((await resolve(creds.username)).value).toBe(role);
            const version = graph.ofType("aws:secretsmanager/secretVersion:SecretVersion").find((v) => v.name === `db-${role}-secret-value`)!;
            expect(isSecretValue(version.inputs.secretString)).toBe(true);
            const value = JSON.parse(reveal(version.inputs.secretString) as string) as Record<string, string>;
            expect(value).toMatchObject({ engine: "postgres", username: role, port: 5432, dbname: "app" });
            expect(value.url).toBe(`postgres://${role}:${encodeUriStrict(value.password)}@${value.host}:5432/app?sslmode=require`);
            // The password is nowhere in plain text: not in an input, not in an output.
            for (const r of graph.resources) {
                expect(plainOccurrences(r.inputs, value.password), `${r.name} inputs`).toEqual([]);
                expect(plainOccurrences(r.outputs ?? {}, value.password), `${r.name} outputs`).toEqual([]);
            }
        }
    });

    it("runs the role bootstrap in the private subnets, after the instance, reading only the master and role secrets", async () => {
        const { graph, primary } = await build();
        const fn = graph.one("aws:lambda/function:Function");
        expect(fn.inputs.vpcConfig).toMatchObject({ subnetIds: ["subnet-p1", "subnet-p2"] });
        expect((fn.inputs.environment as { variables: Record<string, string> }).variables).toEqual({ NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem" });
        const run = graph.one("aws:lambda/invocation:Invocation");
        expect(graph.dependsOn(run, primary)).toBe(true);
        const input = JSON.parse(String(run.inputs.input)) as { roles: { name: string }[]; masterSecretArn: string; database: string };
        expect(input.roles.map((r) => r.name)).toEqual(["app", "backup"]);
        expect(input.masterSecretArn).toMatch(/:secret:rds!db-/);
        expect(input.database).toBe("app");
        // Its security group may reach the database's port; the database admits it on 5432.
        const ingress = graph.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        expect(ingress.map((r) => [r.name, r.inputs.fromPort])).toEqual([["db-bootstrap-db-in", 5432]]);
        const policy = JSON.parse(String(graph.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "db-bootstrap-policy")!.inputs.policy)) as { Statement: { Sid: string; Resource: unknown }[] };
        const read = policy.Statement.find((x) => x.Sid === "ReadMasterAndRoleSecrets")!;
        expect(read.Resource).toHaveLength(3);
    });

    it("refuses an app username that is the master user or the backup role", () => {
        expect(() => normalizeAwsDatabaseArgs("db", { network, username: "backup" })).toThrow(/username is "backup"; expected a name other than .*"backup" \(the backup job's role\)/);
        expect(() => normalizeAwsDatabaseArgs("db", { network, username: rdsMasterUsername })).toThrow(/RDS master user/);
    });

    it("exposes the endpoint, identifier and address, and refuses readerAddress without a replica", async () => {
        const { graph, db } = await build();
        const id = physicalName("db", 63);
        expect((await resolve(db.instanceId)).value).toBe(id);
        expect((await resolve(db.address)).value).toMatch(new RegExp(`^${id}\\.`));
        expect((await resolve(db.endpoint)).value).toMatch(/:5432$/);
        expect((await resolve(db.port)).value).toBe(5432);
        expect((await resolve(db.databaseName)).value).toBe("app");
        expect((await resolve(db.username)).value).toBe("app");
        expect((await resolve(db.securityGroupId)).secret).toBe(false);
        expect(db.hasReadReplica).toBe(false);
        expect(() => db.readerAddress).toThrow(/Database db: readReplica is false; expected true to use readerAddress/);
        expect(() => db.replicaInstanceId).toThrow(/Database db: readReplica is false; expected true to use replicaInstanceId/);
        expect(graph.one(T.component).outputs).not.toHaveProperty("readerAddress");
    });

    it("protects only the stateful resources (instance and key)", async () => {
        const { graph } = await build();
        const protectedTypes = graph.resources.filter((r) => r.protect).map((r) => r.type).sort();
        expect(protectedTypes).toEqual([T.key, T.instance].sort());
    });

    it("parents and prefixes every child", async () => {
        const { graph } = await build({ readReplica: true }, "orders");
        expect(graph.one(T.component).name).toBe("orders");
        const children = expectParentedAndPrefixed(graph, T.component, "orders");
        expect(children.length).toBeGreaterThanOrEqual(12);
    });
});

describe("AwsDatabase opt-outs and options", () => {
    it("turns off Multi-AZ, deletion protection, Performance Insights and protect when asked", async () => {
        const { graph, primary } = await build({ multiAz: false, deletionProtection: false, performanceInsights: false, protect: false });
        expect(primary.inputs.multiAz).toBe(false);
        expect(primary.inputs.deletionProtection).toBe(false);
        expect(primary.inputs.performanceInsightsEnabled).toBe(false);
        expect(primary.inputs.performanceInsightsKmsKeyId).toBeUndefined();
        expect(primary.inputs.performanceInsightsRetentionPeriod).toBeUndefined();
        // The final snapshot stays even on a cheap stack.
        expect(primary.inputs.skipFinalSnapshot).toBe(false);
        expect(graph.resources.filter((r) => r.protect)).toEqual([]);
    });

    it("passes sizes, versions and the slow-query threshold through", async () => {
        const { graph, primary } = await build({
            engineVersion: "17",
            instanceClass: "db.m7g.large",
            storageGb: 100,
            maxStorageGb: 1000,
            backupRetentionDays: 7,
            slowQueryMs: 250,
            databaseName: "shop",
            username: "shop_owner",
        });
        expect(primary.inputs).toMatchObject({
            engineVersion: "17",
            instanceClass: "db.m7g.large",
            allocatedStorage: 100,
            maxAllocatedStorage: 1000,
            backupRetentionPeriod: 7,
            dbName: "shop",
            username: rdsMasterUsername,
        });
        const run = JSON.parse(String(graph.one("aws:lambda/invocation:Invocation").inputs.input)) as { roles: { name: string }[]; database: string };
        expect(run).toMatchObject({ database: "shop", roles: [{ name: "shop_owner" }, { name: "backup" }] });
        const params = graph.one(T.params).inputs;
        expect(params.family).toBe("postgres17");
        expect(params.parameters).toContainEqual(expect.objectContaining({ name: "log_min_duration_statement", value: "250" }));
    });

    it("adds an encrypted, protected read replica of the primary when asked", async () => {
        const { graph, db, primary } = await build({ readReplica: true });
        const instances = graph.ofType(T.instance);
        expect(instances).toHaveLength(2);
        const replica = instances.find((r) => r !== primary) as RecordedResource;
        const keyArn = (await resolve(db.kmsKeyArn)).value;
        const replicaId = physicalName("db-replica", 63);
        expect(replica.inputs).toMatchObject({
            identifier: replicaId,
            replicateSourceDb: physicalName("db", 63),
            storageEncrypted: true,
            kmsKeyId: keyArn,
            performanceInsightsEnabled: true,
            performanceInsightsKmsKeyId: keyArn,
            performanceInsightsRetentionPeriod: 7,
            publiclyAccessible: false,
            deletionProtection: true,
            caCertIdentifier: "rds-ca-rsa2048-g1",
            skipFinalSnapshot: true,
            monitoringInterval: 60,
        });
        // A replica inherits credentials and database from its source.
        expect(replica.inputs.password).toBeUndefined();
        expect(replica.inputs.username).toBeUndefined();
        expect(replica.inputs.finalSnapshotIdentifier).toBeUndefined();
        expect(replica.protect).toBe(true);
        expect(graph.dependsOn(replica, primary)).toBe(true);
        expect(graph.ofType(T.logGroup).map((g) => g.inputs.name)).toContain(`/aws/rds/instance/${replicaId}/postgresql`);
        expect(db.hasReadReplica).toBe(true);
        expect((await resolve(db.readerAddress)).value).toMatch(new RegExp(`^${replicaId}\\.`));
        expect((await resolve(db.replicaInstanceId)).value).toBe(replicaId);
        expect(graph.one(T.component).outputs?.readerAddress).toMatch(new RegExp(`^${replicaId}\\.`));
        const policy = JSON.parse(graph.one(T.key).inputs.policy as string);
        // Both instances' log groups and the bootstrap function's.
        expect(policy.Statement[1].Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).toHaveLength(3);
    });

    it("fails before registering anything when the args are invalid", async () => {
        const { graph, result } = await recordResources(() => {
            try {
                new AwsDatabase("db", { network, storageGb: 100, maxStorageGb: 50 });
                return undefined;
            } catch (e) {
                return e as Error;
            }
        });
        expect(result?.message).toMatch(/maxStorageGb/);
        expect(graph.resources).toEqual([]);
    });
});
