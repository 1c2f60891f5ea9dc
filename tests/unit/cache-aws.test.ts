import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AwsCache, type AwsCacheArgs, elasticacheSettings, normalizeAwsCacheArgs } from "../../components/cache/aws";
import { cacheParameterFamily, cacheUrl, memberClusterIds } from "../../components/cache/engine";
import { normalizeCacheArgs } from "../../components/cache/index";
import { physicalName } from "../../components/shared/naming";
import { isSecretValue, reveal } from "../../offline/secret-value";
import { expectParentedAndPrefixed } from "../helpers/children";
import { checkArgError, expectArgError } from "../helpers/arg-error";
import { recordResources, resolve } from "../helpers/record";

const T = {
    component: "slipway:components:Cache",
    group: "aws:elasticache/replicationGroup:ReplicationGroup",
    key: "aws:kms/key:Key",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    subnets: "aws:elasticache/subnetGroup:SubnetGroup",
    params: "aws:elasticache/parameterGroup:ParameterGroup",
    token: "random:index/randomPassword:RandomPassword",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
};

const network = { vpcId: "vpc-123", isolatedSubnetIds: ["subnet-a", "subnet-b"] };

async function build(extra: Partial<AwsCacheArgs> = {}, name = "cache") {
    const { graph, result } = await recordResources(() => new AwsCache(name, { network, ...extra }));
    return { graph, cache: result, group: graph.one(T.group) };
}

/** Every place a value occurs in plain text (not inside a SecretValue), as paths. */
function plainOccurrences(v: unknown, needle: string, path = ""): string[] {
    if (isSecretValue(v)) return [];
    if (typeof v === "string") return v.includes(needle) ? [path] : [];
    if (Array.isArray(v)) return v.flatMap((x, i) => plainOccurrences(x, needle, `${path}[${i}]`));
    if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => plainOccurrences(x, needle, `${path}.${k}`));
    return [];
}

describe("normalizeCacheArgs", () => {
    it("applies the safe production defaults", () => {
        expect(normalizeCacheArgs("cache")).toEqual({
            engine: "valkey",
            engineVersion: "8.0",
            replicas: 1,
            multiAz: true,
            snapshotRetentionDays: 7,
            maxmemoryPolicy: "allkeys-lru",
            protect: true,
        });
        expect(normalizeCacheArgs("cache", { engine: "redis" }).engineVersion).toBe("7.1");
        expect(normalizeAwsCacheArgs("cache", { network }).nodeType).toBe("cache.t4g.small");
    });

    it("refuses Multi-AZ without a replica to fail over to, and says how to fix it", () => {
        expectArgError(() => normalizeCacheArgs("sessions", { replicas: 0 }), {
            key: "replicas",
            value: 0,
            allowed: /at least 1 while multiAz is true.*set multiAz: false/,
            component: "Cache",
            resourceName: "sessions",
        });
        expect(normalizeCacheArgs("cache", { replicas: 0, multiAz: false }).replicas).toBe(0);
    });

    it("rejects out-of-range replicas, retention, versions and policies", () => {
        expectArgError(() => normalizeCacheArgs("cache", { replicas: 6 }), { key: "replicas", value: 6, allowed: /from 0 to 5/ });
        expectArgError(() => normalizeCacheArgs("cache", { replicas: 1.5 }), { key: "replicas", value: 1.5, allowed: /a whole number/ });
        expectArgError(() => normalizeCacheArgs("cache", { snapshotRetentionDays: 36 }), { key: "snapshotRetentionDays", value: 36, allowed: /from 0 \(no snapshots\) to 35/ });
        expectArgError(() => normalizeCacheArgs("cache", { snapshotRetentionDays: -1 }), { key: "snapshotRetentionDays", value: -1, allowed: /from 0 \(no snapshots\) to 35/ });
        expect(normalizeCacheArgs("cache", { snapshotRetentionDays: 0 }).snapshotRetentionDays).toBe(0);
        expectArgError(() => normalizeCacheArgs("cache", { engine: "redis", engineVersion: "8.0" }), { key: "engineVersion", value: "8.0", allowed: /version of redis with major 7/ });
        expectArgError(() => normalizeCacheArgs("cache", { engineVersion: "8" }), { key: "engineVersion", value: "8", allowed: /a major\.minor version of valkey/ });
        expectArgError(() => normalizeCacheArgs("cache", { engine: "memcached" as never }), { key: "engine", value: "memcached", allowed: `"valkey" or "redis"` });
        expectArgError(() => normalizeCacheArgs("cache", { maxmemoryPolicy: "lru" as never }), { key: "maxmemoryPolicy", value: "lru", allowed: /one of .*allkeys-lru/ });
        expectArgError(() => normalizeAwsCacheArgs("cache", { network, nodeType: "t4g.small" }), { key: "nodeType", value: "t4g.small", allowed: /an ElastiCache node type such as "cache\.t4g\.small"/ });
    });
});

describe("cache helpers", () => {
    it("derives the parameter family from engine and major version", () => {
        expect(cacheParameterFamily("valkey", "8.0")).toBe("valkey8");
        expect(cacheParameterFamily("valkey", "7.2")).toBe("valkey7");
        expect(cacheParameterFamily("redis", "7.1")).toBe("redis7");
        expectArgError(() => cacheParameterFamily("redis", "6.2"), { key: "engineVersion", value: "6.2", allowed: /redis with major 7/ });
    });

    it("names member clusters <group>-001… as ElastiCache does", () => {
        expect(memberClusterIds("cache-abc123", 3)).toEqual(["cache-abc123-001", "cache-abc123-002", "cache-abc123-003"]);
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 6 }), (n) => {
                const ids = memberClusterIds("g", n);
                expect(ids).toHaveLength(n);
                expect(new Set(ids).size).toBe(n);
                expect(ids.every((id) => /^g-\d{3}$/.test(id))).toBe(true);
            }),
        );
    });

    it("builds a TLS URL with the token as password", () => {
        const u = new URL(cacheUrl("master.x.cache.amazonaws.com", 6379, "abcDEF123"));
        expect(u.protocol).toBe("rediss:");
        expect(u.username).toBe("");
        expect(u.password).toBe("abcDEF123");
        expect(u.port).toBe("6379");
    });
});

describe("AwsCache with defaults", () => {
    it("creates a Multi-AZ, encrypted, authenticated replication group", async () => {
        const { graph, cache, group } = await build();
        const keyArn = (await resolve(cache.kmsKeyArn)).value;
        const rgId = physicalName("cache", 40);
        expect(group.inputs).toMatchObject({
            replicationGroupId: rgId,
            engine: "valkey",
            engineVersion: "8.0",
            nodeType: "cache.t4g.small",
            port: 6379,
            clusterMode: "disabled",
            numCacheClusters: 2,
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            atRestEncryptionEnabled: true,
            kmsKeyId: keyArn,
            transitEncryptionEnabled: true,
            transitEncryptionMode: "required",
            authTokenUpdateStrategy: "ROTATE",
            snapshotRetentionLimit: 7,
            snapshotWindow: elasticacheSettings.snapshotWindow,
            maintenanceWindow: elasticacheSettings.maintenanceWindow,
            finalSnapshotIdentifier: `${rgId}-final`,
            autoMinorVersionUpgrade: true,
            applyImmediately: false,
            subnetGroupName: "cache-subnets",
            parameterGroupName: "cache-params",
        });
        expect(keyArn).toMatch(/^arn:aws:kms:/);
        expect(graph.one(T.key).inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
        expect(group.inputs.securityGroupIds).toEqual([(await resolve(cache.securityGroupId)).value]);
        expect(graph.one(T.subnets).inputs.subnetIds).toEqual(["subnet-a", "subnet-b"]);
        expect(graph.one(T.params).inputs).toMatchObject({
            family: "valkey8",
            parameters: [{ name: "maxmemory-policy", value: "allkeys-lru" }],
        });
    });

    it("delivers slow and engine logs to a 30-day, KMS-encrypted log group", async () => {
        const { graph, cache, group } = await build();
        const logGroup = graph.one(T.logGroup);
        const name = `/aws/elasticache/${physicalName("cache", 40)}`;
        expect(logGroup.inputs).toMatchObject({ name, retentionInDays: 30, kmsKeyId: (await resolve(cache.kmsKeyArn)).value });
        const deliveries = group.inputs.logDeliveryConfigurations as Record<string, string>[];
        expect(deliveries.map((d) => d.logType).sort()).toEqual(["engine-log", "slow-log"]);
        for (const d of deliveries) expect(d).toMatchObject({ destination: name, destinationType: "cloudwatch-logs", logFormat: "json" });
        expect(graph.dependsOn(group, logGroup)).toBe(true);
        const policy = JSON.parse(graph.one(T.key).inputs.policy as string);
        expect(policy.Statement[1].Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).toEqual([
            `arn:aws:logs:us-east-1:123456789012:log-group:${name}`,
        ]);
    });

    it("keeps the security group closed: no ingress, no egress, no rule resources", async () => {
        const { graph } = await build();
        const sg = graph.one(T.sg);
        expect(sg.inputs.vpcId).toBe("vpc-123");
        expect(sg.inputs.ingress).toBeUndefined();
        expect(sg.inputs.egress).toEqual([]);
        expect(graph.resources.filter((r) => /securityGroup(Ingress|Egress)?Rule/.test(r.type))).toEqual([]);
    });

    it("generates a 64-character alphanumeric token and keeps it secret everywhere", async () => {
        const { graph, cache, group } = await build();
        expect(graph.one(T.token).inputs).toMatchObject({ length: 64, special: false });
        const token = await resolve(cache.authToken);
        expect(token.secret).toBe(true);
        expect(token.value).toMatch(/^offline-/);
        expect(isSecretValue(group.inputs.authToken)).toBe(true);
        expect(reveal(group.inputs.authToken)).toBe(token.value);
        expect(group.additionalSecretOutputs).toContain("authToken");
        for (const r of graph.resources) {
            expect(plainOccurrences(r.inputs, token.value), `${r.name} inputs`).toEqual([]);
            expect(plainOccurrences(r.outputs ?? {}, token.value), `${r.name} outputs`).toEqual([]);
        }
        const url = await resolve(cache.url);
        expect(url.secret).toBe(true);
        expect(url.value).toBe(`rediss://:${token.value}@${(await resolve(cache.primaryEndpoint)).value}:6379`);
        const component = graph.one(T.component);
        expect(isSecretValue(component.outputs?.authToken)).toBe(true);
        expect(isSecretValue(component.outputs?.url)).toBe(true);
    });

    it("exposes endpoints, the group id and the member cluster ids for alarms", async () => {
        const { cache } = await build();
        const rgId = physicalName("cache", 40);
        expect((await resolve(cache.primaryEndpoint)).value).toMatch(new RegExp(`^master\\.${rgId}\\.`));
        expect((await resolve(cache.readerEndpoint)).value).toMatch(new RegExp(`^replica\\.${rgId}\\.`));
        expect((await resolve(cache.port)).value).toBe(6379);
        expect((await resolve(cache.replicationGroupId)).value).toBe(rgId);
        expect((await resolve(cache.memberClusterIds)).value).toEqual([`${rgId}-001`, `${rgId}-002`]);
        expect((await resolve(cache.securityGroupId)).secret).toBe(false);
    });

    it("protects only the stateful resources (replication group and key)", async () => {
        const { graph } = await build();
        expect(graph.resources.filter((r) => r.protect).map((r) => r.type).sort()).toEqual([T.group, T.key].sort());
    });

    it("parents and prefixes every child", async () => {
        const { graph } = await build({}, "sessions");
        const children = expectParentedAndPrefixed(graph, T.component, "sessions");
        expect(children.length).toBeGreaterThanOrEqual(7);
    });
});

describe("AwsCache opt-outs and options", () => {
    it("runs a single node without Multi-AZ or failover when asked", async () => {
        const { group, cache } = await build({ multiAz: false, replicas: 0 });
        expect(group.inputs).toMatchObject({ numCacheClusters: 1, multiAzEnabled: false, automaticFailoverEnabled: false });
        // Encryption and auth are not opt-outs.
        expect(group.inputs).toMatchObject({ atRestEncryptionEnabled: true, transitEncryptionEnabled: true, transitEncryptionMode: "required" });
        expect((await resolve(cache.memberClusterIds)).value).toHaveLength(1);
    });

    it("keeps failover on with replicas even when Multi-AZ is off", async () => {
        const { group } = await build({ multiAz: false });
        expect(group.inputs).toMatchObject({ numCacheClusters: 2, multiAzEnabled: false, automaticFailoverEnabled: true });
    });

    it("scales replicas and passes engine, node type, policy and retention through", async () => {
        const { graph, group, cache } = await build({
            engine: "redis",
            nodeType: "cache.m7g.large",
            replicas: 2,
            maxmemoryPolicy: "volatile-lru",
            snapshotRetentionDays: 0,
        });
        expect(group.inputs).toMatchObject({ engine: "redis", engineVersion: "7.1", nodeType: "cache.m7g.large", numCacheClusters: 3, snapshotRetentionLimit: 0 });
        expect(group.inputs.snapshotWindow).toBeUndefined();
        expect(graph.one(T.params).inputs).toMatchObject({ family: "redis7", parameters: [{ name: "maxmemory-policy", value: "volatile-lru" }] });
        expect((await resolve(cache.memberClusterIds)).value).toHaveLength(3);
    });

    it("leaves nothing protected when protect is off", async () => {
        const { graph } = await build({ protect: false });
        expect(graph.resources.filter((r) => r.protect)).toEqual([]);
    });

    it("fails before registering anything when the args are invalid", async () => {
        const { graph, result } = await recordResources(() => {
            try {
                new AwsCache("cache", { network, replicas: 0 });
                return undefined;
            } catch (e) {
                return e as Error;
            }
        });
        checkArgError(result, { key: "replicas", value: 0, allowed: /at least 1 while multiAz is true/, component: "Cache", resourceName: "cache" });
        expect(graph.resources).toEqual([]);
    });
});
