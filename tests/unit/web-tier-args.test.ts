import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeAwsWebTierArgs, type AwsWebTierArgs } from "../../components/web-tier/aws";
import { fargateCpuSizes, fargateMemoryOptions, fargateSizeProblem } from "../../components/web-tier/fargate-sizes";
import { normalizeWebTierArgs } from "../../components/web-tier/index";
import { type ExpectedArgError, expectArgError } from "../helpers/arg-error";

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
        const envName = /environment variable names of letters, digits and _, not starting with a digit/;
        const bad: Array<[Partial<Parameters<typeof normalizeWebTierArgs>[0]>, ExpectedArgError]> = [
            [{ domain: "not a host" }, { key: "domain", value: "not a host", allowed: /a DNS hostname/ }],
            [{ domain: "localhost" }, { key: "domain", value: "localhost", allowed: /a DNS hostname such as app\.example\.com/ }],
            [{ image: "" }, { key: "image", value: "", allowed: /a container image reference/ }],
            [{ port: 0 }, { key: "port", value: 0, allowed: "an integer from 1 to 65535" }],
            [{ port: 70000 }, { key: "port", value: 70000, allowed: "an integer from 1 to 65535" }],
            [{ healthPath: "health" }, { key: "healthPath", value: "health", allowed: /a path that starts with "\/"/ }],
            [{ healthPath: "/x'; rm -rf /" }, { key: "healthPath", value: "/x'; rm -rf /", allowed: /URL path characters only \(no spaces or quotes\)/ }],
            [{ replicas: 0 }, { key: "replicas", value: 0, allowed: "a whole number of at least 1" }],
            [{ replicas: 2.5 }, { key: "replicas", value: 2.5, allowed: "a whole number of at least 1" }],
            [{ replicas: 4, maxReplicas: 3 }, { key: "maxReplicas", value: 3, allowed: /no smaller than replicas \(4\)/ }],
            [{ cpu: -1 }, { key: "cpu", value: -1, allowed: /a positive whole number of CPU units/ }],
            [{ memoryMiB: 0 }, { key: "memoryMiB", value: 0, allowed: "a positive whole number of MiB" }],
            [{ env: { "BAD-NAME": "x" } }, { key: "env", value: "BAD-NAME", allowed: envName }],
            [{ secrets: { "1ST": "x" } }, { key: "secrets", value: "1ST", allowed: envName }],
            [{ env: { PORT: "80" } }, { key: "env.PORT", value: "80", allowed: /no PORT: it is reserved, set the port with the port argument/ }],
            [{ env: { TOKEN: "a" }, secrets: { TOKEN: "b" } }, { key: "env.TOKEN", value: "a", allowed: /a name not also in secrets: keep TOKEN in secrets only/ }],
            [{ rateLimitPerMinute: 0 }, { key: "rateLimitPerMinute", value: 0, allowed: "a whole number of at least 1" }],
            [{ logRetentionDays: 0 }, { key: "logRetentionDays", value: 0, allowed: "a whole number of days of at least 1" }],
        ];
        for (const [extra, want] of bad) {
            expectArgError(() => normalizeWebTierArgs({ ...minimal, ...extra }), want);
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
        expectArgError(() => aws({ hostedZoneId: undefined }), {
            key: "hostedZoneId",
            value: undefined,
            allowed: /the Route 53 zone of app\.example\.com .*or certificateArn .*with neither, the HTTPS listener would wait on a pending certificate/,
        });
        expect(aws({ hostedZoneId: undefined, certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x" }).certificateArn).toMatch(/^arn:aws:acm:/);
    });

    it("needs at least two replicas and names the value given", () => {
        expectArgError(() => aws({ replicas: 1 }), { key: "replicas", value: 1, allowed: /^2 or more: the AWS web tier runs at least 2 tasks/ });
        expect(aws({ replicas: 2 }).replicas).toBe(2);
    });

    it("rejects what AWS would refuse at deploy time", () => {
        const cloudWatch = /^a CloudWatch Logs retention: 1, 3, 5, 7, 14, 30/;
        const tls12 = /a TLS 1\.2\+ ELB policy such as ELBSecurityPolicy-TLS13-1-2-2021-06/;
        const bad: Array<[Partial<AwsWebTierArgs>, ExpectedArgError]> = [
            [{ port: 80 }, { key: "port", value: 80, allowed: /from 1024 to 65535: the app runs as a non-root user/ }],
            [{ rateLimitPerMinute: 9, wafRateWindowSeconds: 60 }, { key: "rateLimitPerMinute", value: 9, allowed: /per 60 s window \(9 here\).*from 10 to 2000000000/ }],
            [{ wafRateWindowSeconds: 30 as 60 }, { key: "wafRateWindowSeconds", value: 30, allowed: /^one of 60, 120, 300, 600 seconds/ }],
            [
                { wafCountedRules: ["SizeRestrictions_BODY", "SizeRestrictions_BODY"] },
                { key: "wafCountedRules", value: ["SizeRestrictions_BODY", "SizeRestrictions_BODY"], allowed: /each listed once \("SizeRestrictions_BODY" is listed twice\)/ },
            ],
            [{ wafLogRetentionDays: 0 }, { key: "wafLogRetentionDays", value: 0, allowed: cloudWatch }],
            [{ rateLimitPerMinute: 3_000_000_000 }, { key: "rateLimitPerMinute", value: 3_000_000_000, allowed: /per 300 s window \(15000000000 here\)/ }],
            [{ logRetentionDays: 100 }, { key: "logRetentionDays", value: 100, allowed: cloudWatch }],
            [{ cpu: 300 }, { key: "cpu", value: 300, allowed: /a Fargate CPU size: one of 256, 512, 1024/ }],
            [{ cpu: 256, memoryMiB: 4096 }, { key: "memoryMiB", value: 4096, allowed: "a Fargate memory size for cpu 256: 512, 1024, 2048" }],
            [{ accessLogsRetentionDays: 0 }, { key: "accessLogsRetentionDays", value: 0, allowed: "a whole number of days of at least 1" }],
            [{ sslPolicy: "ELBSecurityPolicy-2016-08" }, { key: "sslPolicy", value: "ELBSecurityPolicy-2016-08", allowed: tls12 }],
            [{ sslPolicy: "ELBSecurityPolicy-TLS13-1-0-2021-06" }, { key: "sslPolicy", value: "ELBSecurityPolicy-TLS13-1-0-2021-06", allowed: tls12 }],
            [{ cpuArchitecture: "MIPS" as never }, { key: "cpuArchitecture", value: "MIPS", allowed: `"X86_64" or "ARM64"` }],
            [{ requestsPerTarget: 0 }, { key: "requestsPerTarget", value: 0, allowed: "a whole number of requests of at least 1" }],
            [{ healthCheckGracePeriodSeconds: -5 }, { key: "healthCheckGracePeriodSeconds", value: -5, allowed: "a whole number of seconds from 0" }],
            [{ idleTimeoutSeconds: 5000 }, { key: "idleTimeoutSeconds", value: 5000, allowed: /^1 to 4000 seconds/ }],
            [{ ipAddressType: "ipv6" as never }, { key: "ipAddressType", value: "ipv6", allowed: `"ipv4" or "dualstack"` }],
            [
                { dataStores: [{ name: "Postgres DB", securityGroupId: "sg-1", port: 5432 }] },
                { key: "dataStores.name", value: "Postgres DB", allowed: /lowercase letters, digits or hyphens, starting with a letter/ },
            ],
            [
                {
                    dataStores: [
                        { name: "db", securityGroupId: "sg-1", port: 5432 },
                        { name: "db", securityGroupId: "sg-2", port: 5433 },
                    ],
                },
                { key: "dataStores.name", value: "db", allowed: /a name of its own for each store \(it is listed twice\)/ },
            ],
            [{ dataStores: [{ name: "db", securityGroupId: "sg-1", port: 0 }] }, { key: "dataStores.port", value: 0, allowed: /from 1 to 65535 \(store "db"\)/ }],
        ];
        for (const [extra, want] of bad) expectArgError(() => aws(extra), want);
        expectArgError(() => normalizeAwsWebTierArgs({ ...minimal } as AwsWebTierArgs), { key: "network", value: undefined, allowed: /the VPC id, its CIDR and the public and private subnet ids/ });
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
