import { describe, expect, it } from "vitest";
import { AwsWebTier, type AwsWebTierArgs } from "../../components/web-tier/aws";
import type { RecordedResource } from "../../offline/recorder";
import { isSecretValue, reveal } from "../../offline/secret-value";
import { expectParentedAndPrefixed } from "../helpers/children";
import { recordResources, resolve } from "../helpers/record";

const T = {
    component: "slipway:components:WebTier",
    alb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    cert: "aws:acm/certificate:Certificate",
    certValidation: "aws:acm/certificateValidation:CertificateValidation",
    record: "aws:route53/record:Record",
    waf: "aws:wafv2/webAcl:WebAcl",
    wafAssoc: "aws:wafv2/webAclAssociation:WebAclAssociation",
    wafLogging: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
    cluster: "aws:ecs/cluster:Cluster",
    service: "aws:ecs/service:Service",
    taskDef: "aws:ecs/taskDefinition:TaskDefinition",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    scalingTarget: "aws:appautoscaling/target:Target",
    scalingPolicy: "aws:appautoscaling/policy:Policy",
    key: "aws:kms/key:Key",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
};

const secretValues = { DATABASE_URL: "postgres://app:hunter2-db@db.internal:5432/app", SESSION_KEY: "sess-very-secret-7f3a" };

const baseArgs = (): AwsWebTierArgs => ({
    domain: "app.example.com",
    image: `ghcr.io/acme/web@sha256:${"a".repeat(64)}`,
    network: {
        vpcId: "vpc-123",
        vpcCidr: "10.0.0.0/16",
        publicSubnetIds: ["subnet-pub-a", "subnet-pub-b", "subnet-pub-c"],
        privateSubnetIds: ["subnet-priv-a", "subnet-priv-b", "subnet-priv-c"],
    },
    hostedZoneId: "Z0123456789ABC",
    env: { NODE_ENV: "production", LOG_LEVEL: "info" },
    secrets: { ...secretValues },
    dataStores: [
        { name: "postgres", securityGroupId: "sg-database", port: 5432 },
        { name: "redis", securityGroupId: "sg-cache", port: 6379 },
    ],
});

async function build(extra: Partial<AwsWebTierArgs> = {}, name = "web") {
    const { graph, result } = await recordResources(() => new AwsWebTier(name, { ...baseArgs(), ...extra }));
    return { graph, tier: result };
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const inputs = (r: RecordedResource): Obj => r.inputs as Obj;
const json = (r: RecordedResource, key: string): Obj => JSON.parse(inputs(r)[key] as string);
const containerDef = (graph: { one(t: string): RecordedResource }): Obj => {
    const defs = JSON.parse(inputs(graph.one(T.taskDef)).containerDefinitions as string) as Obj[];
    expect(defs).toHaveLength(1);
    return defs[0];
};
const listener = (graph: { ofType(t: string): RecordedResource[] }, port: number): RecordedResource => {
    const found = graph.ofType(T.listener).filter((l) => inputs(l).port === port);
    expect(found).toHaveLength(1);
    return found[0];
};
const worldOpen = (r: RecordedResource): boolean => inputs(r).cidrIpv4 === "0.0.0.0/0" || inputs(r).cidrIpv6 === "::/0";

describe("AwsWebTier structure", () => {
    it("registers under slipway:components:WebTier with every child parented and prefixed", async () => {
        const { graph } = await build();
        expect(graph.one(T.component).name).toBe("web");
        const children = expectParentedAndPrefixed(graph, T.component, "web");
        expect(children.length).toBeGreaterThan(40);
    });

    it("registers the documented outputs", async () => {
        const { graph, tier } = await build();
        const outputs = graph.one(T.component).outputs ?? {};
        for (const k of [
            "url",
            "loadBalancerDnsName",
            "loadBalancerZoneId",
            "loadBalancerArnSuffix",
            "targetGroupArnSuffix",
            "clusterName",
            "serviceName",
            "taskSecurityGroupId",
            "albSecurityGroupId",
            "logGroupName",
            "webAclArn",
            "accessLogsBucket",
            "certificateValidationRecords",
        ]) {
            expect(outputs, k).toHaveProperty(k);
        }
        expect((await resolve(tier.url)).value).toBe("https://app.example.com");
        expect((await resolve(tier.loadBalancerArnSuffix)).value).toMatch(new RegExp(`^app/${inputs(graph.one(T.alb)).name}/`));
        expect((await resolve(tier.targetGroupArnSuffix)).value).toMatch(new RegExp(`^targetgroup/${inputs(graph.one(T.tg)).name}/`));
        expect((await resolve(tier.logGroupName)).value).toBe(inputs(graph.byName("web-logs")).name);
        expect((await resolve(tier.accessLogsBucket)).value).toBe(inputs(graph.one(T.bucket)).bucket);
        expect((await resolve(tier.clusterName)).value).toBe(inputs(graph.one(T.cluster)).name);
        expect((await resolve(tier.serviceName)).value).toBe(inputs(graph.one(T.service)).name);
    });

    it("keeps physical names within their service limits for a long component name", async () => {
        const name = "slipway-production-web-tier-for-a-very-long-app-name";
        const { graph } = await build({}, name);
        expect((inputs(graph.one(T.alb)).name as string).length).toBeLessThanOrEqual(32);
        expect((inputs(graph.one(T.tg)).name as string).length).toBeLessThanOrEqual(32);
        expect((inputs(graph.one(T.bucket)).bucket as string).length).toBeLessThanOrEqual(63);
        expect(inputs(graph.one(T.bucket)).bucket).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
        expect((inputs(graph.one(T.waf)).name as string).length).toBeLessThanOrEqual(128);
    });

    it("fails before registering anything when replicas is below 2, naming the value", async () => {
        expect(() => new AwsWebTier("web", { ...baseArgs(), replicas: 1 })).toThrow(/replicas is 1\b.*at least 2/);
    });
});

describe("AwsWebTier load balancer", () => {
    it("is internet-facing in the public subnets, drops invalid headers, is deletion-protected and logs to its bucket", async () => {
        const { graph } = await build();
        const alb = graph.one(T.alb);
        expect(inputs(alb)).toMatchObject({
            loadBalancerType: "application",
            internal: false,
            subnets: ["subnet-pub-a", "subnet-pub-b", "subnet-pub-c"],
            dropInvalidHeaderFields: true,
            enableDeletionProtection: true,
            idleTimeout: 60,
            accessLogs: { enabled: true, bucket: inputs(graph.one(T.bucket)).bucket, prefix: "alb" },
        });
        expect(graph.dependsOn(alb, graph.one(T.bucketPolicy))).toBe(true);
    });

    it("turns deletion protection off only when asked", async () => {
        const { graph } = await build({ deletionProtection: false });
        expect(inputs(graph.one(T.alb)).enableDeletionProtection).toBe(false);
    });

    it("redirects HTTP to HTTPS and does nothing else on port 80", async () => {
        const { graph } = await build();
        const http = inputs(listener(graph, 80));
        expect(http.protocol).toBe("HTTP");
        expect(http.defaultActions).toEqual([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
        expect(http.certificateArn).toBeUndefined();
    });

    it("serves HTTPS on 443 with the TLS 1.3 policy, forwarding to the target group", async () => {
        const { graph } = await build();
        const https = inputs(listener(graph, 443));
        expect(https.protocol).toBe("HTTPS");
        expect(https.sslPolicy).toBe("ELBSecurityPolicy-TLS13-1-2-2021-06");
        expect(https.defaultActions).toEqual([{ type: "forward", targetGroupArn: expect.stringContaining(":targetgroup/") }]);
        expect(https.routingHttpResponseStrictTransportSecurityHeaderValue).toMatch(/^max-age=\d{8,}/);
        expect(graph.ofType(T.listener)).toHaveLength(2);
    });

    it("health-checks IP targets on healthPath and drains them in 30 s", async () => {
        const { graph } = await build({ healthPath: "/ready", port: 3000 });
        expect(inputs(graph.one(T.tg))).toMatchObject({
            targetType: "ip",
            port: 3000,
            protocol: "HTTP",
            vpcId: "vpc-123",
            deregistrationDelay: 30,
            healthCheck: { enabled: true, path: "/ready", matcher: "200-399", healthyThreshold: 2, unhealthyThreshold: 3, interval: 15, timeout: 5 },
        });
    });
});

describe("AwsWebTier security groups", () => {
    it("opens only ALB 80/443 to the world (IPv4 and IPv6) and lets tasks out on 443 only", async () => {
        const { graph, tier } = await build();
        const albSg = (await resolve(tier.albSecurityGroupId)).value;
        const taskSg = (await resolve(tier.taskSecurityGroupId)).value;
        const openIn = graph.ofType(T.ingress).filter(worldOpen).map((r) => inputs(r));
        expect(openIn.map((r) => `${r.securityGroupId}:${r.fromPort}-${r.toPort}:${r.cidrIpv4 ?? r.cidrIpv6}`).sort()).toEqual(
            [`${albSg}:443-443:0.0.0.0/0`, `${albSg}:443-443:::/0`, `${albSg}:80-80:0.0.0.0/0`, `${albSg}:80-80:::/0`].sort(),
        );
        const openOut = graph.ofType(T.egress).filter(worldOpen).map((r) => inputs(r));
        expect(openOut).toEqual([expect.objectContaining({ securityGroupId: taskSg, fromPort: 443, toPort: 443, ipProtocol: "tcp", cidrIpv4: "0.0.0.0/0" })]);
        for (const r of [...graph.ofType(T.ingress), ...graph.ofType(T.egress)]) expect(inputs(r).ipProtocol, r.name).toBe("tcp");
    });

    it("lets tasks in only from the ALB on the app port, and the ALB out only to the tasks", async () => {
        const { graph, tier } = await build({ port: 9000 });
        const albSg = (await resolve(tier.albSecurityGroupId)).value;
        const taskSg = (await resolve(tier.taskSecurityGroupId)).value;
        const taskIn = graph.ofType(T.ingress).filter((r) => inputs(r).securityGroupId === taskSg);
        expect(taskIn.map(inputs)).toEqual([expect.objectContaining({ referencedSecurityGroupId: albSg, fromPort: 9000, toPort: 9000 })]);
        const albOut = graph.ofType(T.egress).filter((r) => inputs(r).securityGroupId === albSg);
        expect(albOut.map(inputs)).toEqual([expect.objectContaining({ referencedSecurityGroupId: taskSg, fromPort: 9000, toPort: 9000 })]);
        // No inline rules: everything is a separate rule resource.
        for (const sg of graph.ofType(T.sg)) {
            expect(inputs(sg).ingress).toBeUndefined();
            expect(inputs(sg).egress).toBeUndefined();
            expect(inputs(sg).vpcId).toBe("vpc-123");
        }
    });

    it("opens each data store's port to the tasks on the store's group, with the matching task egress", async () => {
        const { graph, tier } = await build();
        const taskSg = (await resolve(tier.taskSecurityGroupId)).value;
        for (const [store, sg, port] of [["postgres", "sg-database", 5432], ["redis", "sg-cache", 6379]] as const) {
            expect(inputs(graph.byName(`web-store-${store}-in-tasks`))).toMatchObject({ securityGroupId: sg, referencedSecurityGroupId: taskSg, fromPort: port, toPort: port });
            expect(inputs(graph.byName(`web-task-out-${store}`))).toMatchObject({ securityGroupId: taskSg, referencedSecurityGroupId: sg, fromPort: port, toPort: port });
        }
        const { graph: bare } = await build({ dataStores: undefined });
        expect(bare.ofType(T.ingress).filter((r) => /store/.test(r.name))).toHaveLength(0);
        expect(bare.ofType(T.egress)).toHaveLength(2);
    });
});

describe("AwsWebTier certificate and DNS", () => {
    it("with a hosted zone: validates through Route 53, the listener waits on the validation, and A points at the ALB", async () => {
        const { graph } = await build();
        const cert = graph.one(T.cert);
        expect(inputs(cert)).toMatchObject({ domainName: "app.example.com", validationMethod: "DNS" });
        const validationRecord = graph.byName("web-certificate-validation-record");
        expect(inputs(validationRecord)).toMatchObject({ zoneId: "Z0123456789ABC", type: "CNAME", records: [expect.stringContaining("acm-validations")] });
        const validation = graph.one(T.certValidation);
        expect(graph.dependsOn(validation, validationRecord)).toBe(true);
        expect(graph.dependsOn(listener(graph, 443), validation)).toBe(true);
        const a = graph.byName("web-dns-a");
        expect(inputs(a)).toMatchObject({ zoneId: "Z0123456789ABC", name: "app.example.com", type: "A", aliases: [{ evaluateTargetHealth: true, zoneId: "Z35SXDOTRQ7X7K" }] });
        expect(graph.dependsOn(a, graph.one(T.alb))).toBe(true);
        expect(graph.ofType(T.record).map((r) => inputs(r).type).sort()).toEqual(["A", "CNAME"]);
    });

    it("adds the AAAA alias when the load balancer is dual-stack", async () => {
        const { graph } = await build({ ipAddressType: "dualstack" });
        expect(inputs(graph.one(T.alb)).ipAddressType).toBe("dualstack");
        expect(inputs(graph.byName("web-dns-aaaa"))).toMatchObject({ type: "AAAA", name: "app.example.com" });
    });

    it("refuses to request a certificate nothing would validate: neither a hosted zone nor an issued certificate", () => {
        // Before: the certificate was requested and the listener took its ARN directly, so the
        // first pulumi up failed on a certificate still pending validation.
        expect(() => new AwsWebTier("web", { ...baseArgs(), hostedZoneId: undefined })).toThrow(/WebTier web: hostedZoneId is missing; expected the Route 53 zone of app\.example\.com .*or certificateArn/);
    });

    it("the listener's certificate ARN comes from the validation, never from the pending certificate", async () => {
        const { graph } = await build();
        const https = listener(graph, 443);
        expect(https.propertyDependencies.certificateArn ?? []).toEqual([graph.one(T.certValidation).urn]);
        expect(graph.dependsOn(graph.one(T.certValidation), graph.byName("web-certificate-validation-record"))).toBe(true);
    });

    it("with certificateArn: uses it and requests nothing", async () => {
        const arn = "arn:aws:acm:us-east-1:123456789012:certificate/existing";
        const { graph, tier } = await build({ certificateArn: arn });
        expect(graph.ofType(T.cert)).toHaveLength(0);
        expect(graph.ofType(T.certValidation)).toHaveLength(0);
        expect(inputs(listener(graph, 443)).certificateArn).toBe(arn);
        expect(graph.ofType(T.record).map((r) => inputs(r).type)).toEqual(["A"]);
        expect((await resolve(tier.certificateValidationRecords)).value).toEqual([]);
    });
});

describe("AwsWebTier WAF", () => {
    it("allows by default, rate-limits per IP over a 5-minute window, then runs the AWS managed groups, and is attached to the ALB", async () => {
        const { graph, tier } = await build({ rateLimitPerMinute: 250 });
        const acl = inputs(graph.one(T.waf));
        expect(acl.scope).toBe("REGIONAL");
        expect(acl.defaultAction).toEqual({ allow: {} });
        expect(acl.visibilityConfig).toMatchObject({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true });
        const rules = acl.rules as Obj[];
        const rate = rules.find((r) => r.statement.rateBasedStatement);
        // 250 a minute sustained over 300 s: 1250 requests in the window.
        expect(rate).toMatchObject({ priority: 0, action: { block: {} }, statement: { rateBasedStatement: { limit: 1250, aggregateKeyType: "IP", evaluationWindowSec: 300 } } });
        const groups = rules.filter((r) => r.statement.managedRuleGroupStatement).map((r) => r.statement.managedRuleGroupStatement.name);
        expect(groups).toEqual(["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"]);
        for (const r of rules) expect(r.visibilityConfig).toMatchObject({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true });
        const assoc = inputs(graph.one(T.wafAssoc));
        expect(assoc.webAclArn).toBe((await resolve(tier.webAclArn)).value);
        expect(assoc.resourceArn).toMatch(/:loadbalancer\/app\//);
    });

    it("does not block offices or carrier-grade NAT by default: 1000 a minute per IP over 5 minutes", async () => {
        // Before: 100 requests per IP per minute, a limit a few colleagues behind one NAT reach.
        const { graph } = await build();
        const rate = (inputs(graph.one(T.waf)).rules as Obj[]).find((r) => r.statement.rateBasedStatement)!;
        expect(rate.statement.rateBasedStatement).toMatchObject({ limit: 5000, evaluationWindowSec: 300 });
        const { graph: oneMinute } = await build({ rateLimitPerMinute: 600, wafRateWindowSeconds: 60 });
        const fast = (inputs(oneMinute.one(T.waf)).rules as Obj[]).find((r) => r.statement.rateBasedStatement)!;
        expect(fast.statement.rateBasedStatement).toMatchObject({ limit: 600, evaluationWindowSec: 60 });
    });

    it("counts SizeRestrictions_BODY instead of blocking every body over 8 KB, and counts what else is asked", async () => {
        const crs = (g: { one(t: string): RecordedResource }) =>
            (inputs(g.one(T.waf)).rules as Obj[]).find((r) => r.name === "AWSManagedRulesCommonRuleSet")!.statement.managedRuleGroupStatement;
        const { graph } = await build();
        expect(crs(graph).ruleActionOverrides).toEqual([{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }]);
        const { graph: more } = await build({ wafCountedRules: ["SizeRestrictions_BODY", "CrossSiteScripting_BODY"] });
        expect(crs(more).ruleActionOverrides.map((o: Obj) => o.name)).toEqual(["SizeRestrictions_BODY", "CrossSiteScripting_BODY"]);
        const known = (inputs(graph.one(T.waf)).rules as Obj[]).find((r) => r.name === "AWSManagedRulesKnownBadInputsRuleSet")!;
        expect(known.statement.managedRuleGroupStatement.ruleActionOverrides).toBeUndefined();
    });

    it("logs blocked and counted requests to a KMS-encrypted aws-waf-logs- group, authorization and cookie redacted", async () => {
        const { graph, tier } = await build({ wafLogRetentionDays: 30 });
        const group = graph.byName("web-waf-logs");
        expect(inputs(group).name).toMatch(/^aws-waf-logs-test-web-[0-9a-f]{6}$/);
        expect(inputs(group)).toMatchObject({ retentionInDays: 30, kmsKeyId: expect.stringMatching(/^arn:aws:kms:/) });
        const logging = inputs(graph.one(T.wafLogging));
        expect(logging.resourceArn).toBe((await resolve(tier.webAclArn)).value);
        expect(logging.logDestinationConfigs).toEqual([`arn:aws:logs:us-east-1:123456789012:log-group:${inputs(group).name}`]);
        expect(logging.redactedFields).toEqual([{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }]);
        expect(logging.loggingFilter.defaultBehavior).toBe("DROP");
        const kept = logging.loggingFilter.filters.flatMap((f: Obj) => f.conditions.map((c: Obj) => c.actionCondition.action));
        expect(kept).toEqual(expect.arrayContaining(["BLOCK", "COUNT", "EXCLUDED_AS_COUNT"]));
        expect(kept).not.toContain("ALLOW");
        // CloudWatch Logs may use the tier's key for exactly this group too.
        const keyPolicy = json(graph.one(T.key), "policy");
        const waf = (keyPolicy.Statement as Obj[]).find((s) => s.Sid === "CloudWatchLogsEncryptsThisTiersWafLogs")!;
        expect(waf.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"]).toBe(`arn:aws:logs:us-east-1:123456789012:log-group:${inputs(group).name}`);
    });

    it("refuses limits and settings WAF would reject, naming the value", () => {
        expect(() => new AwsWebTier("web", { ...baseArgs(), rateLimitPerMinute: 9, wafRateWindowSeconds: 60 })).toThrow(/rateLimitPerMinute is 9\b.*10/);
        expect(() => new AwsWebTier("web", { ...baseArgs(), wafRateWindowSeconds: 90 as 60 })).toThrow(/wafRateWindowSeconds is 90.*60, 120, 300, 600/);
        expect(() => new AwsWebTier("web", { ...baseArgs(), wafCountedRules: ["no spaces"] })).toThrow(/WebTier web: wafCountedRules is \["no spaces"\]; expected WAF rule names.*"no spaces" is not a WAF rule name/);
        expect(() => new AwsWebTier("web", { ...baseArgs(), wafLogRetentionDays: 45 })).toThrow(/wafLogRetentionDays is 45/);
    });
});

describe("AwsWebTier secrets", () => {
    it("stores each secret as a KMS-encrypted Secrets Manager secret whose value is a secret input", async () => {
        const { graph } = await build();
        const key = graph.one(T.key);
        const secrets = graph.ofType(T.secret);
        expect(secrets.map((s) => s.name).sort()).toEqual(["web-secret-DATABASE_URL", "web-secret-SESSION_KEY"]);
        for (const s of secrets) {
            expect(inputs(s).kmsKeyId).toMatch(/^arn:aws:kms:/);
            expect(graph.dependsOn(s, key)).toBe(true);
        }
        for (const [variable, value] of Object.entries(secretValues)) {
            const version = graph.byName(`web-secret-${variable}-value`);
            expect(isSecretValue(inputs(version).secretString)).toBe(true);
            expect(reveal(inputs(version).secretString)).toBe(value);
        }
    });

    it("never puts a secret in the container environment or anywhere else in plain text", async () => {
        const { graph } = await build();
        const def = containerDef(graph);
        const envNames = (def.environment as Obj[]).map((e) => e.name);
        expect(envNames).not.toContain("DATABASE_URL");
        expect(envNames).not.toContain("SESSION_KEY");
        for (const value of Object.values(secretValues)) {
            for (const r of graph.resources) {
                const plain = JSON.stringify(r.inputs); // SecretValue serialises as "[secret]"
                expect(plain.includes(value), `${r.name} holds a secret in plain text`).toBe(false);
            }
        }
        expect(isSecretValue(inputs(graph.one(T.taskDef)).containerDefinitions)).toBe(false);
    });

    it("injects secrets through the task definition's secrets, pinned to the stored version", async () => {
        const { graph } = await build();
        const def = containerDef(graph);
        const secrets = def.secrets as Obj[];
        expect(secrets.map((s) => s.name)).toEqual(["DATABASE_URL", "SESSION_KEY"]);
        for (const s of secrets) {
            expect(s.valueFrom).toMatch(new RegExp(`^arn:aws:secretsmanager:us-east-1:123456789012:secret:web-secret-${s.name}-[0-9a-f]+:::[0-9a-f-]{36}$`));
        }
    });

    it("lets the execution role read exactly this tier's secrets and decrypt with exactly its key", async () => {
        const { graph } = await build();
        const policy = json(graph.byName("web-execution-role-secrets"), "policy");
        const statements = policy.Statement as Obj[];
        expect(statements).toHaveLength(2);
        const read = statements.find((s) => s.Action === "secretsmanager:GetSecretValue")!;
        const secretArns = graph.ofType(T.secret).map((s) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${s.name}-`);
        expect(read.Resource).toHaveLength(2);
        for (const prefix of secretArns) expect((read.Resource as string[]).some((r) => r.startsWith(prefix))).toBe(true);
        const decrypt = statements.find((s) => s.Action === "kms:Decrypt")!;
        expect(decrypt.Resource).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
        expect(decrypt.Condition).toEqual({ StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } });
        for (const s of statements) expect(JSON.stringify(s.Resource)).not.toContain("*");
    });

    it("creates no secret resources or secrets policy when there are no secrets", async () => {
        const { graph } = await build({ secrets: undefined });
        expect(graph.ofType(T.secret)).toHaveLength(0);
        expect(graph.ofType(T.secretVersion)).toHaveLength(0);
        expect(graph.ofType(T.rolePolicy)).toHaveLength(0);
        expect(containerDef(graph).secrets).toEqual([]);
    });
});

describe("AwsWebTier task definition", () => {
    it("runs one hardened container: non-root, read-only root with a writable /tmp, capabilities dropped", async () => {
        const { graph } = await build();
        const td = inputs(graph.one(T.taskDef));
        expect(td).toMatchObject({
            networkMode: "awsvpc",
            requiresCompatibilities: ["FARGATE"],
            cpu: "512",
            memory: "1024",
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
            volumes: [{ name: "tmp" }],
        });
        const def = containerDef(graph);
        expect(def).toMatchObject({
            name: "app",
            image: `ghcr.io/acme/web@sha256:${"a".repeat(64)}`,
            essential: true,
            user: "10001",
            readonlyRootFilesystem: true,
            portMappings: [{ containerPort: 8080, protocol: "tcp" }],
            mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
            linuxParameters: { capabilities: { drop: ["ALL"] }, initProcessEnabled: true },
        });
        expect(def.privileged).toBeUndefined();
        expect(def.environment).toEqual([
            { name: "LOG_LEVEL", value: "info" },
            { name: "NODE_ENV", value: "production" },
            { name: "PORT", value: "8080" },
        ]);
    });

    it("logs through awslogs to the tier's encrypted log group with the configured retention", async () => {
        const { graph } = await build({ logRetentionDays: 30 });
        const group = inputs(graph.byName("web-logs"));
        expect(group.retentionInDays).toBe(30);
        expect(group.kmsKeyId).toMatch(/^arn:aws:kms:/);
        const log = containerDef(graph).logConfiguration as Obj;
        expect(log.logDriver).toBe("awslogs");
        expect(log.options).toMatchObject({ "awslogs-group": group.name, "awslogs-region": "us-east-1" });
        const keyPolicy = json(graph.one(T.key), "policy");
        const logs = (keyPolicy.Statement as Obj[]).find((s) => s.Principal?.Service === "logs.us-east-1.amazonaws.com")!;
        expect(logs.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"]).toBe(`arn:aws:logs:us-east-1:123456789012:log-group:${group.name}`);
    });

    it("health-checks the container on healthPath by default and drops the check when asked", async () => {
        const { graph } = await build({ healthPath: "/healthz" });
        const check = containerDef(graph).healthCheck as Obj;
        expect(check.command[0]).toBe("CMD-SHELL");
        expect(check.command[1]).toContain("'http://127.0.0.1:8080/healthz'");
        const { graph: off } = await build({ containerHealthCheck: false });
        expect(containerDef(off).healthCheck).toBeUndefined();
    });

    it("uses the requested size and architecture", async () => {
        const { graph } = await build({ cpu: 1024, memoryMiB: 4096, cpuArchitecture: "ARM64" });
        expect(inputs(graph.one(T.taskDef))).toMatchObject({ cpu: "1024", memory: "4096", runtimePlatform: { cpuArchitecture: "ARM64" } });
    });
});

describe("AwsWebTier service and autoscaling", () => {
    it("runs replicas Fargate tasks in the private subnets, rolled behind a circuit breaker with rollback", async () => {
        const { graph, tier } = await build({ replicas: 3 });
        const service = graph.one(T.service);
        const s = inputs(service);
        expect(s).toMatchObject({
            launchType: "FARGATE",
            desiredCount: 3,
            networkConfiguration: { subnets: ["subnet-priv-a", "subnet-priv-b", "subnet-priv-c"], securityGroups: [(await resolve(tier.taskSecurityGroupId)).value], assignPublicIp: false },
            deploymentCircuitBreaker: { enable: true, rollback: true },
            deploymentMinimumHealthyPercent: 100,
            deploymentMaximumPercent: 200,
            healthCheckGracePeriodSeconds: 60,
            enableExecuteCommand: false,
            propagateTags: "SERVICE",
            loadBalancers: [{ containerName: "app", containerPort: 8080, targetGroupArn: expect.stringContaining(":targetgroup/") }],
        });
        expect(service.ignoreChanges).toEqual(["desiredCount"]);
        expect(graph.dependsOn(service, listener(graph, 443))).toBe(true);
        expect(graph.dependsOn(service, graph.byName("web-execution-role-secrets"))).toBe(true);
        expect(inputs(graph.one(T.cluster)).settings).toEqual([{ name: "containerInsights", value: "enabled" }]);
    });

    it("scales between replicas and maxReplicas on CPU (60%) and requests per target", async () => {
        const { graph, tier } = await build({ replicas: 3, maxReplicas: 12, requestsPerTarget: 400 });
        const target = inputs(graph.one(T.scalingTarget));
        expect(target).toMatchObject({ minCapacity: 3, maxCapacity: 12, serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount" });
        expect(target.resourceId).toBe(`service/${(await resolve(tier.clusterName)).value}/${(await resolve(tier.serviceName)).value}`);
        const policies = graph.ofType(T.scalingPolicy).map(inputs);
        expect(policies).toHaveLength(2);
        for (const p of policies) expect(p).toMatchObject({ policyType: "TargetTrackingScaling", resourceId: target.resourceId });
        const cpu = policies.find((p) => p.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType === "ECSServiceAverageCPUUtilization")!;
        expect(cpu.targetTrackingScalingPolicyConfiguration.targetValue).toBe(60);
        const req = policies.find((p) => p.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType === "ALBRequestCountPerTarget")!;
        expect(req.targetTrackingScalingPolicyConfiguration.targetValue).toBe(400);
        const lbSuffix = (await resolve(tier.loadBalancerArnSuffix)).value;
        const tgSuffix = (await resolve(tier.targetGroupArnSuffix)).value;
        expect(req.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.resourceLabel).toBe(`${lbSuffix}/${tgSuffix}`);
    });
});

describe("AwsWebTier IAM", () => {
    it("trusts only ECS tasks of this account, gives the execution role the managed ECS policy and the task role nothing", async () => {
        const { graph } = await build();
        for (const role of graph.ofType(T.role)) {
            const trust = json(role, "assumeRolePolicy");
            // The execution role's trust has no source keys: AWS documents them for task roles only.
            if (role.name === "web-execution-role") {
                expect(trust.Statement).toEqual([{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }]);
                continue;
            }
            expect(trust.Statement).toEqual([
                expect.objectContaining({
                    Principal: { Service: "ecs-tasks.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: expect.objectContaining({ StringEquals: { "aws:SourceAccount": "123456789012" } }),
                }),
            ]);
            expect(inputs(role).inlinePolicies).toBeUndefined();
            expect(inputs(role).managedPolicyArns).toBeUndefined();
        }
        expect(graph.ofType(T.attachment).map(inputs)).toEqual([
            { role: "web-execution-role", policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" },
        ]);
        expect(graph.ofType(T.rolePolicy).map((p) => p.name)).toEqual(["web-execution-role-secrets"]);
        const td = inputs(graph.one(T.taskDef));
        expect(td.taskRoleArn).toContain("web-task-role");
        expect(td.executionRoleArn).toContain("web-execution-role");
    });

    it("adds taskPolicyStatements to the task role only", async () => {
        const statement = { Effect: "Allow" as const, Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::uploads/*"] };
        const { graph } = await build({ taskPolicyStatements: [statement] });
        const policy = inputs(graph.byName("web-task-role-policy"));
        expect(policy.role).toBe("web-task-role-id");
        const doc = typeof policy.policy === "string" ? JSON.parse(policy.policy) : policy.policy;
        expect(doc.Statement).toEqual([statement]);
        expect(graph.dependsOn(graph.one(T.service), graph.byName("web-task-role-policy"))).toBe(true);
    });
});

describe("AwsWebTier encryption and access-log bucket", () => {
    it("uses one rotating KMS key and protects the key, the log group and the bucket", async () => {
        const { graph } = await build();
        const key = graph.one(T.key);
        expect(inputs(key).enableKeyRotation).toBe(true);
        for (const r of [key, graph.byName("web-logs"), graph.byName("web-waf-logs"), graph.one(T.bucket)]) expect(r.protect, r.name).toBe(true);
        for (const r of [graph.one(T.alb), graph.one(T.service), graph.one(T.waf)]) expect(r.protect, r.name).toBe(false);
        const { graph: unprotected } = await build({ protect: false });
        expect(unprotected.resources.filter((r) => r.protect)).toHaveLength(0);
    });

    it("keeps access logs private, versioned, SSE-S3 encrypted, TLS-only and expiring after accessLogsRetentionDays", async () => {
        const { graph } = await build({ accessLogsRetentionDays: 30 });
        const name = inputs(graph.one(T.bucket)).bucket as string;
        expect(inputs(graph.one(T.bucket)).forceDestroy).toBe(false);
        expect(inputs(graph.one(T.sse)).rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        expect(inputs(graph.one(T.versioning)).versioningConfiguration).toEqual({ status: "Enabled" });
        expect(inputs(graph.one(T.pab))).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
        expect(inputs(graph.one(T.ownership)).rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
        const rules = inputs(graph.one(T.lifecycle)).rules as Obj[];
        const expire = rules.find((r) => r.id === "expire-access-logs")!;
        expect(expire).toMatchObject({ status: "Enabled", expiration: { days: 30 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } });
        const policy = json(graph.one(T.bucketPolicy), "policy");
        const statements = policy.Statement as Obj[];
        expect(statements.find((s) => s.Effect === "Deny")).toMatchObject({
            Principal: "*",
            Action: "s3:*",
            Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        });
        const logsPath = `arn:aws:s3:::${name}/alb/AWSLogs/123456789012/*`;
        expect(statements.filter((s) => s.Effect === "Allow").map((s) => [s.Principal, s.Action, s.Resource])).toEqual([
            [{ AWS: "arn:aws:iam::127311923021:root" }, "s3:PutObject", logsPath],
        ]);
    });

    it("lets the region's own ELB writer in: its account before August 2022, the log-delivery service after", async () => {
        const policyIn = async (region: string) => {
            const { graph } = await recordResources(() => new AwsWebTier("web", baseArgs()), { region, config: { "aws:region": region } });
            return (json(graph.one(T.bucketPolicy), "policy").Statement as Obj[]).filter((s) => s.Effect === "Allow").map((s) => s.Principal);
        };
        expect(await policyIn("eu-west-1")).toEqual([{ AWS: "arn:aws:iam::156460612806:root" }]);
        // Before: both had no account in the table and the plan died serializing the policy.
        expect(await policyIn("ap-northeast-2")).toEqual([{ AWS: "arn:aws:iam::600734575887:root" }]);
        expect(await policyIn("eu-south-1")).toEqual([{ AWS: "arn:aws:iam::635631232127:root" }]);
        expect(await policyIn("ap-southeast-4")).toEqual([{ Service: "logdelivery.elasticloadbalancing.amazonaws.com" }]);
    });
});
