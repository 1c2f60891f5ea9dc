import * as pulumi from "@pulumi/pulumi";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ComponentArgError } from "../../components/shared/errors";
import type { DockerHost } from "../../components/shared/docker";
import { localHostFiles, FILE_MARKER } from "../../components/shared/host-files";
import { images } from "../../components/shared/images";
import {
    certbotDeployHook,
    certbotIssueScript,
    certbotRenewLoop,
    certbotRunCommand,
    installPlaceholderCommand,
    letsEncryptDirectories,
} from "../../components/web-tier/acme";
import { DockerWebTier, normalizeDockerWebTierArgs, type DockerWebTierArgs } from "../../components/web-tier/docker";
import { normalizeWebTierEdgeArgs } from "../../components/web-tier/index";
import { nginxNames } from "../../components/web-tier/nginx-conf";
import type { RecordedResource } from "../../offline/recorder";
import { isSecretValue, reveal } from "../../offline/secret-value";
import { testDockerHost } from "../helpers/docker-host";
import { expectParentedAndPrefixed, isTestProvider } from "../helpers/children";
import { recordResources, resolve } from "../helpers/record";

const T = {
    component: "slipway:components:WebTier",
    container: "docker:index/container:Container",
    command: "command:local:Command",
    key: "tls:index/privateKey:PrivateKey",
    cert: "tls:index/selfSignedCert:SelfSignedCert",
};

const DB_URL = "postgres://app:s3cr3t-db-pass@postgres:5432/app";
const REDIS_URL = "redis://:s3cr3t-redis-pass@redis:6379";

const localArgs = (extra: Partial<DockerWebTierArgs> = {}): Omit<DockerWebTierArgs, "host"> => ({
    domain: "app.slipway.test",
    image: "slipway-app:dev",
    replicas: 3,
    memoryMiB: 512,
    env: { NODE_ENV: "production", LOG_LEVEL: "info" },
    secrets: { DATABASE_URL: pulumi.secret(DB_URL), REDIS_URL },
    tls: { mode: "self-signed" },
    publish: { http: 8080, https: 8443 },
    ...extra,
});

const vpsArgs = (extra: Partial<DockerWebTierArgs> = {}): Omit<DockerWebTierArgs, "host"> =>
    localArgs({ domain: "app.example.com", tls: { mode: "letsencrypt", email: "ops@example.com" }, publish: { http: 80, https: 443, ip: "0.0.0.0" }, replicas: 2, ...extra });

async function build(args: Omit<DockerWebTierArgs, "host">, hostOverrides: Partial<DockerHost> = {}) {
    const { graph, result } = await recordResources(() => new DockerWebTier("web", { host: testDockerHost(hostOverrides), ...args }));
    const containers = graph.ofType(T.container);
    const replicas = containers.filter((c) => c.name.startsWith("web-app-")).sort((a, b) => a.name.localeCompare(b.name));
    const commandByName = (n: string) => graph.byName(n);
    const file = (path: string): RecordedResource => {
        const found = graph.ofType(T.command).filter((c) => String(c.inputs.create).startsWith(`${FILE_MARKER}/srv/slipway/${path}\n`));
        expect(found, path).toHaveLength(1);
        return found[0];
    };
    return { graph, tier: result, containers, replicas, edge: graph.byName("web-edge"), commandByName, file };
}

/** Every place a value occurs in plain text (not inside a SecretValue). */
function plainOccurrences(v: unknown, needle: string, path = ""): string[] {
    if (isSecretValue(v)) return [];
    if (typeof v === "string") return v.includes(needle) ? [path] : [];
    if (Array.isArray(v)) return v.flatMap((x, i) => plainOccurrences(x, needle, `${path}[${i}]`));
    if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => plainOccurrences(x, needle, `${path}.${k}`));
    return [];
}

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");
const labels = (c: RecordedResource): Record<string, unknown> =>
    Object.fromEntries((c.inputs.labels as Array<{ label: string; value: unknown }>).map((l) => [l.label, l.value]));

/** A DockerHost for normalize tests: no resources are registered. */
const fakeHost = (overrides: Partial<DockerHost> = {}): DockerHost => ({
    provider: {} as DockerHost["provider"],
    stack: "test",
    instanceId: "droplet-1",
    dataDir: "/srv/slipway",
    files: localHostFiles("/srv/slipway"),
    memoryMiB: 4096,
    networks: { edge: "test-edge", data: "test-data" },
    ...overrides,
});

describe("normalizeDockerWebTierArgs", () => {
    it("applies the safe defaults: loopback publish, staging Let's Encrypt, non-root user, /metrics hidden", () => {
        const a = normalizeDockerWebTierArgs({ ...vpsArgs({ publish: { http: 80, https: 443, ip: "0.0.0.0" } }), host: fakeHost() });
        expect(a.tls).toEqual({ mode: "letsencrypt", email: "ops@example.com", staging: true });
        expect(a).toMatchObject({ user: "1000:1000", rateLimitBurst: 50, staticPathPrefix: "/static/", denyPaths: ["/metrics"], hstsPreload: false, maxBodySizeMiB: 10 });
        expect(a.authPaths).toEqual(["/login", "/auth/", "/api/auth/"]);
        const local = normalizeDockerWebTierArgs({ ...localArgs(), host: fakeHost() });
        expect(local.publish).toEqual({ http: 8080, https: 8443, ip: "127.0.0.1" });
    });

    it.each<[Partial<DockerWebTierArgs>, Partial<DockerHost>, RegExp]>([
        [{}, { networks: undefined }, /host.networks is missing/],
        [{ tls: { mode: "letsencrypt", email: "ops@example.com" }, publish: { http: 8080, https: 443, ip: "0.0.0.0" } }, {}, /publish\.http is 8080; expected 80, where Let's Encrypt validates/],
        [{ tls: { mode: "letsencrypt", email: "ops@example.com" }, publish: { http: 80, https: 443 } }, {}, /publish\.ip is "127\.0\.0\.1"; expected "0\.0\.0\.0": Let's Encrypt must reach port 80/],
        [{ tls: { mode: "letsencrypt", email: "not-an-email" } }, {}, /tls\.email is "not-an-email"; expected an email address/],
        [{ tls: { mode: "acme" } as never }, {}, /tls.mode is "acme"/],
        [{ publish: { http: 8443, https: 8443 } }, {}, /publish\.https is 8443; expected a port different from publish\.http \(8443\)/],
        [{ publish: { http: 80, https: 443, ip: "localhost" } }, {}, /publish.ip is "localhost"/],
        [{ replicas: 4, memoryMiB: 1024 }, {}, /memoryMiB is 1024; expected replicas \(4\) × memoryMiB .*the host's 4096 MiB \(4352 MiB needed\)/],
        [{ port: 80 }, {}, /port is 80.*cannot bind below 1024/],
        [{ user: "0:0" }, {}, /user is "0:0"/],
        [{ rateLimitExemptCidrs: ["everyone"] }, {}, /rateLimitExemptCidrs is "everyone"; expected IP addresses or CIDR blocks/],
    ])("refuses %j", (extra, host, message) => {
        expect(() => normalizeDockerWebTierArgs({ ...localArgs(), ...extra, host: fakeHost(host) })).toThrow(ComponentArgError);
        expect(() => normalizeDockerWebTierArgs({ ...localArgs(), ...extra, host: fakeHost(host) })).toThrow(message);
    });

    it("normalizes the neutral edge arguments on their own", () => {
        expect(normalizeWebTierEdgeArgs({})).toEqual({ authPaths: ["/login", "/auth/", "/api/auth/"], authRateLimitPerMinute: 10, maxBodySizeMiB: 10 });
        expect(normalizeWebTierEdgeArgs({ authPaths: ["/session"], authRateLimitPerMinute: 3, maxBodySizeMiB: 50 })).toEqual({
            authPaths: ["/session"],
            authRateLimitPerMinute: 3,
            maxBodySizeMiB: 50,
        });
        expect(() => normalizeWebTierEdgeArgs({ authPaths: ["login"] })).toThrow(/authPaths is "login"; expected paths that start with "\/"/);
        expect(() => normalizeWebTierEdgeArgs({ authPaths: ["/a", "/a"] })).toThrow(/twice/);
        expect(() => normalizeWebTierEdgeArgs({ maxBodySizeMiB: 0 })).toThrow(/maxBodySizeMiB is 0/);
        expect(() => normalizeWebTierEdgeArgs({ authRateLimitPerMinute: 1.5 })).toThrow(/authRateLimitPerMinute is 1.5/);
    });
});

describe("DockerWebTier (local: self-signed, loopback)", () => {
    it("parents and prefixes every child", async () => {
        const { graph } = await build(localArgs());
        const children = expectParentedAndPrefixed(graph, T.component, "web", isTestProvider);
        // 3 replicas + edge, key + cert, 2 cert files, conf file, reload, 2 secret files, owner probe.
        expect(children).toHaveLength(13);
    });

    it("runs `replicas` auto-named, unpublished app containers that roll in order", async () => {
        const { replicas } = await build(localArgs());
        expect(replicas.map((r) => r.name)).toEqual(["web-app-0", "web-app-1", "web-app-2"]);
        for (const [i, r] of replicas.entries()) {
            expect(r.inputs.name, r.name).toBeUndefined();
            expect(r.inputs.ports ?? [], r.name).toEqual([]);
            expect(r.deleteBeforeReplace, r.name).toBe(false);
            expect(r.inputs.image).toBe("slipway-app:dev");
            expect(r.inputs.networksAdvanced).toEqual([
                { name: "test-edge", aliases: ["app"] },
                { name: "test-data" },
            ]);
            expect(r.inputs.wait).toBe(true);
            expect((r.inputs.healthcheck as { tests: string[] }).tests).toEqual(["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]);
            expect(r.inputs).toMatchObject({ readOnly: true, user: "1000:1000", memory: 512, memorySwap: 512, cpuShares: 512 });
            expect(Object.keys(r.inputs.tmpfs as object)).toEqual(["/tmp"]);
            expect(labels(r)).toMatchObject({ "host.instance": "droplet-123", "slipway.component": "web-tier", "slipway.replica": String(i) });
            expect(r.dependencies.filter((d) => d.includes("Container")), r.name).toEqual(i === 0 ? [] : [replicas[i - 1].urn]);
        }
    });

    it("hardens every container the same way", async () => {
        const { containers } = await build(vpsArgs());
        expect(containers.length).toBe(4);
        for (const c of containers) {
            expect(c.inputs, c.name).toMatchObject({
                restart: "unless-stopped",
                logDriver: "json-file",
                logOpts: { "max-size": "10m", "max-file": "3" },
                privileged: false,
                securityOpts: ["no-new-privileges:true"],
                init: true,
                readOnly: true,
            });
            expect((c.inputs.capabilities as { drops: string[] }).drops, c.name).toEqual(["ALL"]);
            expect(c.inputs.memory, c.name).toBeGreaterThan(0);
            expect(c.inputs.healthcheck, c.name).toBeDefined();
            expect(c.inputs.networkMode, c.name).toBeUndefined();
            expect(labels(c)["host.instance"], c.name).toBe("droplet-123");
        }
    });

    it("publishes only the edge, on loopback, 80/443 inside to the given host ports", async () => {
        const { containers, edge } = await build(localArgs());
        for (const c of containers.filter((x) => x !== edge)) expect(c.inputs.ports ?? [], c.name).toEqual([]);
        expect(edge.inputs.ports).toEqual([
            { internal: 80, external: 8080, ip: "127.0.0.1", protocol: "tcp" },
            { internal: 443, external: 8443, ip: "127.0.0.1", protocol: "tcp" },
        ]);
        expect(edge.inputs.name).toBe("test-edge");
        expect(edge.deleteBeforeReplace).toBe(true);
        expect(edge.inputs.image).toBe(images.nginx);
        expect(edge.inputs.networksAdvanced).toEqual([{ name: "test-edge", aliases: ["edge"] }]);
        expect((edge.inputs.capabilities as { adds: string[] }).adds.sort()).toEqual(["CHOWN", "DAC_READ_SEARCH", "NET_BIND_SERVICE", "SETGID", "SETUID"]);
    });

    it("passes the app's secrets as NAME_FILE paths to mounted 0640 files, never in the environment", async () => {
        const { graph, replicas, file } = await build(localArgs());
        const dbFile = file("app/secrets/DATABASE_URL");
        const redisFile = file("app/secrets/REDIS_URL");
        for (const [f, want] of [[dbFile, DB_URL], [redisFile, REDIS_URL]] as const) {
            expect(String(f.inputs.create)).toContain("chmod 0640");
            // REDIS_URL was passed as a plain string and is still a secret.
            expect(isSecretValue(f.inputs.stdin), f.name).toBe(true);
            expect(reveal(f.inputs.stdin)).toBe(`${want}\n`);
        }
        const probe = graph.byName("web-secrets-owner");
        expect(String(probe.inputs.create)).toContain("# slipway-file-owner");
        for (const r of replicas) {
            const envs = r.inputs.envs as unknown[];
            expect(envs.some(isSecretValue), r.name).toBe(false);
            expect(envs).toEqual([
                "PORT=8080",
                "NODE_ENV=production",
                "LOG_LEVEL=info",
                "DATABASE_URL_FILE=/run/secrets/app/DATABASE_URL",
                "REDIS_URL_FILE=/run/secrets/app/REDIS_URL",
            ]);
            expect(r.inputs.volumes).toEqual([{ hostPath: "/srv/slipway/app/secrets", containerPath: "/run/secrets/app", readOnly: true }]);
            // The app keeps its uid and joins the files' group (the owner the host reports: 1000:1000 in the mocks).
            expect(r.inputs.user).toBe("1000:1000");
            expect(r.inputs.groupAdds).toEqual(["1000"]);
            expect(r.dependencies).toEqual(expect.arrayContaining([dbFile.urn, redisFile.urn]));
            expect(String(labels(r)["slipway.secrets-revision"])).toMatch(/^[0-9a-f]{16}$/);
        }
        for (const r of graph.resources) {
            expect(plainOccurrences(r.inputs, "s3cr3t-db-pass"), r.name).toEqual([]);
            expect(plainOccurrences(r.inputs, "s3cr3t-redis-pass"), r.name).toEqual([]);
        }
    });

    it("rolls the replicas when a secret changes, and mounts nothing without secrets", async () => {
        const revision = async (db: string) => labels((await build(localArgs({ secrets: { DATABASE_URL: db, REDIS_URL } }))).replicas[0])["slipway.secrets-revision"];
        expect(await revision(DB_URL)).toBe(await revision(DB_URL));
        expect(await revision(DB_URL)).not.toBe(await revision(`${DB_URL}x`));
        const { replicas, graph } = await build(localArgs({ secrets: {} }));
        expect(replicas[0].inputs.volumes).toBeUndefined();
        expect(replicas[0].inputs.groupAdds).toBeUndefined();
        expect(graph.resources.some((r) => /secret/.test(r.name))).toBe(false);
        expect(() => normalizeDockerWebTierArgs({ host: testDockerHost(), ...localArgs({ env: { DATABASE_URL_FILE: "/x" } }) })).toThrow(
            /env\.DATABASE_URL_FILE is "\/x"; expected no DATABASE_URL_FILE in env: on Docker the secret DATABASE_URL reaches the app as DATABASE_URL_FILE/,
        );
    });

    it("writes a self-signed ECDSA P-256 certificate for the domain and localhost, the key 0600 and secret", async () => {
        const { graph, file } = await build(localArgs());
        expect(graph.one(T.key).inputs).toMatchObject({ algorithm: "ECDSA", ecdsaCurve: "P256" });
        const cert = graph.one(T.cert);
        expect(cert.inputs.dnsNames).toEqual(["app.slipway.test", "localhost"]);
        expect(isSecretValue(cert.inputs.privateKeyPem)).toBe(true);
        const keyFile = file("nginx/certs/privkey.pem");
        expect(String(keyFile.inputs.create)).toContain("chmod 0600");
        expect(isSecretValue(keyFile.inputs.stdin)).toBe(true);
        expect(String(reveal(keyFile.inputs.stdin))).toContain("PRIVATE KEY");
        const certFile = file("nginx/certs/fullchain.pem");
        expect(String(certFile.inputs.create)).toContain("chmod 0644");
        expect(String(certFile.inputs.stdin)).toContain("BEGIN CERTIFICATE");
        // No Let's Encrypt parts on the self-signed path.
        expect(graph.resources.some((r) => /certbot|acme|placeholder/.test(r.name))).toBe(false);
    });

    it("renders nginx.conf to the host with the replicas as upstreams; the edge mounts it and is reloaded by hash", async () => {
        const { file, edge, replicas, commandByName, tier } = await build(localArgs());
        const conf = file("nginx/nginx.conf");
        const text = String(conf.inputs.stdin);
        const names = (await resolve(tier.replicaNames)).value;
        expect(names).toHaveLength(3);
        expect(names.every((n) => n.startsWith("web-app-"))).toBe(true);
        for (const n of names) expect(text).toContain(`server ${n}:8080 max_fails=3 fail_timeout=10s resolve;`);
        expect(text).toContain("resolver 127.0.0.11");
        expect(text).toContain("ssl_certificate /etc/slipway/nginx/certs/fullchain.pem;");
        expect(text).toContain("ssl_certificate_key /etc/slipway/nginx/certs/privkey.pem;");
        // Built from the domain and the published port, never from the client's Host.
        expect(text).toContain("return 301 https://app.slipway.test:8443$request_uri;");
        expect(text).toContain("proxy_set_header Host app.slipway.test:8443;");
        expect(text).toContain("user nginx;");
        expect(text).toContain("location ^~ /metrics");
        expect(text).toContain(`rate=100r/m`);
        expect(text).not.toContain("acme-challenge");
        for (const r of replicas) expect(conf.dependencies).toContain(r.urn);

        // The edge depends on the file but does not take its content: a config change reloads.
        expect(edge.dependencies).toContain(conf.urn);
        expect(JSON.stringify(edge.inputs)).not.toContain("limit_req_zone");
        expect(edge.inputs.volumes).toEqual([{ hostPath: "/srv/slipway/nginx", containerPath: "/etc/slipway/nginx", readOnly: true }]);
        expect(edge.inputs.command).toEqual(["exec nginx -c /etc/slipway/nginx/nginx.conf -g 'daemon off;'"]);

        const reload = commandByName("web-edge-reload");
        expect(reload.inputs.create).toBe(
            "docker exec test-edge nginx -c /etc/slipway/nginx/nginx.conf -t && docker exec test-edge nginx -c /etc/slipway/nginx/nginx.conf -s reload",
        );
        const certPem = String(file("nginx/certs/fullchain.pem").inputs.stdin);
        expect(reload.inputs.triggers).toEqual([sha256(text), sha256(certPem)]);
        expect(reload.dependencies).toEqual(expect.arrayContaining([edge.urn, conf.urn]));
    });

    it("passes the edge policy arguments into the config", async () => {
        const { file } = await build(
            localArgs({
                rateLimitPerMinute: 600,
                rateLimitBurst: 120,
                rateLimitExemptCidrs: ["127.0.0.1/32"],
                authPaths: ["/session"],
                authRateLimitPerMinute: 3,
                maxBodySizeMiB: 25,
                healthPath: "/healthz",
                port: 3000,
                staticPathPrefix: false,
                hstsPreload: true,
            }),
        );
        const text = String(file("nginx/nginx.conf").inputs.stdin);
        expect(text).toContain("rate=600r/m");
        expect(text).toContain("burst=120 nodelay");
        expect(text).toContain("rate=3r/m");
        expect(text).toContain("location ^~ /session");
        expect(text).not.toContain("location ^~ /login");
        expect(text).toContain("client_max_body_size 25m;");
        expect(text).toContain(`proxy_pass http://${nginxNames.upstream}/healthz;`);
        expect(text).toMatch(/server web-app-0-[0-9a-f]+:3000 /);
        expect(text).toContain(`geo ${nginxNames.exemptVar}`);
        expect(text).not.toContain("/static/");
        expect(text).toContain("includeSubDomains; preload");
    });

    it("fails at construction, not inside an apply, when an argument cannot go into nginx.conf", async () => {
        await expect(build(localArgs({ contentSecurityPolicy: 'default-src "self"' }))).rejects.toThrow(/contentSecurityPolicy/);
        await expect(build(localArgs({ denyPaths: ["/login"] }))).rejects.toThrow(/listed once/);
    });

    it("exposes the outputs the stack and the monitoring need", async () => {
        const { tier } = await build(localArgs());
        expect((await resolve(tier.url)).value).toBe("https://app.slipway.test:8443");
        expect((await resolve(tier.edgeContainerName)).value).toBe("test-edge");
        expect((await resolve(tier.appPort)).value).toBe(8080);
        expect((await resolve(tier.nginxStatusUrl)).value).toBe("http://edge:8081/stub_status");
        expect((await resolve(tier.certificatePath)).value).toBe("/srv/slipway/nginx/certs/fullchain.pem");
        expect((await resolve(tier.replicaNames)).secret).toBe(false);
    });
});

describe("DockerWebTier (vps: Let's Encrypt)", () => {
    it("starts nginx on a placeholder, issues with certbot once nginx serves the challenge, then renews in a container", async () => {
        const { graph, edge, file, commandByName, tier } = await build(vpsArgs());
        expect(edge.inputs.ports).toEqual([
            { internal: 80, external: 80, ip: "0.0.0.0", protocol: "tcp" },
            { internal: 443, external: 443, ip: "0.0.0.0", protocol: "tcp" },
        ]);
        // The placeholder goes beside, and is copied in only when no certificate is there yet.
        const keyFile = file("nginx/certs/placeholder/privkey.pem");
        expect(String(keyFile.inputs.create)).toContain("chmod 0600");
        const placeholder = commandByName("web-tls-placeholder");
        expect(placeholder.inputs.create).toBe(installPlaceholderCommand("/srv/slipway/nginx/certs", "/srv/slipway/nginx/certs/placeholder"));
        expect(placeholder.dependencies).toContain(keyFile.urn);
        const dirs = commandByName("web-acme-dirs");
        expect(String(dirs.inputs.create)).toContain("chmod 0755 '/srv/slipway/acme/webroot'");
        expect(edge.dependencies).toEqual(expect.arrayContaining([placeholder.urn, dirs.urn, file("nginx/nginx.conf").urn]));

        const text = String(file("nginx/nginx.conf").inputs.stdin);
        expect(text).toContain("location ^~ /.well-known/acme-challenge/");
        expect(text).toContain("root /var/www/acme;");
        expect(text).toContain("return 301 https://app.example.com$request_uri;");
        expect(text).toContain("proxy_set_header Host app.example.com;");
        expect(edge.inputs.volumes).toEqual([
            { hostPath: "/srv/slipway/nginx", containerPath: "/etc/slipway/nginx", readOnly: true },
            { hostPath: "/srv/slipway/acme/webroot", containerPath: "/var/www/acme", readOnly: true },
        ]);
        // Renewed certificates are picked up by a periodic reload.
        expect(String((edge.inputs.command as string[])[0])).toMatch(/^while :; do sleep 21600; nginx -c \/etc\/slipway\/nginx\/nginx.conf -s reload; done & exec nginx/);

        const issue = commandByName("web-acme-issue");
        const create = String(issue.inputs.create);
        expect(create).toContain("docker run --rm --cap-drop ALL");
        expect(create).toContain(letsEncryptDirectories.staging);
        expect(create).not.toContain(letsEncryptDirectories.production);
        expect(create).toContain("'/srv/slipway/acme/letsencrypt:/etc/letsencrypt'");
        expect(create).toContain(images.certbot);
        expect(create).toContain("docker exec test-edge nginx -c /etc/slipway/nginx/nginx.conf -s reload");
        expect(issue.inputs.triggers).toEqual(["app.example.com", "ops@example.com", true]);
        expect(graph.dependsOn(issue, edge)).toBe(true);

        const certbot = graph.byName("web-certbot");
        expect(certbot.inputs).toMatchObject({ name: "test-certbot", image: images.certbot, readOnly: true });
        expect(certbot.inputs.ports ?? []).toEqual([]);
        expect(certbot.dependencies).toContain(issue.urn);
        expect(certbot.deleteBeforeReplace).toBe(true);
        expect((certbot.inputs.command as string[])[0]).toBe(certbotRenewLoop("/etc/letsencrypt"));
        expect(certbot.inputs.volumes).toEqual([
            { hostPath: "/srv/slipway/acme/letsencrypt", containerPath: "/etc/letsencrypt" },
            { hostPath: "/srv/slipway/acme/webroot", containerPath: "/var/www/acme" },
            { hostPath: "/srv/slipway/nginx/certs", containerPath: "/etc/slipway/nginx/certs" },
        ]);
        // The reload follows the config only: the placeholder never replaces an issued certificate.
        expect(commandByName("web-edge-reload").inputs.triggers).toEqual([sha256(text)]);
        expect((await resolve(tier.url)).value).toBe("https://app.example.com");
    });

    it("uses the production directory when staging is false", async () => {
        const { commandByName } = await build(vpsArgs({ tls: { mode: "letsencrypt", email: "ops@example.com", staging: false } }));
        const create = String(commandByName("web-acme-issue").inputs.create);
        expect(create).toContain(letsEncryptDirectories.production);
        expect(create).not.toContain(letsEncryptDirectories.staging);
        expect(create).not.toContain("--break-my-certs");
    });
});

// ---- the ACME shell, checked by a real sh ----

const sh = (script: string, env: Record<string, string> = {}): string =>
    execFileSync("/bin/sh", ["-c", script], { encoding: "utf8", env: { ...process.env, ...env } });

describe("acme scripts", () => {
    const paths = { state: "/etc/letsencrypt", webroot: "/var/www/acme", certs: "/etc/slipway/nginx/certs" };

    it("keeps the deploy hook to one line with double quotes only (certbot's renewal config holds it)", () => {
        const hook = certbotDeployHook(paths.certs);
        expect(hook).not.toMatch(/['\n#]/);
        expect(hook).toContain('"$RENEWED_LINEAGE/privkey.pem"');
    });

    it("deploy hook: copies a lineage into the nginx directory with 0600 for the key", () => {
        const dir = mkdtempSync(join(tmpdir(), "slipway-hook-"));
        const lineage = join(dir, "live");
        const certs = join(dir, "certs");
        mkdirSync(lineage);
        mkdirSync(certs);
        writeFileSync(join(lineage, "privkey.pem"), "KEY");
        writeFileSync(join(lineage, "fullchain.pem"), "CHAIN");
        sh(certbotDeployHook(certs), { RENEWED_LINEAGE: lineage });
        expect(readFileSync(join(certs, "privkey.pem"), "utf8")).toBe("KEY");
        expect(statSync(join(certs, "privkey.pem")).mode & 0o777).toBe(0o600);
        expect(statSync(join(certs, "fullchain.pem")).mode & 0o777).toBe(0o644);
    });

    it("placeholder: installs only when no certificate is there yet", () => {
        const dir = mkdtempSync(join(tmpdir(), "slipway-ph-"));
        const certs = join(dir, "certs");
        const ph = join(certs, "placeholder");
        mkdirSync(ph, { recursive: true });
        writeFileSync(join(ph, "privkey.pem"), "PH-KEY");
        chmodSync(join(ph, "privkey.pem"), 0o600);
        writeFileSync(join(ph, "fullchain.pem"), "PH-CHAIN");
        sh(installPlaceholderCommand(certs, ph));
        expect(readFileSync(join(certs, "fullchain.pem"), "utf8")).toBe("PH-CHAIN");
        expect(statSync(join(certs, "privkey.pem")).mode & 0o777).toBe(0o600);
        writeFileSync(join(certs, "fullchain.pem"), "ISSUED");
        sh(installPlaceholderCommand(certs, ph));
        expect(readFileSync(join(certs, "fullchain.pem"), "utf8")).toBe("ISSUED");
    });

    it("issue script: runs certonly with the webroot, keeps a valid certificate, forces one when the CA changes", () => {
        const dir = mkdtempSync(join(tmpdir(), "slipway-issue-"));
        const state = join(dir, "le");
        const certs = join(dir, "certs");
        const bin = join(dir, "bin");
        mkdirSync(join(state, "renewal"), { recursive: true });
        mkdirSync(join(state, "live", "app.example.com"), { recursive: true });
        mkdirSync(certs);
        mkdirSync(bin);
        writeFileSync(join(state, "live", "app.example.com", "privkey.pem"), "LE-KEY");
        writeFileSync(join(state, "live", "app.example.com", "fullchain.pem"), "LE-CHAIN");
        // A fake certbot that records its arguments one per line.
        writeFileSync(join(bin, "certbot"), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > ${dir}/argv\n`);
        chmodSync(join(bin, "certbot"), 0o755);
        const run = (staging: boolean) => {
            sh(certbotIssueScript({ domain: "app.example.com", email: "ops@example.com", staging, paths: { state, webroot: "/var/www/acme", certs } }), {
                PATH: `${bin}:${process.env.PATH}`,
            });
            return readFileSync(join(dir, "argv"), "utf8").trim().split("\n");
        };
        const first = run(false);
        expect(first.slice(0, 2)).toEqual(["certonly", "--non-interactive"]);
        expect(first).toEqual(expect.arrayContaining(["--webroot", "--webroot-path", "/var/www/acme", "--keep-until-expiring", "--cert-name", "app.example.com"]));
        expect(first[first.indexOf("--server") + 1]).toBe(letsEncryptDirectories.production);
        expect(first[first.indexOf("--deploy-hook") + 1]).toBe(certbotDeployHook(certs));
        expect(first).not.toContain("--force-renewal");
        // The hook ran by hand: the lineage is in the nginx directory.
        expect(readFileSync(join(certs, "fullchain.pem"), "utf8")).toBe("LE-CHAIN");

        // The lineage came from staging: switching to production forces a new certificate.
        writeFileSync(join(state, "renewal", "app.example.com.conf"), `server = ${letsEncryptDirectories.staging}\n`);
        expect(run(false)).toContain("--force-renewal");
        writeFileSync(join(state, "renewal", "app.example.com.conf"), `server = ${letsEncryptDirectories.production}\n`);
        expect(run(false)).not.toContain("--force-renewal");
        expect(run(true)).toEqual(expect.arrayContaining(["--force-renewal", "--break-my-certs"]));
    });

    it("run command: the script reaches the container intact and failure explains itself", () => {
        const script = certbotIssueScript({ domain: "app.example.com", email: "ops@example.com", staging: true, paths });
        const cmd = certbotRunCommand({
            image: images.certbot,
            mounts: [{ host: "/srv/slipway/acme/letsencrypt", container: "/etc/letsencrypt" }],
            script,
            memoryMiB: 256,
            then: "echo reloaded",
            domain: "app.example.com",
        });
        // A fake docker prints its arguments; the `-c` argument must be the script byte for byte.
        const out = sh(`docker() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${cmd}`);
        const argv = out.split("\0");
        expect(argv.slice(0, 2)).toEqual(["run", "--rm"]);
        expect(argv[argv.indexOf("-c") + 1]).toBe(script);
        expect(argv).toContain("/srv/slipway/acme/letsencrypt:/etc/letsencrypt");
        expect(out).toContain("reloaded");
        expect(() => execFileSync("/bin/sh", ["-c", `docker() { return 1; }\n${cmd}`], { encoding: "utf8", stdio: "pipe" })).toThrow(
            /could not issue a certificate for app.example.com/,
        );
    });

    it("renew loop and every script parse as sh", () => {
        for (const s of [
            certbotRenewLoop("/etc/letsencrypt"),
            certbotIssueScript({ domain: "app.example.com", email: "ops@example.com", staging: false, paths }),
            installPlaceholderCommand("/a/certs", "/a/certs/placeholder"),
        ]) {
            execFileSync("/bin/sh", ["-n", "-c", s]);
        }
        expect(certbotRenewLoop("/etc/letsencrypt")).toContain("certbot renew --non-interactive --config-dir /etc/letsencrypt");
        expect(() => certbotIssueScript({ domain: "app.example.com", email: "x'; rm -rf /;'@e.com", staging: true, paths })).toThrow(/email/);
        expect(() => certbotRenewLoop("/etc/letsencrypt", 10)).toThrow(/at least 60/);
    });
});
