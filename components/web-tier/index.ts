import type * as pulumi from "@pulumi/pulumi";
import { argError } from "../shared/errors";

/**
 * The public edge of the app and the app replicas behind it: TLS termination for one hostname,
 * a per-client rate limit, health-checked replicas that scale between `replicas` and
 * `maxReplicas`, plain configuration and secrets kept apart, and retained logs. Each target
 * maps these onto its own parts (AWS: ALB + WAF + ECS Fargate; Docker: nginx + containers).
 */
export interface WebTierArgs {
    /**
     * The hostname the app is served on; the TLS certificate is issued for it.
     * @example
     * ```ts
     * { domain: "app.example.com" }
     * ```
     */
    domain: string;
    /**
     * The app's container image. Pin it by digest so a deploy runs exactly what was tested.
     * @example
     * ```ts
     * { image: "ghcr.io/acme/web@sha256:9b2f…" }
     * ```
     */
    image: pulumi.Input<string>;
    /**
     * The port the app listens on inside its container (it also receives it as `PORT`).
     * @default 8080
     * @example
     * ```ts
     * { port: 3000 }
     * ```
     */
    port?: number;
    /**
     * The path that answers 2xx/3xx when a replica can serve traffic; load balancer and
     * container health checks call it.
     * @default "/health"
     * @example
     * ```ts
     * { healthPath: "/healthz" }
     * ```
     */
    healthPath?: string;
    /**
     * How many replicas run normally (the floor autoscaling never goes below).
     * @default 2
     * @example
     * ```ts
     * { replicas: 3 }
     * ```
     */
    replicas?: number;
    /**
     * The most replicas autoscaling may run.
     * @default 10, or `replicas` when that is higher
     * @example
     * ```ts
     * { maxReplicas: 20 }
     * ```
     */
    maxReplicas?: number;
    /**
     * CPU per replica in Fargate CPU units (1024 = one vCPU).
     * @default 512
     * @example
     * ```ts
     * { cpu: 1024 }
     * ```
     */
    cpu?: number;
    /**
     * Memory per replica, in MiB.
     * @default 1024
     * @example
     * ```ts
     * { memoryMiB: 2048 }
     * ```
     */
    memoryMiB?: number;
    /**
     * Plain (non-secret) environment variables for the app. Names are `[A-Za-z_][A-Za-z0-9_]*`;
     * `PORT` is set from `port`.
     * @default {}
     * @example
     * ```ts
     * { env: { NODE_ENV: "production", LOG_LEVEL: "info" } }
     * ```
     */
    env?: Record<string, string>;
    /**
     * Secret environment variables. They never appear as plain configuration: on AWS each is a
     * KMS-encrypted Secrets Manager secret the task reads at start; on the Docker targets each is
     * a mounted read-only file the app finds through `NAME_FILE` (nothing in `docker inspect`).
     * @default {}
     * @example
     * ```ts
     * { secrets: { DATABASE_URL: database.url, SESSION_KEY: sessionKey.result } }
     * ```
     */
    secrets?: Record<string, pulumi.Input<string>>;
    /**
     * Requests per minute one client IP may make before it is blocked.
     * @default 100
     * @example
     * ```ts
     * { rateLimitPerMinute: 600 }
     * ```
     */
    rateLimitPerMinute?: number;
    /**
     * Path prefixes of the sign-in endpoints, held to `authRateLimitPerMinute` per client IP on
     * top of the general limit, so password guessing is slow.
     * @default ["/login", "/auth/", "/api/auth/"]
     * @example
     * ```ts
     * { authPaths: ["/session", "/api/token"] }
     * ```
     */
    authPaths?: string[];
    /**
     * Requests per minute one client IP may make to `authPaths`.
     * @default 10
     * @example
     * ```ts
     * { authRateLimitPerMinute: 30 }
     * ```
     */
    authRateLimitPerMinute?: number;
    /**
     * The largest request body accepted, in MiB; bigger uploads are refused with 413 at the edge.
     * @default 10
     * @example
     * ```ts
     * { maxBodySizeMiB: 50 } // photo uploads
     * ```
     */
    maxBodySizeMiB?: number;
    /**
     * Days to keep the app's logs.
     * @default 90
     * @example
     * ```ts
     * { logRetentionDays: 365 }
     * ```
     */
    logRetentionDays?: number;
    /**
     * Refuse to delete the edge (on AWS: the load balancer) until this is turned off.
     * @default true
     * @example
     * ```ts
     * { deletionProtection: false } // a throwaway preview stack
     * ```
     */
    deletionProtection?: boolean;
    /**
     * Protect the stateful parts (on AWS: the access-log bucket, the log group and the encryption key) from
     * `pulumi destroy`.
     * @default true
     * @example
     * ```ts
     * { protect: false }
     * ```
     */
    protect?: boolean;
}

/** `WebTierArgs` with every default applied and every value checked. */
export interface NormalizedWebTierArgs {
    domain: string;
    image: pulumi.Input<string>;
    port: number;
    healthPath: string;
    replicas: number;
    maxReplicas: number;
    cpu: number;
    memoryMiB: number;
    env: Record<string, string>;
    secrets: Record<string, pulumi.Input<string>>;
    rateLimitPerMinute: number;
    logRetentionDays: number;
    deletionProtection: boolean;
    protect: boolean;
}

export const webTierDefaults = {
    port: 8080,
    healthPath: "/health",
    replicas: 2,
    maxReplicas: 10,
    cpu: 512,
    memoryMiB: 1024,
    rateLimitPerMinute: 100,
    logRetentionDays: 90,
    deletionProtection: true,
    protect: true,
} as const;

const hostnameRe = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.[a-z]{2,63}$/i;
/** URL path characters only: the path ends up inside a shell health-check command. */
const healthPathRe = /^\/[A-Za-z0-9._~/%?=&+-]*$/;
const envNameRe = /^[A-Za-z_][A-Za-z0-9_]*$/;

const isInt = (n: number, min: number, max = Number.MAX_SAFE_INTEGER): boolean => Number.isInteger(n) && n >= min && n <= max;

/**
 * Applies the defaults and checks what every target needs, throwing a sentence that names the
 * key, the value and what is allowed. Targets add their own limits on top.
 */
export function normalizeWebTierArgs(args: WebTierArgs): NormalizedWebTierArgs {
    const domain = (args.domain ?? "").trim().toLowerCase();
    if (!hostnameRe.test(domain)) {
        throw argError("domain", args.domain, "a DNS hostname such as app.example.com");
    }
    if (typeof args.image === "string" && args.image.trim() === "") {
        throw argError("image", args.image, "a container image reference, ideally pinned by digest");
    }
    const port = args.port ?? webTierDefaults.port;
    if (!isInt(port, 1, 65535)) throw argError("port", port, "an integer from 1 to 65535");
    const healthPath = args.healthPath ?? webTierDefaults.healthPath;
    if (!healthPathRe.test(healthPath)) {
        throw argError("healthPath", healthPath, `a path that starts with "/" and uses URL path characters only (no spaces or quotes)`);
    }
    const replicas = args.replicas ?? webTierDefaults.replicas;
    if (!isInt(replicas, 1)) throw argError("replicas", replicas, "a whole number of at least 1");
    const maxReplicas = args.maxReplicas ?? Math.max(webTierDefaults.maxReplicas, replicas);
    if (!isInt(maxReplicas, replicas)) {
        throw argError("maxReplicas", maxReplicas, `a whole number no smaller than replicas (${replicas})`);
    }
    const cpu = args.cpu ?? webTierDefaults.cpu;
    if (!isInt(cpu, 1)) throw argError("cpu", cpu, "a positive whole number of CPU units (1024 = 1 vCPU)");
    const memoryMiB = args.memoryMiB ?? webTierDefaults.memoryMiB;
    if (!isInt(memoryMiB, 1)) throw argError("memoryMiB", memoryMiB, "a positive whole number of MiB");
    const env = { ...(args.env ?? {}) };
    const secrets = { ...(args.secrets ?? {}) };
    for (const [kind, names] of [["env", Object.keys(env)], ["secrets", Object.keys(secrets)]] as const) {
        for (const n of names) {
            if (!envNameRe.test(n)) throw argError(kind, n, "environment variable names of letters, digits and _, not starting with a digit");
            if (n === "PORT") throw argError(`${kind}.PORT`, kind === "secrets" ? "[secret]" : env[n], "no PORT: it is reserved, set the port with the port argument");
        }
    }
    const both = Object.keys(env).find((n) => n in secrets);
    if (both !== undefined) throw argError(`env.${both}`, env[both], `a name not also in secrets: keep ${both} in secrets only`);
    const rateLimitPerMinute = args.rateLimitPerMinute ?? webTierDefaults.rateLimitPerMinute;
    if (!isInt(rateLimitPerMinute, 1)) {
        throw argError("rateLimitPerMinute", rateLimitPerMinute, "a whole number of at least 1");
    }
    const logRetentionDays = args.logRetentionDays ?? webTierDefaults.logRetentionDays;
    if (!isInt(logRetentionDays, 1)) throw argError("logRetentionDays", logRetentionDays, "a whole number of days of at least 1");
    return {
        domain,
        image: args.image,
        port,
        healthPath,
        replicas,
        maxReplicas,
        cpu,
        memoryMiB,
        env,
        secrets,
        rateLimitPerMinute,
        logRetentionDays,
        deletionProtection: args.deletionProtection ?? webTierDefaults.deletionProtection,
        protect: args.protect ?? webTierDefaults.protect,
    };
}

/** The edge policy beyond the per-IP limit: stricter auth paths and the request-body cap. */
export interface NormalizedWebTierEdgeArgs {
    authPaths: string[];
    authRateLimitPerMinute: number;
    maxBodySizeMiB: number;
}

export const webTierEdgeDefaults = {
    authPaths: ["/login", "/auth/", "/api/auth/"],
    authRateLimitPerMinute: 10,
    maxBodySizeMiB: 10,
} as const;

/** Applies the defaults of `authPaths`, `authRateLimitPerMinute` and `maxBodySizeMiB` and checks them. */
export function normalizeWebTierEdgeArgs(args: Pick<WebTierArgs, "authPaths" | "authRateLimitPerMinute" | "maxBodySizeMiB">): NormalizedWebTierEdgeArgs {
    const authPaths = [...(args.authPaths ?? webTierEdgeDefaults.authPaths)];
    for (const p of authPaths) {
        if (!/^\/[A-Za-z0-9._~/%-]*$/.test(p)) throw argError("authPaths", p, `paths that start with "/" and use URL path characters only`);
    }
    const dup = authPaths.find((p, i) => authPaths.indexOf(p) !== i);
    if (dup !== undefined) throw argError("authPaths", dup, "each path listed once (it is listed twice)");
    const authRateLimitPerMinute = args.authRateLimitPerMinute ?? webTierEdgeDefaults.authRateLimitPerMinute;
    if (!isInt(authRateLimitPerMinute, 1)) {
        throw argError("authRateLimitPerMinute", authRateLimitPerMinute, "a whole number of at least 1");
    }
    const maxBodySizeMiB = args.maxBodySizeMiB ?? webTierEdgeDefaults.maxBodySizeMiB;
    if (!isInt(maxBodySizeMiB, 1, 10_240)) throw argError("maxBodySizeMiB", maxBodySizeMiB, "a whole number of MiB from 1 to 10240");
    return { authPaths, authRateLimitPerMinute, maxBodySizeMiB };
}
