import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../stacks/config";
import { ConfigError } from "../../stacks/config-errors";

const FILE = "Pulumi.prod.yaml";

/** A valid aws config; each case below breaks one thing in it. */
const base = (): Record<string, unknown> => ({
    target: "aws",
    domain: "app.example.com",
    owner: "platform-team",
    app: { image: "ghcr.io/acme/web:1.2.3", replicas: 2 },
});

const parse = (raw: Record<string, unknown>, secretKeys: string[] = []) =>
    parseStackConfig(raw, { stackFile: FILE, secretKeys: new Set(secretKeys) });

/** The one line a bad config produces. */
function errorOf(raw: Record<string, unknown>, secretKeys: string[] = []): string {
    try {
        parse(raw, secretKeys);
    } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        const message = (e as Error).message;
        expect(message.split("\n")).toHaveLength(1);
        expect(message.startsWith(`${FILE}: `)).toBe(true);
        return message;
    }
    throw new Error("expected the config to be rejected");
}

const withKey = (key: string, value: unknown) => ({ ...base(), [key]: value });

describe("stack config: bad input gets one clear line", () => {
    const cases: [string, Record<string, unknown>, string, string[]?][] = [
        ["out-of-range retention (the issue's own example)", withKey("database", { backupRetentionDays: 0 }),
            "Pulumi.prod.yaml: slipway:database.backupRetentionDays is 0; expected an integer from 1 to 35"],
        ["retention above range", withKey("database", { backupRetentionDays: 36 }),
            "slipway:database.backupRetentionDays is 36; expected an integer from 1 to 35"],
        ["number given as a string", withKey("database", { backupRetentionDays: "30" }),
            'slipway:database.backupRetentionDays is "30"; expected an integer from 1 to 35'],
        ["fractional number", withKey("app", { image: "ghcr.io/acme/web:1", port: 80.5 }),
            "slipway:app.port is 80.5; expected an integer from 1 to 65535"],
        ["boolean as a string", withKey("database", { multiAz: "yes" }),
            'slipway:database.multiAz is "yes"; expected true or false'],
        ["unknown top-level key", withKey("databse", { multiAz: true }),
            "slipway:databse is not a known key; expected one of the keys target, environment, domain"],
        ["unknown nested key", withKey("database", { multiAZ: true }),
            "slipway:database.multiAZ is not a known key under slipway:database; expected one of the keys engineVersion"],
        ["invalid CIDR", withKey("network", { cidr: "10.0.0.0/33" }),
            'slipway:network.cidr is "10.0.0.0/33"; expected an IPv4 CIDR block such as 10.0.0.0/16'],
        ["CIDR with host bits", withKey("network", { cidr: "10.0.1.0/16" }),
            'slipway:network.cidr is "10.0.1.0/16"; expected a network address with no host bits set'],
        ["VPC too large for AWS", withKey("network", { cidr: "10.0.0.0/8" }),
            'slipway:network.cidr is "10.0.0.0/8"; expected a VPC block from /16 to /24'],
        ["overlapping subnets", withKey("network", {
            cidr: "10.0.0.0/16", azCount: 2,
            subnets: { public: ["10.0.0.0/24", "10.0.1.0/24"], private: ["10.0.1.0/24", "10.0.8.0/21"] },
        }), 'slipway:network.subnets.private[0] is "10.0.1.0/24"; expected a block that does not overlap slipway:network.subnets.public[1] (10.0.1.0/24)'],
        ["subnet outside the VPC", withKey("network", {
            cidr: "10.0.0.0/16", azCount: 2, subnets: { public: ["10.0.0.0/24", "10.1.0.0/24"] },
        }), 'slipway:network.subnets.public[1] is "10.1.0.0/24"; expected a block inside network.cidr 10.0.0.0/16'],
        ["override overlapping a planned tier", withKey("network", { cidr: "10.0.0.0/16", azCount: 2, subnets: { public: ["10.0.0.0/24", "10.0.1.0/24"] } }),
            "slipway:network.subnets is {\"public\":[\"10.0.0.0/24\",\"10.0.1.0/24\"]}; expected blocks that leave room for the planned tiers"],
        ["subnet count not matching AZs", withKey("network", { azCount: 3, subnets: { isolated: ["10.0.0.0/24"] } }),
            'slipway:network.subnets.isolated is ["10.0.0.0/24"]; expected exactly 3 CIDR blocks, one per AZ'],
        ["AZ count out of range", withKey("network", { azCount: 4 }),
            "slipway:network.azCount is 4; expected an integer from 2 to 3"],
        ["unknown NAT mode", withKey("network", { nat: "per-subnet" }),
            'slipway:network.nat is "per-subnet"; expected one of "per-az", "single", "none"'],
        ["invalid domain", withKey("domain", "app_example.com"),
            'slipway:domain is "app_example.com"; expected a lowercase DNS name such as app.example.com'],
        ["domain without a TLD", withKey("domain", "localhost"),
            'slipway:domain is "localhost"; expected a lowercase DNS name'],
        ["replicas below 1", withKey("app", { image: "ghcr.io/acme/web:1", replicas: 0 }),
            "slipway:app.replicas is 0; expected an integer from 1 to 100"],
        ["one replica on aws", withKey("app", { image: "ghcr.io/acme/web:1", replicas: 1 }),
            "slipway:app.replicas is 1; expected at least 2 on aws"],
        ["maxReplicas below replicas", withKey("app", { image: "ghcr.io/acme/web:1", replicas: 4, maxReplicas: 3 }),
            "slipway:app.maxReplicas is 3; expected at least app.replicas (4)"],
        ["unknown target", withKey("target", "gcp"),
            'slipway:target is "gcp"; expected one of "aws", "vps", "local"'],
        ["missing target", (() => { const c = base(); delete c.target; return c; })(),
            'slipway:target is missing; expected one of "aws", "vps", "local"'],
        ["missing domain on aws", (() => { const c = base(); delete c.domain; return c; })(),
            "slipway:domain is missing; expected a DNS name such as app.example.com (required when target is aws)"],
        ["missing image on aws", withKey("app", { replicas: 2 }),
            "slipway:app.image is missing; expected a pinned image reference (required when target is aws)"],
        ["missing owner on aws", (() => { const c = base(); delete c.owner; return c; })(),
            "slipway:owner is missing; expected the owning team"],
        ["image on latest", withKey("app", { image: "ghcr.io/acme/web:latest" }),
            'slipway:app.image is "ghcr.io/acme/web:latest"; expected an image reference pinned to a tag other than latest or to a digest'],
        ["untagged image", withKey("app", { image: "nginx" }),
            'slipway:app.image is "nginx"; expected an image reference pinned'],
        ["secret map in plain text", withKey("appSecrets", { SESSION_KEY: "hunter2" }),
            "slipway:appSecrets is given in plain text; expected a secret: set it with `pulumi config set --secret"],
        ["credential in plain env", withKey("app", { image: "ghcr.io/acme/web:1", env: { DB_PASSWORD: "hunter2" } }),
            "slipway:app.env.DB_PASSWORD is \"[plain text]\"; expected no credentials in plain env; move DB_PASSWORD to slipway:appSecrets"],
        ["bad env var name", withKey("app", { image: "ghcr.io/acme/web:1", env: { "log-level": "info" } }),
            "expected an environment variable name in UPPER_SNAKE_CASE"],
        ["invalid email", withKey("monitoring", { alarmEmails: ["oncall-at-example.com"] }),
            'slipway:monitoring.alarmEmails[0] is "oncall-at-example.com"; expected an email address'],
        ["wrong type for a section", withKey("database", "db.t4g.medium"),
            'slipway:database is "db.t4g.medium"; expected an object with the keys engineVersion'],
        ["max storage below storage", withKey("database", { storageGb: 100, maxStorageGb: 50 }),
            "slipway:database.maxStorageGb is 50; expected at least database.storageGb (100)"],
        ["Multi-AZ cache without a replica", withKey("cache", { replicas: 0 }),
            "slipway:cache.replicas is 0; expected at least 1 while cache.multiAz is true"],
        ["flow log retention CloudWatch rejects", withKey("network", { flowLogRetentionDays: 100 }),
            "slipway:network.flowLogRetentionDays is 100; expected one of 1, 3, 5, 7, 14, 30"],
        ["WAF limit below its minimum", withKey("web", { rateLimitPerMinute: 5 }),
            "slipway:web.rateLimitPerMinute is 5; expected an integer from 10 to 100000"],
        ["cold transition after expiry", withKey("backups", { retentionDays: 30, transitionToColdAfterDays: 30 }),
            "slipway:backups.transitionToColdAfterDays is 30; expected fewer days than backups.retentionDays (30)"],
        ["tag key reserved by AWS", withKey("tags", { "aws:team": "x" }),
            "expected a tag key of 1–128 characters not starting with aws:"],
    ];

    it.each(cases)("%s", (_label, raw, expected, secretKeys) => {
        expect(errorOf(raw, secretKeys)).toContain(expected);
    });

    it("covers at least 20 distinct bad inputs", () => {
        expect(new Set(cases.map((c) => c[2])).size).toBeGreaterThanOrEqual(20);
    });

    it("never echoes a plain-text secret's value", () => {
        const message = errorOf(withKey("appSecrets", { SESSION_KEY: "hunter2" }));
        expect(message).not.toContain("hunter2");
        const envMessage = errorOf(withKey("app", { image: "ghcr.io/acme/web:1", env: { API_TOKEN: "hunter2" } }));
        expect(envMessage).not.toContain("hunter2");
    });

    it("counts the further problems after the first", () => {
        expect(errorOf({ ...base(), database: { backupRetentionDays: 0, storageGb: 1 } })).toMatch(/\(and 1 more problem\)$/);
    });
});

describe("stack config: good input", () => {
    it("accepts a minimal aws config and applies target defaults", () => {
        const c = parse(base());
        expect(c.target).toBe("aws");
        expect(c.environment).toBe("production");
        expect(c.production).toBe(true);
    });

    it("accepts secrets that arrive as secrets", () => {
        const c = parse(withKey("appSecrets", { SESSION_KEY: "x" }), ["appSecrets"]);
        expect(c.appSecrets).toEqual({ SESSION_KEY: "x" });
    });

    it("accepts explicit subnets that fit", () => {
        const c = parse(withKey("network", {
            cidr: "10.0.0.0/16", azCount: 2,
            subnets: { public: ["10.0.0.0/24", "10.0.1.0/24"], private: ["10.0.16.0/20", "10.0.32.0/20"], isolated: ["10.0.8.0/22", "10.0.12.0/22"] },
        }));
        expect(c.network?.subnets?.private).toHaveLength(2);
    });

    it("accepts digests and registry ports", () => {
        const digest = `registry.example.com:5000/team/web@sha256:${"a".repeat(64)}`;
        expect(parse(withKey("app", { image: digest })).app?.image).toBe(digest);
    });

    it("makes non-aws stacks development unless told otherwise", () => {
        const c = parse({ target: "local", monitoring: { silent: true } });
        expect(c.environment).toBe("development");
        expect(c.production).toBe(false);
    });
});
