import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { posix } from "node:path";
import { SlipwayComponent } from "../shared/component";
import { hardenedContainerArgs, healthCmd, type DockerHost } from "../shared/docker";
import { contentHash, shellQuote } from "../shared/host-files";
import { fileOwnerProbe, parseFileOwner } from "../monitoring/docker";
import { hostPaths, images, serviceAliases, servicePorts } from "../shared/images";
import { certbotCapabilities, certbotIssueScript, certbotRenewLoop, certbotRunCommand, certFiles, installPlaceholderCommand } from "./acme";
import { normalizeWebTierArgs, normalizeWebTierEdgeArgs, type NormalizedWebTierArgs, type NormalizedWebTierEdgeArgs, type WebTierArgs } from "./index";
import { isAddressOrCidr, nginxReloadCommand, renderNginxConf, type NginxConfOptions } from "./nginx-conf";
import { argError, withComponent } from "../shared/errors";

/** How the edge gets its certificate. */
export type DockerWebTierTls =
    /** A certificate from `@pulumi/tls` for the domain and localhost: browsers warn; for `local`. */
    | { mode: "self-signed" }
    /**
     * Let's Encrypt over HTTP-01 (needs `domain` pointing at the host and port 80 reachable).
     * `staging` issues untrusted test certificates with high rate limits.
     */
    | { mode: "letsencrypt"; email: string; staging?: boolean };

/** Host ports the edge publishes. Only the edge publishes anything. */
export interface DockerWebTierPublish {
    /** Host port for HTTP (redirects and ACME challenges). */
    http: number;
    /** Host port for HTTPS. */
    https: number;
    /** Host address to bind. */
    ip?: string;
}

/** Docker-only settings and wiring of the web tier. */
export interface DockerWebTierArgs extends WebTierArgs {
    /**
     * The Docker host (provider, data directory, files, networks) to run on.
     * @default required
     * @example
     * ```ts
     * { host: dockerHost }
     * ```
     */
    host: DockerHost;
    /**
     * Where the edge's certificate comes from.
     * @default required
     * @example
     * ```ts
     * { tls: { mode: "letsencrypt", email: "ops@example.com", staging: false } }
     * ```
     */
    tls: DockerWebTierTls;
    /**
     * Host ports (and address) the edge publishes. Let's Encrypt needs `http: 80` on a public address.
     * @default required; `ip` defaults to "127.0.0.1" (only this machine)
     * @example
     * ```ts
     * { publish: { http: 80, https: 443, ip: "0.0.0.0" } }  // vps
     * { publish: { http: 8080, https: 8443 } }               // local
     * ```
     */
    publish: DockerWebTierPublish;
    /**
     * The uid[:gid] the app runs as (never root). The sample app's node image has `node` as 1000.
     * @default "1000:1000"
     * @example
     * ```ts
     * { user: "10001:10001" }
     * ```
     */
    user?: string;
    /**
     * Requests one client IP may make at once above the per-minute rate before getting 429.
     * @default 50
     * @example
     * ```ts
     * { rateLimitBurst: 100 }
     * ```
     */
    rateLimitBurst?: number;
    /**
     * Client addresses or CIDR blocks the rate limits do not apply to (e.g. a load generator).
     * @default []
     * @example
     * ```ts
     * { rateLimitExemptCidrs: ["127.0.0.1/32"] }
     * ```
     */
    rateLimitExemptCidrs?: string[];
    /**
     * Path prefix of fingerprinted static assets, served with a one-year immutable cache header;
     * `false` for none.
     * @default "/static/"
     * @example
     * ```ts
     * { staticPathPrefix: "/assets/" }
     * ```
     */
    staticPathPrefix?: string | false;
    /**
     * Path prefixes the edge answers 404 for (the app still serves them on the internal network).
     * @default ["/metrics"] (Prometheus scrapes the replicas directly)
     * @example
     * ```ts
     * { denyPaths: ["/metrics", "/debug/"] }
     * ```
     */
    denyPaths?: string[];
    /**
     * The Content-Security-Policy header.
     * @default "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
     * @example
     * ```ts
     * { contentSecurityPolicy: "default-src 'self'; img-src 'self' https://cdn.example.com; frame-ancestors 'none'" }
     * ```
     */
    contentSecurityPolicy?: string;
    /**
     * Add `preload` to HSTS (only after submitting the domain to hstspreload.org; hard to undo).
     * @default false
     * @example
     * ```ts
     * { hstsPreload: true }
     * ```
     */
    hstsPreload?: boolean;
}

/** `DockerWebTierArgs` with every default applied and every value checked. */
export interface NormalizedDockerWebTierArgs extends NormalizedWebTierArgs, NormalizedWebTierEdgeArgs {
    host: DockerHost;
    networks: { edge: pulumi.Input<string>; data: pulumi.Input<string> };
    tls: { mode: "self-signed" } | { mode: "letsencrypt"; email: string; staging: boolean };
    publish: Required<DockerWebTierPublish>;
    user: string;
    rateLimitBurst: number;
    rateLimitExemptCidrs: string[];
    staticPathPrefix: string | false;
    denyPaths: string[];
    contentSecurityPolicy?: string;
    hstsPreload: boolean;
}

export const dockerWebTierDefaults = {
    user: "1000:1000",
    publishIp: "127.0.0.1",
    rateLimitBurst: 50,
    staticPathPrefix: "/static/",
    denyPaths: ["/metrics"],
    hstsPreload: false,
    /** nginx with 1000 connections and 10m bodies buffering to tmpfs stays well under this. */
    edgeMemoryMiB: 256,
    /** certbot sleeps between `renew` runs, which peak well under 100 MiB (Python, acme, cryptography). */
    certbotMemoryMiB: 128,
} as const;

/** Host directory (under the data directory) of the app's secret files, one file per secret. */
export const webTierSecretsDir = "app/secrets";

/** Where the app replicas see their mounts. */
export const webTierContainerPaths = {
    /** The secrets directory, read-only: `NAME_FILE=/run/secrets/app/NAME`. */
    secrets: "/run/secrets/app",
} as const;

/** Where things are inside the edge and certbot containers (the renderer takes them as options). */
export const edgeContainerPaths = {
    /** The host's nginx directory (config and certificates), mounted whole, read-only. */
    confDir: "/etc/slipway/nginx",
    webroot: "/var/www/acme",
    letsencrypt: "/etc/letsencrypt",
    tempDir: "/var/cache/nginx",
    staticCacheDir: "/var/cache/nginx/static",
    pidFile: "/run/nginx.pid",
} as const;

const userRe = /^\d+(:\d+)?$/;
const emailRe = /^[^\s@'"\\`$;&|<>()]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const isInt = (n: number, min: number, max = Number.MAX_SAFE_INTEGER): boolean => Number.isInteger(n) && n >= min && n <= max;

/** `normalizeWebTierArgs` plus what the Docker target needs; throws a sentence naming the key and value. */
export function normalizeDockerWebTierArgs(args: DockerWebTierArgs): NormalizedDockerWebTierArgs {
    const base = normalizeWebTierArgs(args);
    const edgeArgs = normalizeWebTierEdgeArgs(args);
    const host = args.host;
    if (!host) throw argError("host", undefined, "the DockerHost the payload runs on");
    if (!host.networks) throw argError("host.networks", undefined, "the DockerNetwork's edge and data network names");
    if (base.port < 1024) {
        throw argError("port", base.port, "a port from 1024 to 65535: the app runs as a non-root user without capabilities and cannot bind below 1024");
    }

    const t = args.tls;
    let tlsArgs: NormalizedDockerWebTierArgs["tls"];
    if (t?.mode === "self-signed") tlsArgs = { mode: "self-signed" };
    else if (t?.mode === "letsencrypt") {
        if (!emailRe.test(t.email ?? "")) throw argError("tls.email", t.email, "an email address, the Let's Encrypt account contact, e.g. ops@example.com");
        tlsArgs = { mode: "letsencrypt", email: t.email, staging: t.staging ?? true };
    } else {
        throw argError("tls.mode", (t as { mode?: unknown } | undefined)?.mode, `"self-signed" or "letsencrypt"`);
    }

    const p = args.publish;
    if (!p) throw argError("publish", undefined, "the host ports for HTTP and HTTPS, e.g. { http: 80, https: 443 }");
    if (!isInt(p.http, 1, 65535)) throw argError("publish.http", p.http, "an integer from 1 to 65535");
    if (!isInt(p.https, 1, 65535)) throw argError("publish.https", p.https, "an integer from 1 to 65535");
    if (p.http === p.https) throw argError("publish.https", p.https, `a port different from publish.http (${p.http})`);
    const ip = p.ip ?? dockerWebTierDefaults.publishIp;
    if (!isAddressOrCidr(ip) || ip.includes("/")) throw argError("publish.ip", ip, "an IP address such as 0.0.0.0 or 127.0.0.1");
    if (tlsArgs.mode === "letsencrypt") {
        // HTTP-01: Let's Encrypt connects to port 80 of the domain's address, from the internet.
        if (p.http !== 80) throw argError("publish.http", p.http, `80, where Let's Encrypt validates (or tls: { mode: "self-signed" })`);
        if (ip === "127.0.0.1" || ip === "::1") {
            throw argError("publish.ip", ip, `"0.0.0.0": Let's Encrypt must reach port 80 from the internet (or tls: { mode: "self-signed" })`);
        }
    }

    for (const k of Object.keys(base.secrets)) {
        if (`${k}_FILE` in base.env) throw argError(`env.${k}_FILE`, base.env[`${k}_FILE`], `no ${k}_FILE in env: on Docker the secret ${k} reaches the app as ${k}_FILE (a mounted file)`);
    }
    const user = args.user ?? dockerWebTierDefaults.user;
    if (!userRe.test(user) || /^0(:|$)/.test(user)) throw argError("user", user, "a numeric non-root uid[:gid] such as 1000:1000");
    const rateLimitBurst = args.rateLimitBurst ?? dockerWebTierDefaults.rateLimitBurst;
    if (!isInt(rateLimitBurst, 0)) throw argError("rateLimitBurst", rateLimitBurst, "a whole number from 0");
    const rateLimitExemptCidrs = [...(args.rateLimitExemptCidrs ?? [])];
    for (const c of rateLimitExemptCidrs) {
        if (!isAddressOrCidr(c)) throw argError("rateLimitExemptCidrs", c, "IP addresses or CIDR blocks such as 127.0.0.1/32");
    }
    const staticPathPrefix = args.staticPathPrefix ?? dockerWebTierDefaults.staticPathPrefix;
    const denyPaths = [...(args.denyPaths ?? dockerWebTierDefaults.denyPaths)];

    const edgeOverhead = dockerWebTierDefaults.edgeMemoryMiB + (tlsArgs.mode === "letsencrypt" ? dockerWebTierDefaults.certbotMemoryMiB : 0);
    const needed = base.replicas * base.memoryMiB + edgeOverhead;
    if (needed > host.memoryMiB) {
        throw argError(
            "memoryMiB",
            base.memoryMiB,
            `replicas (${base.replicas}) × memoryMiB plus ${edgeOverhead} MiB for the edge to fit the host's ${host.memoryMiB} MiB (${needed} MiB needed): lower replicas or memoryMiB, or use a bigger host`,
        );
    }
    return {
        ...base,
        ...edgeArgs,
        host,
        networks: host.networks,
        tls: tlsArgs,
        publish: { http: p.http, https: p.https, ip },
        user,
        rateLimitBurst,
        rateLimitExemptCidrs,
        staticPathPrefix,
        denyPaths,
        contentSecurityPolicy: args.contentSecurityPolicy,
        hstsPreload: args.hstsPreload ?? dockerWebTierDefaults.hstsPreload,
    };
}

/**
 * The web tier on one Docker host: an nginx edge (TLS 1.2+, HSTS/CSP and the other security
 * headers, gzip, per-IP rate limits with a stricter limit on auth paths, an unlimited `/health`,
 * a JSON access log, `stub_status` for the exporter) in front of `replicas` health-checked app
 * containers that roll one after another.
 *
 * - Replicas are auto-named and create-before-delete: a new replica must be healthy before the
 *   next one is touched and before nginx is pointed at it; the old ones go at the end of the
 *   deploy, so a bad image stops the roll with the old replicas still serving (the host briefly
 *   runs both sets: size `memoryMiB` for that).
 * - nginx reads its config from the host (`hostPaths.nginxConf`); a changed config rewrites the
 *   file and reloads nginx (`nginx -t && nginx -s reload`) instead of replacing the container.
 * - TLS: self-signed from `@pulumi/tls`, or Let's Encrypt via certbot (state on the data volume).
 * - Secrets reach the app as files, never as environment variables: `secrets.NAME` is the host
 *   file `app/secrets/NAME` (0640, the deploy user's group, which the replicas join), mounted
 *   read-only at `/run/secrets/app`, and the app gets `NAME_FILE=/run/secrets/app/NAME` (the
 *   sample app reads DATABASE_URL_FILE and REDIS_URL_FILE). A changed secret rolls the replicas.
 *
 * `maxReplicas` (no autoscaler on one host), `logRetentionDays` (container logs rotate by size),
 * `deletionProtection` and `protect` (nothing stateful here: certbot's state is a directory on
 * the data volume) have no Docker counterpart and are ignored.
 *
 * ## Cost
 * No extra charge: it runs on the host you already pay for. Replica count × `memoryMiB` (plus
 * ~0.5 GiB for nginx and certbot) is what decides the droplet size.
 */
export class DockerWebTier extends SlipwayComponent {
    /** The site's URL (`https://domain[:port]`). */
    public readonly url: pulumi.Output<string>;
    /** The nginx container's name (`<stack>-edge`). */
    public readonly edgeContainerName: pulumi.Output<string>;
    /** The replicas' container names (DNS names on both networks), in rolling order. */
    public readonly replicaNames: pulumi.Output<string[]>;
    /** The port the app listens on in each replica (for scraping `/metrics`). */
    public readonly appPort: pulumi.Output<number>;
    /** nginx `stub_status`, reachable from the edge network only (for the nginx exporter). */
    public readonly nginxStatusUrl: pulumi.Output<string>;
    /** Host path of the certificate chain nginx serves. */
    public readonly certificatePath: pulumi.Output<string>;

    constructor(name: string, args: DockerWebTierArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = withComponent("WebTier", name, () => normalizeDockerWebTierArgs(args));
        super("WebTier", name, opts);
        const host = a.host;
        const root = host.files.root;
        const onHost = (relative: string): string => posix.join(root, relative);
        const containerOpts = (extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions =>
            this.childOpts({ provider: host.provider, ...extra });

        // ---- app replicas ----
        // Secrets never enter the environment (`docker inspect` and the container's config on
        // disk would show them): each is a host file the replicas mount read-only, named by
        // NAME_FILE. The files are 0640, owned by the deploy user and its group; the app keeps
        // its own uid and joins that group as a supplementary group (`groupAdds`), found by
        // asking the host, so it can read them and no other container user can.
        const secretNames = Object.keys(a.secrets);
        const secretFiles = secretNames.map((k) =>
            host.files.write(this, this.childName(`secret-${k.toLowerCase().replace(/_/g, "-")}`), {
                path: posix.join(webTierSecretsDir, k),
                // Each secret stays a secret even if the caller passed a plain string.
                content: pulumi.secret(pulumi.output(a.secrets[k]).apply((v) => `${v}\n`)),
                mode: "0640",
            }),
        );
        const envs: pulumi.Input<string>[] = [
            `PORT=${a.port}`,
            ...Object.entries(a.env).map(([k, v]) => `${k}=${v}`),
            ...secretNames.map((k) => `${k}_FILE=${posix.join(webTierContainerPaths.secrets, k)}`),
        ];
        let secretsGroup: pulumi.Output<string> | undefined;
        let secretsDigest: pulumi.Output<string> | undefined;
        if (secretNames.length > 0) {
            const owner = host.files.run(this, this.childName("secrets-owner"), {
                command: ["set -eu", `echo ${shellQuote(fileOwnerProbe)}`, 'echo "$(id -u):$(id -g)"'].join("\n"),
                triggers: [host.instanceId],
            });
            secretsGroup = (owner as unknown as { stdout: pulumi.Output<string> }).stdout.apply((out) => parseFileOwner(out).split(":")[1]);
            // A changed secret rolls the replicas (the app reads its files at start). A digest of
            // all of them, keyed by their names, not any one value.
            secretsDigest = contentHash(pulumi.all(secretNames.map((k) => pulumi.output(a.secrets[k]))).apply((vs) => JSON.stringify([secretNames, vs]))).apply((h) => h.slice(0, 16));
        }
        const replicas: docker.Container[] = [];
        for (let i = 0; i < a.replicas; i++) {
            const previous = replicas[i - 1];
            // Index-based logical names: scaling down removes the highest index, and a rename
            // would replace every replica at once.
            const replica = new docker.Container(
                this.childName(`app-${i}`),
                {
                    ...hardenedContainerArgs(host, {
                        image: a.image,
                        memoryMiB: a.memoryMiB,
                        healthcheck: {
                            test: healthCmd("wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${a.port}${a.healthPath}`),
                            intervalSeconds: 10,
                            startPeriodSeconds: 30,
                        },
                        component: "web-tier",
                        networks: [
                            { name: a.networks.edge, aliases: [serviceAliases.app] },
                            { name: a.networks.data },
                        ],
                        envs,
                        user: a.user,
                        volumes: secretNames.length > 0 ? [{ hostPath: onHost(webTierSecretsDir), containerPath: webTierContainerPaths.secrets, readOnly: true }] : undefined,
                        readOnly: true,
                        tmpfs: { "/tmp": "rw,noexec,nosuid,nodev,size=64m" },
                        wait: true,
                        extraLabels: {
                            "slipway.role": "app",
                            "slipway.replica": String(i),
                            ...(secretsDigest ? { "slipway.secrets-revision": secretsDigest } : {}),
                        },
                    }),
                    // Docker's relative CPU weight uses the same scale as the cpu argument (1024 = one CPU's share).
                    cpuShares: a.cpu,
                    ...(secretsGroup ? { groupAdds: [secretsGroup] } : {}),
                },
                containerOpts({
                    // The roll: replica i is replaced only once replica i-1's replacement is healthy.
                    dependsOn: [...(previous ? [previous] : []), ...secretFiles],
                }),
            );
            replicas.push(replica);
        }
        const replicaNames = pulumi.all(replicas.map((r) => r.name));

        // ---- TLS material ----
        const certsRel = hostPaths.nginxCerts;
        const confDirRel = posix.dirname(hostPaths.nginxConf);
        const certsInConfDir = posix.relative(confDirRel, certsRel);
        // An invariant of shared/host-files.ts's layout, not user input.
        if (certsInConfDir.startsWith("..")) throw new Error(`Internal: hostPaths.nginxCerts (${certsRel}) must be inside ${confDirRel}, which the edge mounts.`);
        const certsInEdge = posix.join(edgeContainerPaths.confDir, certsInConfDir);
        const confInEdge = posix.join(edgeContainerPaths.confDir, posix.basename(hostPaths.nginxConf));
        const letsEncrypt = a.tls.mode === "letsencrypt" ? a.tls : undefined;

        // A self-signed certificate: the local target's certificate, or the placeholder nginx
        // starts with before Let's Encrypt has issued one.
        const key = new tls.PrivateKey(this.childName("tls-key"), { algorithm: "ECDSA", ecdsaCurve: "P256" }, this.childOpts());
        const cert = new tls.SelfSignedCert(
            this.childName("tls-cert"),
            {
                privateKeyPem: key.privateKeyPem,
                subject: { commonName: a.domain, organization: "Slipway self-signed" },
                dnsNames: [a.domain, "localhost"],
                ipAddresses: ["127.0.0.1"],
                allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
                validityPeriodHours: 365 * 24,
                // Re-issued (and nginx reloaded) a month before it lapses, on the next deploy.
                earlyRenewalHours: 30 * 24,
            },
            this.childOpts(),
        );
        const selfSignedDir = letsEncrypt ? posix.join(certsRel, "placeholder") : certsRel;
        const keyFile = host.files.write(this, this.childName("tls-key-file"), {
            path: posix.join(selfSignedDir, certFiles.key),
            content: key.privateKeyPem,
            mode: "0600",
        });
        const certFile = host.files.write(this, this.childName("tls-cert-file"), {
            path: posix.join(selfSignedDir, certFiles.chain),
            content: cert.certPem,
            mode: "0644",
        });

        const edgeNeeds: pulumi.Resource[] = [keyFile, certFile];
        let acmeDirs: pulumi.Resource | undefined;
        if (letsEncrypt) {
            // Created by the deploy user before any container mounts them (Docker would create
            // them root-owned); the webroot must be readable by nginx's unprivileged workers.
            const webroot = shellQuote(onHost(hostPaths.acmeWebroot));
            acmeDirs = host.files.run(this, this.childName("acme-dirs"), {
                command: `mkdir -p ${webroot} ${shellQuote(onHost(hostPaths.acmeState))} && chmod 0755 ${webroot}`,
            });
            const placeholder = host.files.run(this, this.childName("tls-placeholder"), {
                command: installPlaceholderCommand(onHost(certsRel), onHost(selfSignedDir)),
                dependsOn: [keyFile, certFile],
            });
            edgeNeeds.push(acmeDirs, placeholder);
        }

        // ---- nginx config ----
        const confOptions = (names: string[]): NginxConfOptions => ({
            serverName: a.domain,
            listen: { http: 80, https: 443 },
            publicHttpsPort: a.publish.https,
            tls: { certificate: posix.join(certsInEdge, certFiles.chain), certificateKey: posix.join(certsInEdge, certFiles.key) },
            upstreams: names.map((n) => `${n}:${a.port}`),
            health: { edgePath: "/health", upstreamPath: a.healthPath },
            rateLimit: { perMinute: a.rateLimitPerMinute, burst: a.rateLimitBurst, exemptCidrs: a.rateLimitExemptCidrs },
            authRateLimit: { perMinute: a.authRateLimitPerMinute, paths: a.authPaths },
            clientMaxBodySize: `${a.maxBodySizeMiB}m`,
            acmeWebroot: letsEncrypt ? edgeContainerPaths.webroot : undefined,
            stubStatus: { listen: String(servicePorts.nginxStatus) },
            // The edge caches assets in its tmpfs (a bounded share of it): the replicas serve each once an hour.
            staticAssets: a.staticPathPrefix ? { prefix: a.staticPathPrefix, cache: { dir: edgeContainerPaths.staticCacheDir, maxSizeMb: 32 } } : undefined,
            // Docker's embedded DNS: replicas are re-resolved if a restart moves them.
            resolver: ["127.0.0.11"],
            denyPaths: a.denyPaths,
            hsts: { preload: a.hstsPreload },
            contentSecurityPolicy: a.contentSecurityPolicy,
            // The image's master runs as root and drops its workers to this user.
            user: "nginx",
            pidFile: edgeContainerPaths.pidFile,
            tempDir: edgeContainerPaths.tempDir,
            accessLog: "/dev/stdout",
            errorLog: "/dev/stderr",
        });
        // Rendered once now with stand-in names, so a bad argument (a CSP with a double quote…)
        // fails here with its sentence rather than later inside an apply.
        renderNginxConf(confOptions([this.childName("app")]));
        const conf = replicaNames.apply((names) => renderNginxConf(confOptions(names)));
        const confFile = host.files.write(this, this.childName("nginx-conf"), { path: hostPaths.nginxConf, content: conf });

        // ---- the edge ----
        const edgeName = `${host.stack}-edge`;
        const mounts: docker.types.input.ContainerVolume[] = [
            // The directory, not the file: files are replaced by rename, and a single-file bind
            // mount would keep showing the old inode.
            { hostPath: onHost(confDirRel), containerPath: edgeContainerPaths.confDir, readOnly: true },
        ];
        if (letsEncrypt) mounts.push({ hostPath: onHost(hostPaths.acmeWebroot), containerPath: edgeContainerPaths.webroot, readOnly: true });
        const nginx = `nginx -c ${confInEdge}`;
        const edge = new docker.Container(
            this.childName("edge"),
            hardenedContainerArgs(host, {
                image: images.nginx,
                name: edgeName,
                memoryMiB: dockerWebTierDefaults.edgeMemoryMiB,
                healthcheck: { test: healthCmd("wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${servicePorts.nginxStatus}/stub_status`) },
                component: "web-tier",
                networks: [{ name: a.networks.edge, aliases: [serviceAliases.edge] }],
                ports: [
                    { internal: 80, external: a.publish.http, ip: a.publish.ip },
                    { internal: 443, external: a.publish.https, ip: a.publish.ip },
                ],
                // Renewed Let's Encrypt certificates land on disk without Pulumi knowing: a
                // reload every 6 hours picks them up (certbot renews 30 days ahead, so the delay
                // is harmless). A self-signed certificate only changes through Pulumi, which
                // reloads explicitly.
                entrypoints: ["/bin/sh", "-c"],
                command: [
                    letsEncrypt
                        ? `while :; do sleep 21600; ${nginx} -s reload; done & exec ${nginx} -g 'daemon off;'`
                        : `exec ${nginx} -g 'daemon off;'`,
                ],
                volumes: mounts,
                readOnly: true,
                tmpfs: {
                    // Request/proxy buffers plus the 32 MB static cache.
                    [edgeContainerPaths.tempDir]: "rw,noexec,nosuid,nodev,size=96m",
                    [posix.dirname(edgeContainerPaths.pidFile)]: "rw,noexec,nosuid,nodev,size=1m",
                },
                // The master runs as root to bind 80/443 (NET_BIND_SERVICE), drop workers to `nginx`
                // (SETUID, SETGID) and own their temp dirs (CHOWN); DAC_READ_SEARCH lets it read the
                // 0600 key owned by the host's deploy user. Workers have none of these.
                capAdd: ["NET_BIND_SERVICE", "SETUID", "SETGID", "CHOWN", "DAC_READ_SEARCH"],
                extraLabels: { "slipway.role": "edge" },
            }),
            // A fixed name cannot exist twice, so a replacement deletes the old container first
            // (seconds of downtime; only an nginx image bump or a host change replaces it).
            containerOpts({ deleteBeforeReplace: true, dependsOn: [confFile, ...edgeNeeds] }),
        );

        // Config (and self-signed certificate) changes reload nginx; a broken config fails
        // `nginx -t` and the running config keeps serving.
        const reload = nginxReloadCommand(edgeName, confInEdge);
        host.files.run(this, this.childName("edge-reload"), {
            command: reload,
            triggers: letsEncrypt ? [contentHash(conf)] : [contentHash(conf), contentHash(cert.certPem)],
            dependsOn: [edge, confFile, keyFile, certFile],
        });

        if (letsEncrypt) {
            const certbotPaths = { state: edgeContainerPaths.letsencrypt, webroot: edgeContainerPaths.webroot, certs: certsInEdge };
            const certbotMounts = [
                { host: onHost(hostPaths.acmeState), container: certbotPaths.state },
                { host: onHost(hostPaths.acmeWebroot), container: certbotPaths.webroot },
                { host: onHost(certsRel), container: certbotPaths.certs },
            ];
            // First issuance as a one-shot `docker run` on the host, once nginx answers the
            // challenge: the deploy waits for it and fails with a clear message if Let's Encrypt
            // cannot reach the host. Re-runs only when the domain, email or directory changes.
            const issue = host.files.run(this, this.childName("acme-issue"), {
                command: certbotRunCommand({
                    image: images.certbot,
                    mounts: certbotMounts,
                    script: certbotIssueScript({ domain: a.domain, email: letsEncrypt.email, staging: letsEncrypt.staging, paths: certbotPaths }),
                    memoryMiB: dockerWebTierDefaults.certbotMemoryMiB,
                    then: reload,
                    domain: a.domain,
                }),
                triggers: [a.domain, letsEncrypt.email, letsEncrypt.staging],
                dependsOn: [edge, ...(acmeDirs ? [acmeDirs] : [])],
            });
            // Renewals: a long-running container rather than a host cron job, so the host needs
            // nothing but Docker and the schedule lives with the rest of the payload.
            new docker.Container(
                this.childName("certbot"),
                hardenedContainerArgs(host, {
                    image: images.certbot,
                    name: `${host.stack}-certbot`,
                    memoryMiB: dockerWebTierDefaults.certbotMemoryMiB,
                    healthcheck: {
                        test: ["CMD-SHELL", `test -s ${certbotPaths.state}/renewal/${a.domain}.conf`],
                        // Docker runs the first probe one interval after the start: with 300 s the
                        // provider's wait (120 s) always timed out (found by tier 5). The probe is a
                        // file test, so a short interval costs nothing.
                        intervalSeconds: 30,
                    },
                    component: "web-tier",
                    networks: [{ name: a.networks.edge }],
                    entrypoints: ["/bin/sh", "-c"],
                    command: [certbotRenewLoop(certbotPaths.state)],
                    volumes: certbotMounts.map((m) => ({ hostPath: m.host, containerPath: m.container })),
                    readOnly: true,
                    tmpfs: {
                        "/var/lib/letsencrypt": "rw,noexec,nosuid,nodev,size=16m",
                        "/var/log/letsencrypt": "rw,noexec,nosuid,nodev,size=16m",
                        "/tmp": "rw,noexec,nosuid,nodev,size=16m",
                    },
                    capAdd: [...certbotCapabilities],
                    extraLabels: { "slipway.role": "certbot" },
                }),
                containerOpts({ deleteBeforeReplace: true, dependsOn: [issue] }),
            );
        }

        this.url = pulumi.output(`https://${a.domain}${a.publish.https === 443 ? "" : `:${a.publish.https}`}`);
        this.edgeContainerName = edge.name;
        this.replicaNames = replicaNames;
        this.appPort = pulumi.output(a.port);
        // Carried through the edge container, so whatever scrapes it (the nginx exporter, which
        // exits when the address does not resolve and would crash-loop past its wait timeout)
        // is created after the edge: a plain string would let the engine start it first.
        this.nginxStatusUrl = edge.name.apply(() => `http://${serviceAliases.edge}:${servicePorts.nginxStatus}/stub_status`);
        this.certificatePath = pulumi.output(posix.join(onHost(certsRel), certFiles.chain));
        this.registerOutputs({
            url: this.url,
            edgeContainerName: this.edgeContainerName,
            replicaNames: this.replicaNames,
            appPort: this.appPort,
            nginxStatusUrl: this.nginxStatusUrl,
            certificatePath: this.certificatePath,
        });
    }
}
