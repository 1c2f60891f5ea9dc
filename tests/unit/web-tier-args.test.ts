import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeAwsWebTierArgs, type AwsWebTierArgs } from "../../components/web-tier/aws";
import { fargateCpuSizes, fargateMemoryOptions, fargateSizeProblem } from "../../components/web-tier/fargate-sizes";
import { normalizeWebTierArgs } from "../../components/web-tier/index";

const network = { vpcId: "vpc-1", vpcCidr: "10.0.0.0/16", publicSubnetIds: ["subnet-a"], privateSubnetIds: ["subnet-b"] };
const minimal = { domain: "app.example.com", image: "ghcr.io/acme/web:1.0.0" };
const aws = (extra: Partial<AwsWebTierArgs> = {}) => normalizeAwsWebTierArgs({ ...minimal, network, hostedZoneId: "Z0123456789ABC", ...extra });

describe("normalizeWebTierArgs", () => {
    it("applies the safe production defaults", () => {
        expect(normalizeWebTierArgs(minimal)).toEqual({
            domain: "app.example.com",
            image: "ghcr.io/acme/web:1.0.0",
            port: 8080,
            healthPath: "/health",
            replicas: 2,
            maxReplicas: 10,
            cpu: 512,
            memoryMiB: 1024,
            env: {},
            secrets: {},
            rateLimitPerMinute: 100,
            logRetentionDays: 90,
            deletionProtection: true,
            protect: true,
        });
    });

    it("lowercases the domain and raises the maxReplicas default to replicas", () => {
        const n = normalizeWebTierArgs({ ...minimal, domain: " App.Example.COM ", replicas: 12 });
        expect(n.domain).toBe("app.example.com");
        expect(n.maxReplicas).toBe(12);
    });

    it("rejects bad values with a sentence naming the key and the value", () => {
        const bad: Array<[Partial<Parameters<typeof normalizeWebTierArgs>[0]>, RegExp]> = [
            [{ domain: "not a host" }, /domain "not a host"/],
            [{ domain: "localhost" }, /domain "localhost"/],
            [{ image: "" }, /image is empty/],
            [{ port: 0 }, /port is 0/],
            [{ port: 70000 }, /port is 70000/],
            [{ healthPath: "health" }, /healthPath "health"/],
            [{ healthPath: "/x'; rm -rf /" }, /healthPath/],
            [{ replicas: 0 }, /replicas is 0/],
            [{ replicas: 2.5 }, /replicas is 2.5/],
            [{ replicas: 4, maxReplicas: 3 }, /maxReplicas is 3.*replicas \(4\)/],
            [{ cpu: -1 }, /cpu is -1/],
            [{ memoryMiB: 0 }, /memoryMiB is 0/],
            [{ env: { "BAD-NAME": "x" } }, /env name "BAD-NAME"/],
            [{ secrets: { "1ST": "x" } }, /secrets name "1ST"/],
            [{ env: { PORT: "80" } }, /env sets PORT/],
            [{ env: { TOKEN: "a" }, secrets: { TOKEN: "b" } }, /TOKEN is in both env and secrets/],
            [{ rateLimitPerMinute: 0 }, /rateLimitPerMinute is 0/],
            [{ logRetentionDays: 0 }, /logRetentionDays is 0/],
        ];
        for (const [extra, message] of bad) {
            expect(() => normalizeWebTierArgs({ ...minimal, ...extra }), JSON.stringify(extra)).toThrow(message);
        }
    });

    it("accepts any valid env and secret names and keeps them apart", () => {
        fc.assert(
            fc.property(fc.uniqueArray(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,15}$/).filter((n) => n !== "PORT"), { minLength: 2, maxLength: 8 }), (names) => {
                const half = Math.floor(names.length / 2);
                const env = Object.fromEntries(names.slice(0, half).map((n) => [n, "v"]));
                const secrets = Object.fromEntries(names.slice(half).map((n) => [n, "s"]));
                const n = normalizeWebTierArgs({ ...minimal, env, secrets });
                expect(Object.keys(n.env).some((k) => k in n.secrets)).toBe(false);
            }),
        );
    });
});

describe("normalizeAwsWebTierArgs", () => {
    it("applies the AWS defaults", () => {
        expect(aws()).toMatchObject({
            network,
            dataStores: [],
            accessLogsRetentionDays: 90,
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            cpuArchitecture: "X86_64",
            containerHealthCheck: true,
            requestsPerTarget: 1000,
            taskPolicyStatements: [],
            healthCheckGracePeriodSeconds: 60,
            idleTimeoutSeconds: 60,
            ipAddressType: "ipv4",
            rateLimitPerMinute: 1000,
            wafRateWindowSeconds: 300,
            wafCountedRules: ["SizeRestrictions_BODY"],
            wafLogRetentionDays: 90,
        });
        expect(aws().hostedZoneId).toBe("Z0123456789ABC");
        expect(aws().certificateArn).toBeUndefined();
    });

    it("needs a hosted zone or an issued certificate, so the HTTPS listener never waits on a pending one", () => {
        expect(() => aws({ hostedZoneId: undefined })).toThrow(/neither hostedZoneId nor certificateArn.*set hostedZoneId .* or certificateArn/);
        expect(aws({ hostedZoneId: undefined, certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x" }).certificateArn).toMatch(/^arn:aws:acm:/);
    });

    it("needs at least two replicas and names the value given", () => {
        expect(() => aws({ replicas: 1 })).toThrow(/WebTier replicas is 1, .*set replicas to 2 or more/);
        expect(aws({ replicas: 2 }).replicas).toBe(2);
    });

    it("rejects what AWS would refuse at deploy time", () => {
        const bad: Array<[Partial<AwsWebTierArgs>, RegExp]> = [
            [{ port: 80 }, /port is 80.*non-root/],
            [{ rateLimitPerMinute: 9, wafRateWindowSeconds: 60 }, /rateLimitPerMinute is 9 \(9 per 60 s window\).*from 10/],
            [{ wafRateWindowSeconds: 30 as 60 }, /wafRateWindowSeconds is 30.*60, 120, 300, 600/],
            [{ wafCountedRules: ["SizeRestrictions_BODY", "SizeRestrictions_BODY"] }, /wafCountedRules: "SizeRestrictions_BODY" is listed twice/],
            [{ wafLogRetentionDays: 0 }, /wafLogRetentionDays is 0.*CloudWatch/],
            [{ rateLimitPerMinute: 3_000_000_000 }, /rateLimitPerMinute is 3000000000/],
            [{ logRetentionDays: 100 }, /logRetentionDays is 100.*CloudWatch/],
            [{ cpu: 300 }, /cpu 300 is not a Fargate size/],
            [{ cpu: 256, memoryMiB: 4096 }, /memoryMiB 4096 does not fit cpu 256.*512, 1024, 2048/],
            [{ accessLogsRetentionDays: 0 }, /accessLogsRetentionDays is 0/],
            [{ sslPolicy: "ELBSecurityPolicy-2016-08" }, /sslPolicy "ELBSecurityPolicy-2016-08" is not a TLS 1.2\+/],
            [{ sslPolicy: "ELBSecurityPolicy-TLS13-1-0-2021-06" }, /sslPolicy/],
            [{ cpuArchitecture: "MIPS" as never }, /cpuArchitecture is "MIPS"/],
            [{ requestsPerTarget: 0 }, /requestsPerTarget is 0/],
            [{ healthCheckGracePeriodSeconds: -5 }, /healthCheckGracePeriodSeconds is -5/],
            [{ idleTimeoutSeconds: 5000 }, /idleTimeoutSeconds is 5000/],
            [{ ipAddressType: "ipv6" as never }, /ipAddressType is "ipv6"/],
            [{ dataStores: [{ name: "Postgres DB", securityGroupId: "sg-1", port: 5432 }] }, /dataStores name "Postgres DB"/],
            [
                {
                    dataStores: [
                        { name: "db", securityGroupId: "sg-1", port: 5432 },
                        { name: "db", securityGroupId: "sg-2", port: 5433 },
                    ],
                },
                /lists "db" twice/,
            ],
            [{ dataStores: [{ name: "db", securityGroupId: "sg-1", port: 0 }] }, /"db" port is 0/],
        ];
        for (const [extra, message] of bad) expect(() => aws(extra), JSON.stringify(extra)).toThrow(message);
        expect(() => normalizeAwsWebTierArgs({ ...minimal } as AwsWebTierArgs)).toThrow(/network is missing/);
    });

    it("accepts the TLS 1.2+ policy families", () => {
        for (const p of [
            "ELBSecurityPolicy-TLS13-1-3-2021-06",
            "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
            "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
            "ELBSecurityPolicy-FS-1-2-Res-2020-10",
        ]) {
            expect(aws({ sslPolicy: p }).sslPolicy).toBe(p);
        }
    });
});

describe("Fargate sizes", () => {
    it("lists the documented memory options", () => {
        expect(fargateMemoryOptions(256)).toEqual([512, 1024, 2048]);
        expect(fargateMemoryOptions(512)).toEqual([1024, 2048, 3072, 4096]);
        expect(fargateMemoryOptions(4096)).toHaveLength(23);
        expect(fargateMemoryOptions(16384).at(-1)).toBe(122880);
        expect(fargateMemoryOptions(100)).toEqual([]);
    });

    it("accepts exactly the listed combinations", () => {
        fc.assert(
            fc.property(fc.constantFrom(...fargateCpuSizes), fc.integer({ min: 128, max: 131072 }), (cpu, memory) => {
                expect(fargateSizeProblem(cpu, memory) === undefined).toBe(fargateMemoryOptions(cpu).includes(memory));
            }),
        );
        for (const cpu of fargateCpuSizes) for (const m of fargateMemoryOptions(cpu)) expect(fargateSizeProblem(cpu, m)).toBeUndefined();
    });
});
