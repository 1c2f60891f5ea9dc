import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { AwsBackupBucket } from "../../components/backup-bucket/aws";
import { DockerBackupBucket } from "../../components/backup-bucket/docker";
import { AwsCache } from "../../components/cache/aws";
import { DockerCache } from "../../components/cache/docker";
import { AwsDatabase } from "../../components/database/aws";
import { DockerDatabase } from "../../components/database/docker";
import { DropletHost } from "../../components/host/digitalocean";
import { AwsMonitoring } from "../../components/monitoring/aws";
import { DockerMonitoring } from "../../components/monitoring/docker";
import { AwsNetwork } from "../../components/network/aws";
import { DockerNetwork } from "../../components/network/docker";
import { ComponentArgError, argError, setArgKeyResolver, withComponent } from "../../components/shared/errors";
import type { DockerHost } from "../../components/shared/docker";
import { AwsWebTier } from "../../components/web-tier/aws";
import { DockerWebTier } from "../../components/web-tier/docker";
import { offlineMocks } from "../../offline/mocks";
import { drainRegistrations, installRecordingMocks } from "../../offline/recorder";
import { configKeyForArg } from "../../stacks/config-errors";
import { testDockerHost } from "../helpers/docker-host";

/**
 * Runs `build` under the recording mocks and returns what it threw and how many resources it
 * registered (the Docker host's provider, made by `setup`, is not counted).
 */
async function attempt(setup: () => DockerHost | undefined, build: (host: DockerHost) => unknown): Promise<{ error: unknown; registered: string[] }> {
    pulumi.runtime.setAllConfig({ "aws:region": "us-east-1" }, []);
    const monitor = installRecordingMocks(offlineMocks("us-east-1"), "slipway", "test");
    const host = setup();
    await drainRegistrations();
    const before = monitor.recorded.length;
    let error: unknown;
    try {
        build(host as DockerHost);
    } catch (e) {
        error = e;
    }
    await drainRegistrations();
    return { error, registered: monitor.recorded.slice(before).map((r) => `${r.type}::${r.name}`) };
}

const noHost = (): undefined => undefined;
const isolated = { vpcId: "vpc-1", isolatedSubnetIds: ["subnet-a", "subnet-b"], privateSubnetIds: ["subnet-c", "subnet-d"] };

// One bad argument per component class, the kind and the key its error must name.
const cases: { kind: string; name: string; key: string; setup: () => DockerHost | undefined; build: (host: DockerHost) => unknown }[] = [
    { kind: "Network", name: "net", key: "cidr", setup: noHost, build: () => new AwsNetwork("net", { cidr: "10.0.0.1/16" }) },
    { kind: "Database", name: "db", key: "storageGb", setup: noHost, build: () => new AwsDatabase("db", { storageGb: 5, network: isolated } as never) },
    { kind: "Cache", name: "cache", key: "replicas", setup: noHost, build: () => new AwsCache("cache", { replicas: 9, network: isolated }) },
    { kind: "WebTier", name: "web", key: "domain", setup: noHost, build: () => new AwsWebTier("web", { domain: "not a domain", image: "a/b:1" } as never) },
    {
        kind: "Monitoring",
        name: "monitoring",
        key: "thresholds.cpuPercent",
        setup: noHost,
        build: () => new AwsMonitoring("monitoring", { thresholds: { cpuPercent: 500 }, targets: { cacheNodeCount: 2, dbStorageGb: 50 } } as never),
    },
    { kind: "BackupBucket", name: "backups", key: "retentionDays", setup: noHost, build: () => new AwsBackupBucket("backups", { retentionDays: 0 }) },
    { kind: "Network", name: "network", key: "host", setup: noHost, build: () => new DockerNetwork("network", {} as never) },
    { kind: "Database", name: "db", key: "memoryMiB", setup: () => testDockerHost(), build: (host) => new DockerDatabase("db", { host, memoryMiB: 10 }) },
    { kind: "Cache", name: "cache", key: "memoryMiB", setup: () => testDockerHost(), build: (host) => new DockerCache("cache", { host, memoryMiB: 10 }) },
    {
        kind: "WebTier",
        name: "web",
        key: "port",
        setup: () => testDockerHost(),
        build: (host) => new DockerWebTier("web", { host, domain: "app.localhost", image: "a/b:1", port: 80, tls: { mode: "self-signed" }, publish: { http: 8080, https: 8443 } }),
    },
    { kind: "Monitoring", name: "monitoring", key: "retentionDays", setup: () => testDockerHost(), build: (host) => new DockerMonitoring("monitoring", { host, retentionDays: 0 } as never) },
    {
        kind: "BackupBucket",
        name: "backups",
        key: "retentionDays",
        setup: () => testDockerHost(),
        build: (host) => new DockerBackupBucket("backups", { host, retentionDays: 0, repository: { kind: "local" } } as never),
    },
    {
        kind: "Host",
        name: "vps",
        key: "dnsZone",
        setup: noHost,
        build: () =>
            new DropletHost("vps", {
                stack: "test",
                domain: "app.example.com",
                dnsZone: "example.org",
                sshAllowedCidrs: ["198.51.100.7/32"],
                sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJvMea+q7HzKV6BRycAmSC/TlwebBjeLoYLf5LnELPPE me"],
            }),
    },
];

describe("a bad component argument registers nothing and throws one ComponentArgError", () => {
    for (const c of cases) {
        it(`${c.kind} ${c.build.toString().match(/new (\w+)/)?.[1]}: bad ${c.key}`, async () => {
            const { error, registered } = await attempt(c.setup, c.build);
            expect(error).toBeInstanceOf(ComponentArgError);
            const e = error as ComponentArgError;
            // A RunError: `pulumi up` prints its message as one line, without a stack trace.
            expect(pulumi.RunError.isInstance(e)).toBe(true);
            expect({ component: e.component, resourceName: e.resourceName, key: e.key }).toEqual({ component: c.kind, resourceName: c.name, key: c.key });
            expect(e.message).toMatch(new RegExp(`^slipway:components:${c.kind} ${c.name}: ${c.key.replace(/\./g, "\\.")} is .+; expected .+`));
            expect(e.message).not.toContain("\n");
            expect(registered).toEqual([]);
        });
    }
});

describe("ComponentArgError's sentence", () => {
    it("has the config errors' shape, and a helper's error is claimed by its component", () => {
        const bare = argError("port", 80, "a port from 1024 to 65535", { where: "nginx.conf" });
        expect(bare.message).toBe("nginx.conf: port is 80; expected a port from 1024 to 65535");
        const claimed = (() => {
            try {
                withComponent("WebTier", "web", () => {
                    throw bare;
                });
            } catch (e) {
                return e as ComponentArgError;
            }
            return undefined;
        })();
        expect(claimed?.message).toBe("slipway:components:WebTier web: port is 80; expected a port from 1024 to 65535");
        expect(argError("webhookUrl", "https://hooks.example/x", "an http(s) URL", { secret: true }).message).toBe("webhookUrl is [secret]; expected an http(s) URL");
    });

    it("names the stack file and config key once the program maps the argument", () => {
        setArgKeyResolver((component, key) => {
            const mapped = configKeyForArg("local", component, key);
            return mapped ? { stackFile: "./stacks/Pulumi.local.yaml", key: `slipway:${mapped}` } : undefined;
        });
        try {
            const e = argError("publish.https", 8080, "a port different from publish.http (8080)").within("WebTier", "web");
            expect(e.message).toBe("./stacks/Pulumi.local.yaml: slipway:local.httpsPort is 8080; expected a port different from publish.http (8080)");
            expect(e.configKey).toBe("slipway:local.httpsPort");
            // Unmapped arguments keep the component's own form.
            expect(argError("user", "0", "a non-root uid").within("WebTier", "web").message).toBe('slipway:components:WebTier web: user is "0"; expected a non-root uid');
        } finally {
            setArgKeyResolver(undefined);
        }
    });

    it("maps nested keys by their longest known prefix, per target", () => {
        expect(configKeyForArg("aws", "WebTier", "env.FOO")).toBe("app.env.FOO");
        expect(configKeyForArg("vps", "WebTier", "tls.email")).toBe("vps.acmeEmail");
        expect(configKeyForArg("aws", "WebTier", "tls.email")).toBeUndefined();
        expect(configKeyForArg("vps", "Host", "sshAllowedCidrs")).toBe("vps.sshAllowedCidrs");
        expect(configKeyForArg("aws", "Network", "subnets.private[0]")).toBe("network.subnets.private[0]");
    });
});
