import type { ResourceValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { resourceValidationArgs } from "../../offline/policy-args";
import { images, imagesWithoutDigest } from "../../components/shared/images";
import { dockerRules } from "../../policy/rules/docker";
import { imagePinned } from "../../policy/rules/docker/image-pinned";
import { imagePinnedDigest } from "../../policy/rules/docker/image-pinned-digest";
import { parseImageRef } from "../../policy/rules/docker/image-ref";
import { leastPrivilegeRuntime } from "../../policy/rules/docker/least-privilege-runtime";
import { noPrivilegedOrHostNamespaces } from "../../policy/rules/docker/no-privileged-or-host-namespaces";
import { noPublicPorts } from "../../policy/rules/docker/no-public-ports";
import { nonRoot } from "../../policy/rules/docker/non-root";
import { opsHygiene } from "../../policy/rules/docker/ops-hygiene";
import { opsHygieneEnvFiles, opsHygieneEnvSecrets } from "../../policy/rules/docker/ops-hygiene-env-secrets";
import { resourceLimits } from "../../policy/rules/docker/resource-limits";
import { resourceLimitsCpu } from "../../policy/rules/docker/resource-limits-cpu";
import { restartPolicy } from "../../policy/rules/docker/restart-policy";
import { PREVIEW_UNKNOWN, check, fakeGraph, messages } from "./helpers";

const CONTAINER = "docker:index/container:Container";
const DIGEST = `sha256:${"ab".repeat(32)}`;

/** A container as hardenedContainerArgs (components/shared/docker.ts) builds it, plus a CPU limit and a user. */
const container = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    image: `ghcr.io/acme/app:1.4.2@${DIGEST}`,
    name: "dev-app",
    restart: "unless-stopped",
    logDriver: "json-file",
    logOpts: { "max-size": "10m", "max-file": "3" },
    memory: 384,
    memorySwap: 384,
    cpus: "1",
    healthcheck: { tests: ["CMD", "wget", "-qO-", "http://127.0.0.1:8080/health"], interval: "15s", timeout: "5s", retries: 3, startPeriod: "20s" },
    networksAdvanced: [{ name: "dev-edge", aliases: ["app"] }],
    envs: ["PORT=8080", "LOG_LEVEL=info", "DATABASE_PASSWORD_FILE=/run/secrets/db-password"],
    user: "1000:1000",
    readOnly: true,
    tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m" },
    capabilities: { drops: ["ALL"], adds: [] },
    securityOpts: ["no-new-privileges:true"],
    privileged: false,
    // What hardenedContainerArgs gives every container: the host it runs on (follows-host-instance).
    labels: [{ label: "host.instance", value: "412345678" }],
    ...extra,
});
const run = (rule: Parameters<typeof messages>[0], extra: Record<string, unknown> = {}, ctx = {}) => messages(rule, CONTAINER, container(extra), ctx);
const deferredAdvisory = async (rule: Parameters<typeof messages>[0], extra: Record<string, unknown>) => {
    const v = await check(rule, [{ type: CONTAINER, props: container(extra) }]);
    expect(v).toEqual([expect.objectContaining({ level: "advisory", message: expect.stringMatching(new RegExp(`can't run policy '${rule.meta.name}' during preview`)) })]);
};

describe("the compliant baseline", () => {
    it.each(dockerRules.map((r) => [r.meta.name, r] as const))("%s passes it", async (_name, rule) => {
        expect(await run(rule)).toEqual([]);
    });

    it("rules ignore other resource types", async () => {
        // follows-host-instance covers networks and images on purpose (tests/policy/follows-host-instance.test.ts).
        for (const rule of dockerRules.filter((r) => r.meta.name !== "follows-host-instance")) expect(await messages(rule, "docker:index/network:Network", { privileged: true, ports: [{ internal: 1, external: 2 }] })).toEqual([]);
    });
});

describe("no-privileged-or-host-namespaces", () => {
    it("fails a privileged container", async () => {
        expect(await run(noPrivilegedOrHostNamespaces, { privileged: true })).toEqual([expect.stringMatching(/privileged is true/)]);
    });

    it.each(["networkMode", "pidMode", "ipcMode", "usernsMode"])("fails %s host", async (prop) => {
        expect(await run(noPrivilegedOrHostNamespaces, { [prop]: "host" })).toEqual([expect.stringMatching(new RegExp(`${prop} is "host"; the container would share the host's`))]);
    });

    it("accepts other modes and reports unknowns", async () => {
        expect(await run(noPrivilegedOrHostNamespaces, { networkMode: "bridge", ipcMode: "private", pidMode: "container:db" })).toEqual([]);
        expect(await run(noPrivilegedOrHostNamespaces, { privileged: PREVIEW_UNKNOWN, networkMode: PREVIEW_UNKNOWN })).toEqual([
            expect.stringMatching(/privileged is unknown during preview/),
            expect.stringMatching(/networkMode is unknown during preview/),
        ]);
    });
});

describe("no-public-ports", () => {
    const port = (external: unknown, ip?: unknown, internal = 80) => ({ internal, external, ip, protocol: "tcp" });

    it("lets the edge publish 80/443 anywhere and anything else on loopback", async () => {
        expect(await run(noPublicPorts, { ports: [port(80, "0.0.0.0"), port(443, "0.0.0.0", 443)] })).toEqual([]);
        expect(await run(noPublicPorts, { ports: [port(3000, "127.0.0.1", 3000), port(9090, "::1", 9090), port(8443, "127.0.0.1", 443)] })).toEqual([]);
    });

    it("fails any other port beyond loopback, a missing ip (0.0.0.0) and a random host port", async () => {
        expect(await run(noPublicPorts, { ports: [port(9090, "0.0.0.0", 9090)] })).toEqual([expect.stringMatching(/ports\[0\] publishes host port 9090 \(container port 9090\/tcp\) on 0\.0\.0\.0; only the edge ports \(80, 443\)/)]);
        expect(await run(noPublicPorts, { ports: [port(5432, undefined, 5432)] })).toEqual([expect.stringMatching(/host port 5432 .* on 0\.0\.0\.0/)]);
        expect(await run(noPublicPorts, { ports: [port(6379, "10.110.0.2", 6379)] })).toEqual([expect.stringMatching(/on 10\.110\.0\.2/)]);
        expect(await run(noPublicPorts, { ports: [port(undefined, "0.0.0.0", 8080)] })).toEqual([expect.stringMatching(/publishes container port 8080\/tcp on a random host port of 0\.0\.0\.0/)]);
    });

    it("fails publishAllPorts", async () => {
        expect(await run(noPublicPorts, { publishAllPorts: true })).toEqual([expect.stringMatching(/publishAllPorts is true/)]);
    });

    it("honours edgePorts", async () => {
        const ctx = { config: { "no-public-ports": { edgePorts: [8080, 8443] } } };
        expect(await run(noPublicPorts, { ports: [port(8443, "0.0.0.0", 443)] }, ctx)).toEqual([]);
        expect(await run(noPublicPorts, { ports: [port(443, "0.0.0.0", 443)] }, ctx)).toHaveLength(1);
    });

    it("reports unknown ports, addresses and host ports", async () => {
        expect(await run(noPublicPorts, { ports: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/ports is unknown during preview/)]);
        expect(await run(noPublicPorts, { ports: [port(9090, PREVIEW_UNKNOWN)] })).toEqual([expect.stringMatching(/ports\[0\]\.ip is unknown/)]);
        expect(await run(noPublicPorts, { ports: [port(PREVIEW_UNKNOWN, "0.0.0.0")] })).toEqual([expect.stringMatching(/ports\[0\]\.external is unknown/)]);
    });
});

describe("resource-limits and resource-limits-cpu", () => {
    it("require a memory limit (mandatory)", async () => {
        const [v] = await check(resourceLimits, [{ type: CONTAINER, props: container({ memory: undefined }) }]);
        expect(v).toMatchObject({ level: "mandatory", message: expect.stringMatching(/memory is unset; set a memory limit/) });
        expect(await run(resourceLimits, { memory: 0 })).toEqual([expect.stringMatching(/memory is 0/)]);
        expect(await run(resourceLimits, { memory: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/memory is unknown during preview/)]);
        expect(await run(resourceLimits, { cpus: undefined })).toEqual([]);
    });

    it("advise a CPU limit; cpuShares is not one (advisory)", async () => {
        const [v] = await check(resourceLimitsCpu, [{ type: CONTAINER, props: container({ cpus: undefined, cpuShares: 512 }) }]);
        expect(v).toMatchObject({ level: "advisory", message: expect.stringMatching(/no CPU limit.*cpuShares 512 only weights contention/) });
        expect(await run(resourceLimitsCpu, { cpus: undefined, cpuQuota: 50000, cpuPeriod: 100000 })).toEqual([]);
        expect(await run(resourceLimitsCpu, { cpus: undefined, cpuSet: "0" })).toEqual([]);
        expect(await run(resourceLimitsCpu, { cpus: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/unknown during preview/)]);
    });
});

describe("restart-policy", () => {
    it("accepts always and on-failure with retries", async () => {
        expect(await run(restartPolicy, { restart: "always" })).toEqual([]);
        expect(await run(restartPolicy, { restart: "on-failure", maxRetryCount: 5 })).toEqual([]);
    });

    it("fails no policy, \"no\", and on-failure without retries", async () => {
        expect(await run(restartPolicy, { restart: undefined })).toEqual([expect.stringMatching(/restart is unset; use "unless-stopped"/)]);
        expect(await run(restartPolicy, { restart: "no" })).toEqual([expect.stringMatching(/restart is "no"/)]);
        expect(await run(restartPolicy, { restart: "on-failure" })).toEqual([expect.stringMatching(/"on-failure" with maxRetryCount unset/)]);
        expect(await run(restartPolicy, { restart: "on-failure", maxRetryCount: 0 })).toEqual([expect.stringMatching(/maxRetryCount 0/)]);
        expect(await run(restartPolicy, { restart: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/restart is unknown/)]);
    });

    it("remediates a missing policy to unless-stopped and leaves a chosen one alone", async () => {
        const remediate = (props: Record<string, unknown>) => {
            const graph = fakeGraph([{ type: CONTAINER, props }]);
            const args = resourceValidationArgs(graph, graph.resources[0], restartPolicy.meta.name, undefined, {});
            return (restartPolicy.policy as ResourceValidationPolicy).remediateResource!(args);
        };
        expect(await remediate(container({ restart: undefined }))).toMatchObject({ restart: "unless-stopped", memory: 384 });
        expect(await remediate(container({ restart: "no" }))).toMatchObject({ restart: "unless-stopped" });
        expect(await remediate(container({ restart: "on-failure", maxRetryCount: 5 }))).toBeUndefined();
    });
});

describe("image-pinned and image-pinned-digest", () => {
    it("accept a version tag (mandatory rule) and want a digest (advisory rule)", async () => {
        expect(await run(imagePinned, { image: "postgres:16.15-alpine" })).toEqual([]);
        const [v] = await check(imagePinnedDigest, [{ type: CONTAINER, props: container({ image: "postgres:16.15-alpine" }) }]);
        expect(v).toMatchObject({ level: "advisory", message: expect.stringMatching(/image "postgres:16\.15-alpine" has no digest/) });
    });

    it("pass every image components/shared/images.ts pins by tag and digest, and keep flagging the digest-less ones", async () => {
        const pinned = Object.entries(images).filter(([k]) => !(k in imagesWithoutDigest));
        expect(pinned.length).toBeGreaterThan(0);
        for (const [, image] of pinned) {
            expect(await run(imagePinned, { image }), image).toEqual([]);
            expect(await run(imagePinnedDigest, { image }), image).toEqual([]);
        }
        // Pinned by tag only (no digest found offline): mandatory rule satisfied, advisory still reports it.
        for (const key of Object.keys(imagesWithoutDigest) as (keyof typeof images)[]) {
            expect(await run(imagePinned, { image: images[key] }), images[key]).toEqual([]);
            expect(await run(imagePinnedDigest, { image: images[key] }), images[key]).toEqual([expect.stringMatching(/has no digest/)]);
        }
    });

    it("accept digests and local image ids in both", async () => {
        for (const image of [`nginx@${DIGEST}`, DIGEST, `registry.example.com:5000/team/app:2@${DIGEST}`]) {
            expect(await run(imagePinned, { image })).toEqual([]);
            expect(await run(imagePinnedDigest, { image })).toEqual([]);
        }
    });

    it("fail no tag, latest and other moving tags", async () => {
        const [v] = await check(imagePinned, [{ type: CONTAINER, props: container({ image: "nginx" }) }]);
        expect(v).toMatchObject({ level: "mandatory", message: expect.stringMatching(/image "nginx" has no tag, so it runs whatever :latest is/) });
        expect(await run(imagePinned, { image: "redis:latest" })).toEqual([expect.stringMatching(/uses the moving tag "latest"/)]);
        expect(await run(imagePinned, { image: "nginx:stable" })).toEqual([expect.stringMatching(/moving tag "stable"/)]);
        // A registry port is not a tag.
        expect(await run(imagePinned, { image: "registry.example.com:5000/app" })).toEqual([expect.stringMatching(/has no tag/)]);
        expect(await run(imagePinned, { image: "nginx:stable" }, { config: { "image-pinned": { floatingTags: ["latest"] } } })).toEqual([]);
    });

    it("defer an image built by the program (repoDigest unknown until built)", async () => {
        await deferredAdvisory(imagePinned, { image: PREVIEW_UNKNOWN });
        await deferredAdvisory(imagePinnedDigest, { image: PREVIEW_UNKNOWN });
    });

    it("take references apart", () => {
        expect(parseImageRef("docker.io/library/nginx:1.27")).toEqual({ repository: "nginx", tag: "1.27", digest: undefined, isId: false });
        expect(parseImageRef("quay.io/prometheuscommunity/postgres-exporter:v0.16.0").repository).toBe("quay.io/prometheuscommunity/postgres-exporter");
        expect(parseImageRef(DIGEST).isId).toBe(true);
        expect(parseImageRef(`postgres:16.15-alpine@${DIGEST}`)).toEqual({ repository: "postgres", tag: "16.15-alpine", digest: DIGEST, isId: false });
    });
});

describe("non-root", () => {
    it("is advisory and fails an unset or root user", async () => {
        const [v] = await check(nonRoot, [{ type: CONTAINER, props: container({ user: undefined }) }]);
        expect(v).toMatchObject({ level: "advisory", message: expect.stringMatching(/user is unset for image/) });
        for (const user of ["root", "0", "0:0", "root:root"]) expect(await run(nonRoot, { user })).toHaveLength(1);
        expect(await run(nonRoot, { user: "65534:65534" })).toEqual([]);
    });

    it("exempts the payload's images that drop privileges themselves, by repository", async () => {
        for (const image of [images.postgres, images.redis, images.nginx, images.certbot, `docker.io/library/postgres:16@${DIGEST}`]) {
            expect(await run(nonRoot, { image, user: undefined })).toEqual([]);
        }
        expect(await run(nonRoot, { image: images.grafana, user: undefined })).toHaveLength(1);
        expect(await run(nonRoot, { image: images.grafana, user: undefined }, { config: { "non-root": { exemptImages: ["grafana/grafana"] } } })).toEqual([]);
    });

    it("defers when the user is set but computed, or the image is unknown and no user is given", async () => {
        await deferredAdvisory(nonRoot, { user: PREVIEW_UNKNOWN });
        await deferredAdvisory(nonRoot, { user: undefined, image: PREVIEW_UNKNOWN });
        expect(await run(nonRoot, { user: PREVIEW_UNKNOWN, image: images.postgres })).toEqual([]);
    });
});

describe("least-privilege-runtime", () => {
    it("is advisory and reports each missing hardening", async () => {
        const v = await check(leastPrivilegeRuntime, [{ type: CONTAINER, props: container({ readOnly: false, capabilities: { drops: ["NET_RAW"] }, securityOpts: [] }) }]);
        expect(v.map((x) => x.level)).toEqual(["advisory", "advisory", "advisory"]);
        expect(v.map((x) => x.message)).toEqual([
            expect.stringMatching(/readOnly is false/),
            expect.stringMatching(/capabilities\.drops is \["NET_RAW"\]; drop every capability/),
            expect.stringMatching(/securityOpts is \[\]; add "no-new-privileges:true"/),
        ]);
    });

    it("accepts the spellings Docker accepts", async () => {
        expect(await run(leastPrivilegeRuntime, { capabilities: { drops: ["cap_all"] }, securityOpts: ["no-new-privileges"] })).toEqual([]);
        expect(await run(leastPrivilegeRuntime, { securityOpts: ["no-new-privileges=true"] })).toEqual([]);
        expect(await run(leastPrivilegeRuntime, { capabilities: undefined })).toEqual([expect.stringMatching(/capabilities\.drops is unset/)]);
        expect(await run(leastPrivilegeRuntime, { readOnly: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/readOnly is unknown/)]);
    });
});

describe("ops-hygiene (advisory: health check, log rotation)", () => {
    it("fails a missing or disabled health check", async () => {
        const [v] = await check(opsHygiene, [{ type: CONTAINER, props: container({ healthcheck: undefined }) }]);
        expect(v).toMatchObject({ level: "advisory", message: expect.stringMatching(/healthcheck\.tests is unset/) });
        expect(await run(opsHygiene, { healthcheck: { tests: ["NONE"] } })).toEqual([expect.stringMatching(/healthcheck\.tests is \["NONE"\]/)]);
    });

    it("fails json-file logs without max-size, accepts drivers that rotate or ship logs", async () => {
        expect(await run(opsHygiene, { logOpts: { "max-file": "3" } })).toEqual([expect.stringMatching(/logOpts\["max-size"\] is unset with the "json-file" log driver/)]);
        expect(await run(opsHygiene, { logDriver: undefined, logOpts: undefined })).toEqual([expect.stringMatching(/max-size/)]);
        expect(await run(opsHygiene, { logDriver: "local", logOpts: undefined })).toEqual([]);
        expect(await run(opsHygiene, { logOpts: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/max-size"\] is unknown/)]);
    });
});

describe("ops-hygiene-env-secrets (mandatory) and ops-hygiene-env-files (advisory)", () => {
    it("fails envs interpolated from generated values too: docker inspect shows them alike", async () => {
        const derived = {
            type: CONTAINER,
            name: "app",
            props: container({ envs: ["DATABASE_URL=postgres://app:generated@postgres:5432/app"] }),
            propertyDependencies: { envs: ["urn:pulumi:test::slipway::random:index/randomPassword:RandomPassword::pw"] },
        };
        const password = { type: "random:index/randomPassword:RandomPassword", name: "pw", props: { length: 32 } };
        const [v] = await check(opsHygieneEnvSecrets, [password, derived]);
        expect(v).toMatchObject({ level: "mandatory", message: expect.stringMatching(/DATABASE_URL contains a password embedded in a URL/) });
        const [advice] = await check(opsHygieneEnvFiles, [derived]);
        expect(advice).toMatchObject({ level: "advisory", message: expect.stringMatching(/DATABASE_URL contains a password embedded in a URL/) });
        // The fixed container: the URL as a file.
        const fixed = { ...derived, props: container({ envs: ["DATABASE_URL_FILE=/run/secrets/app/DATABASE_URL"] }) };
        expect(await check(opsHygieneEnvSecrets, [password, fixed])).toEqual([]);
    });

    it("fails DATA_SOURCE_NAME and password= connection strings, accepts the exporters' file settings", async () => {
        expect(await run(opsHygieneEnvSecrets, { envs: ["DATA_SOURCE_NAME=postgresql://app:pw@postgres:5432/app?sslmode=disable"] })).toEqual([
            expect.stringMatching(/envs entry DATA_SOURCE_NAME is a connection string with credentials.*DATA_SOURCE_PASS_FILE/),
        ]);
        // Even without a password in it: the name is the exporter's credentials setting.
        expect(await run(opsHygieneEnvSecrets, { envs: ["DATA_SOURCE_NAME=host=postgres user=app dbname=app"] })).toHaveLength(1);
        const [kv] = await run(opsHygieneEnvSecrets, { envs: ["PG_DSN=host=postgres user=app password=hunter2 dbname=app"] });
        expect(kv).toMatch(/envs entry PG_DSN contains a password= setting/);
        expect(kv).not.toContain("hunter2");
        expect(await run(opsHygieneEnvSecrets, { envs: ["CONN=postgres://db/app?password=s3cret&sslmode=disable"] })).toHaveLength(1);
        expect(await run(opsHygieneEnvSecrets, { envs: ["AWS_SECRET_ACCESS_KEY=abcd1234"] })).toHaveLength(1);
        const files = [
            "DATA_SOURCE_URI=postgres:5432/app?sslmode=disable",
            "DATA_SOURCE_USER=app",
            "DATA_SOURCE_PASS_FILE=/run/secrets/postgres-exporter/password",
            "REDIS_ADDR=redis://redis:6379",
            "REDIS_PASSWORD_FILE=/run/secrets/redis-exporter/passwords.json",
            "RESTIC_PASSWORD_FILE=/run/slipway-backup/restic-password",
            "AWS_SHARED_CREDENTIALS_FILE=/run/slipway-backup/aws-credentials",
            "DATABASE_URL_FILE=/run/secrets/app/DATABASE_URL",
            "DATA_SOURCE_NAME=",
        ];
        expect(await run(opsHygieneEnvSecrets, { envs: files })).toEqual([]);
    });

    it("fails a secret-looking name with a literal value, without printing the value", async () => {
        const [v] = await check(opsHygieneEnvSecrets, [{ type: CONTAINER, props: container({ envs: ["DB_PASSWORD=hunter2"] }) }]);
        expect(v).toMatchObject({ level: "mandatory", message: expect.stringMatching(/envs entry DB_PASSWORD carries a value/) });
        expect(v.message).not.toContain("hunter2");
        for (const name of ["PGPASSWORD", "API_TOKEN", "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "STRIPE_APIKEY", "SESSION_KEY", "GITHUB_CREDENTIALS", "pass"]) {
            expect(await run(opsHygieneEnvSecrets, { envs: [`${name}=x1y2z3`] }), name).toHaveLength(1);
        }
    });

    it("fails secrets in any value: URL credentials, private keys, token formats", async () => {
        expect(await run(opsHygieneEnvSecrets, { envs: ["DATABASE_URL=postgres://app:s3cret@postgres:5432/app"] })).toEqual([
            expect.stringMatching(/envs entry DATABASE_URL contains a password embedded in a URL/),
        ]);
        expect(await run(opsHygieneEnvSecrets, { envs: ["REDIS_URL=redis://:s3cret@redis:6379"] })).toHaveLength(1);
        expect(await run(opsHygieneEnvSecrets, { envs: ["DEPLOY=-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----"] })).toEqual([expect.stringMatching(/private key block \(RSA\)/)]);
        expect(await run(opsHygieneEnvSecrets, { envs: ["DO_API=dop_v1_" + "f0".repeat(32)] })).toEqual([expect.stringMatching(/DigitalOcean API token/)]);
    });

    it("accepts *_FILE names, empty and boolean values, plain URLs and reviewed exceptions", async () => {
        const envs = [
            "POSTGRES_PASSWORD_FILE=/run/secrets/postgres-password",
            "GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/grafana/admin-password",
            "PGPASSFILE=/run/secrets/pgpass",
            "REDIS_ADDR=redis://redis:6379",
            "GF_AUTH_ANONYMOUS_ENABLED=false",
            "TOKEN_AUTH=true",
            "PASSWORD=",
            "KEYCLOAK_URL=https://id.example.com",
        ];
        expect(await run(opsHygieneEnvSecrets, { envs })).toEqual([]);
        expect(await run(opsHygieneEnvSecrets, { envs: ["PUBLIC_KEY=abc"] })).toHaveLength(1);
        expect(await run(opsHygieneEnvSecrets, { envs: ["PUBLIC_KEY=abc"] }, { config: { "ops-hygiene-env-secrets": { allowedEnvNames: ["PUBLIC_KEY"] } } })).toEqual([]);
        expect(await run(opsHygieneEnvSecrets, { envs: ["LICENSE=abc"] }, { config: { "ops-hygiene-env-secrets": { secretNamePattern: "LICENSE" } } })).toHaveLength(1);
    });

    it("checks the known entries, then defers entries computed from generated values", async () => {
        const v = await check(opsHygieneEnvSecrets, [{ type: CONTAINER, props: container({ envs: ["API_TOKEN=abc", PREVIEW_UNKNOWN] }) }]);
        expect(v.map((x) => [x.level, x.message])).toEqual([
            ["mandatory", expect.stringMatching(/API_TOKEN carries a value/)],
            ["advisory", expect.stringMatching(/can't run policy 'ops-hygiene-env-secrets' during preview: string value at \.envs\.1/)],
        ]);
        await deferredAdvisory(opsHygieneEnvSecrets, { envs: PREVIEW_UNKNOWN });
    });
});

describe("Docker group", () => {
    it("registers every rule once, with metadata", () => {
        const names = dockerRules.map((r) => r.meta.name);
        expect(new Set(names).size).toBe(names.length);
        expect(names).toEqual(
            expect.arrayContaining(["no-privileged-or-host-namespaces", "no-public-ports", "resource-limits", "restart-policy", "image-pinned", "non-root", "least-privilege-runtime", "ops-hygiene"]),
        );
        for (const r of dockerRules) {
            expect(r.meta.group).toBe("docker");
            expect(r.meta.sources.length).toBeGreaterThan(0);
        }
    });
});
