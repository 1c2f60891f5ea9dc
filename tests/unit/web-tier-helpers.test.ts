import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AccountContext, logGroupArn } from "../../components/shared/iam";
import { buildContainerDefinition, healthCheckCommand, type ContainerDefinitionInput } from "../../components/web-tier/container-definition";
import { accessLogsBucketPolicy, ecsTasksTrustPolicy, elbLogDeliveryService, executionSecretsPolicy, webTierKeyPolicy } from "../../components/web-tier/policies";
import { managedRuleGroups, visibility, wafLoggingFilter, wafRateLimitProblem, wafRedactedFields, webAclRules } from "../../components/web-tier/waf-rules";

const ctx: AccountContext = { accountId: "111122223333", partition: "aws", region: "eu-west-1", dnsSuffix: "amazonaws.com" };
const cn: AccountContext = { accountId: "444455556666", partition: "aws-cn", region: "cn-north-1", dnsSuffix: "amazonaws.com.cn" };

describe("policy documents", () => {
    it("key policy: the account administers, CloudWatch Logs only for this log group", () => {
        const doc = JSON.parse(webTierKeyPolicy(ctx, "/ecs/web-abc123"));
        expect(doc.Version).toBe("2012-10-17");
        const [account, logs] = doc.Statement;
        expect(account).toMatchObject({ Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*" });
        expect(logs.Principal).toEqual({ Service: "logs.eu-west-1.amazonaws.com" });
        expect(logs.Condition).toEqual({
            ArnEquals: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/web-abc123" },
        });
        expect(JSON.parse(webTierKeyPolicy(cn, "/g")).Statement[1].Principal.Service).toBe("logs.cn-north-1.amazonaws.com.cn");
    });

    it("trust policy: ECS tasks of this account and region only", () => {
        const doc = JSON.parse(ecsTasksTrustPolicy(ctx));
        expect(doc.Statement).toEqual([
            {
                Effect: "Allow",
                Principal: { Service: "ecs-tasks.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": "111122223333" },
                    ArnLike: { "aws:SourceArn": "arn:aws:ecs:eu-west-1:111122223333:*" },
                },
            },
        ]);
    });

    it("execution secrets policy: the given secrets and key only, decrypt only via Secrets Manager", () => {
        const arns = ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:b-1", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:a-2"];
        const doc = JSON.parse(executionSecretsPolicy(ctx, arns, "arn:aws:kms:eu-west-1:111122223333:key/k"));
        expect(doc.Statement[0]).toMatchObject({ Action: "secretsmanager:GetSecretValue", Resource: [...arns].sort() });
        expect(doc.Statement[1]).toMatchObject({
            Action: "kms:Decrypt",
            Resource: "arn:aws:kms:eu-west-1:111122223333:key/k",
            Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
        });
        expect(() => executionSecretsPolicy(ctx, [], "k")).toThrow(/at least one secret/);
    });

    it("bucket policy: TLS only, the region's ELB writer writes only under prefix/AWSLogs/<account>", () => {
        const doc = JSON.parse(accessLogsBucketPolicy(ctx, { bucketArn: "arn:aws:s3:::logs", prefix: "alb" }));
        const [deny, writer, ...rest] = doc.Statement;
        expect(rest).toEqual([]);
        expect(deny).toMatchObject({ Effect: "Deny", Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
        expect(deny.Resource).toEqual(["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]);
        expect(writer).toMatchObject({ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::logs/alb/AWSLogs/111122223333/*" });
        expect(writer.Principal).toEqual({ AWS: "arn:aws:iam::156460612806:root" });
        const zurich = JSON.parse(accessLogsBucketPolicy({ ...ctx, region: "eu-central-2" }, { bucketArn: "arn:aws:s3:::logs", prefix: "alb" }));
        expect(zurich.Statement[1].Principal).toEqual({ Service: elbLogDeliveryService });
    });

    it("key policy: CloudWatch Logs may use the key for the app's group and, when given, the WAF's", () => {
        const statements = (doc: string) => (JSON.parse(doc).Statement as { Sid: string; Condition?: { ArnEquals?: Record<string, string> } }[]);
        expect(statements(webTierKeyPolicy(ctx, "/ecs/x")).map((s) => s.Sid)).toEqual(["AccountAdministersAndDelegatesToIam", "CloudWatchLogsEncryptsThisTiersLogGroup"]);
        const both = statements(webTierKeyPolicy(ctx, "/ecs/x", "aws-waf-logs-x"));
        expect(both.map((s) => s.Condition?.ArnEquals?.["kms:EncryptionContext:aws:logs:arn"]).filter(Boolean)).toEqual([
            "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/x",
            "arn:aws:logs:eu-west-1:111122223333:log-group:aws-waf-logs-x",
        ]);
    });

    it("log group ARNs follow the partition", () => {
        expect(logGroupArn(cn, "/x")).toBe("arn:aws-cn:logs:cn-north-1:444455556666:log-group:/x");
    });
});

const containerInput = (extra: Partial<ContainerDefinitionInput> = {}): ContainerDefinitionInput => ({
    image: "ghcr.io/acme/web@sha256:abc",
    port: 8080,
    healthPath: "/health",
    env: { B: "2", A: "1" },
    secretRefs: { TOKEN: "arn:aws:secretsmanager:eu-west-1:1:secret:t-1:::v1" },
    logGroupName: "/ecs/web",
    region: "eu-west-1",
    healthCheck: true,
    ...extra,
});

describe("container definition", () => {
    it("is hardened and keeps secrets out of the environment", () => {
        const def = buildContainerDefinition(containerInput());
        expect(def).toMatchObject({ user: "10001", readonlyRootFilesystem: true, essential: true });
        expect(def.environment).toEqual([
            { name: "A", value: "1" },
            { name: "B", value: "2" },
            { name: "PORT", value: "8080" },
        ]);
        expect(def.secrets).toEqual([{ name: "TOKEN", valueFrom: "arn:aws:secretsmanager:eu-west-1:1:secret:t-1:::v1" }]);
        expect(def.mountPoints).toEqual([{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }]);
        expect(def.linuxParameters).toEqual({ initProcessEnabled: true, capabilities: { drop: ["ALL"] } });
    });

    it("refuses a name that is both plain and secret", () => {
        expect(() => buildContainerDefinition(containerInput({ env: { TOKEN: "x" } }))).toThrow(/TOKEN is both/);
    });

    it("omits the health check when asked", () => {
        expect(buildContainerDefinition(containerInput({ healthCheck: false })).healthCheck).toBeUndefined();
        expect(buildContainerDefinition(containerInput()).healthCheck).toMatchObject({ retries: 3, startPeriod: 60 });
    });

    it("quotes the health URL so any allowed path stays one shell word", () => {
        expect(healthCheckCommand(8080, "/health?deep=1&x=2")).toEqual([
            "CMD-SHELL",
            "curl -fsS -o /dev/null 'http://127.0.0.1:8080/health?deep=1&x=2' || wget -q -O /dev/null 'http://127.0.0.1:8080/health?deep=1&x=2' || exit 1",
        ]);
        expect(() => healthCheckCommand(8080, "/x' ; reboot '")).toThrow(/quotes or spaces/);
        fc.assert(
            fc.property(fc.stringMatching(/^\/[A-Za-z0-9._~/%?=&+-]{0,40}$/), (path) => {
                const cmd = healthCheckCommand(3000, path)[1];
                expect(cmd.split("'").length).toBe(5); // two quoted URLs, nothing else quoted
            }),
        );
    });
});

describe("WAF rules", () => {
    const base = { rateLimitPerMinute: 100, rateWindowSeconds: 60 as const, countedCommonRules: [] as string[], metricPrefix: "web-abc" };

    it("puts the per-IP rate limit first, then the managed groups without overriding their actions", () => {
        const rules = webAclRules(base);
        expect(rules.map((r) => [r.name, r.priority])).toEqual([
            ["rate-limit-per-ip", 0],
            [managedRuleGroups[0], 1],
            [managedRuleGroups[1], 2],
        ]);
        expect(rules[0]).toMatchObject({
            action: { block: {} },
            statement: { rateBasedStatement: { limit: 100, aggregateKeyType: "IP", evaluationWindowSec: 60 } },
        });
        for (const r of rules.slice(1)) {
            expect(r.overrideAction).toEqual({ none: {} });
            expect(r.action).toBeUndefined();
        }
        expect(new Set(rules.map((r) => r.visibilityConfig.metricName)).size).toBe(3);
    });

    it("scales the per-minute rate to the window, and counts the named core-rule-set rules only", () => {
        const rules = webAclRules({ ...base, rateLimitPerMinute: 1000, rateWindowSeconds: 300, countedCommonRules: ["SizeRestrictions_BODY"] });
        expect(rules[0].statement).toEqual({ rateBasedStatement: { limit: 5000, aggregateKeyType: "IP", evaluationWindowSec: 300 } });
        expect(rules[1].statement).toMatchObject({ managedRuleGroupStatement: { ruleActionOverrides: [{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }] } });
        expect((rules[2].statement.managedRuleGroupStatement as Record<string, unknown>).ruleActionOverrides).toBeUndefined();
    });

    it("enforces WAF's limit bounds, windows and rule names", () => {
        expect(wafRateLimitProblem(10)).toBeUndefined();
        expect(wafRateLimitProblem(9)).toMatch(/from 10/);
        expect(wafRateLimitProblem(10.5)).toBeDefined();
        expect(() => webAclRules({ ...base, rateLimitPerMinute: 5 })).toThrow(/rateLimitPerMinute is 5/);
        expect(() => webAclRules({ ...base, rateWindowSeconds: 30 as 60 })).toThrow(/rateWindowSeconds is 30/);
        expect(() => webAclRules({ ...base, countedCommonRules: ["a", "a"] })).toThrow(/"a" is listed twice/);
    });

    it("logs only what a rule blocked, challenged or counted, and never credentials or cookies", () => {
        const filter = wafLoggingFilter();
        expect(filter.defaultBehavior).toBe("DROP");
        expect(filter.filters).toHaveLength(1);
        expect(filter.filters[0]).toMatchObject({ behavior: "KEEP", requirement: "MEETS_ANY" });
        expect(filter.filters[0].conditions.map((c) => c.actionCondition.action).sort()).toEqual(["BLOCK", "CAPTCHA", "CHALLENGE", "COUNT", "EXCLUDED_AS_COUNT"]);
        expect(wafRedactedFields()).toEqual([{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }]);
    });

    it("keeps metric names within WAF's character set and length", () => {
        fc.assert(
            fc.property(fc.string({ maxLength: 300 }), (s) => {
                const v = visibility(s);
                expect(v.metricName).toMatch(/^[A-Za-z0-9_-]{0,128}$/);
                expect(v.cloudwatchMetricsEnabled && v.sampledRequestsEnabled).toBe(true);
            }),
        );
    });
});
