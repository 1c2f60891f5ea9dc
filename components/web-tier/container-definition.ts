import { argError } from "../shared/errors";
/**
 * The app's ECS container definition, built from plain values. Hardening is fixed here rather
 * than left to arguments: a non-root user, a read-only root filesystem with a writable `/tmp`
 * volume, all Linux capabilities dropped, and an init process that reaps zombies and forwards
 * SIGTERM so a rolling deploy drains cleanly.
 */

/** The container's name; the service's load balancer mapping refers to it. */
export const appContainerName = "app";
/** The task volume mounted at `/tmp` (Fargate backs it with the task's ephemeral storage). */
export const tmpVolumeName = "tmp";
/** A numeric, non-root user: it needs no entry in the image's /etc/passwd. */
export const appUser = "10001";

export interface ContainerDefinitionInput {
    image: string;
    port: number;
    healthPath: string;
    /** Plain variables; `PORT` is added from `port`. */
    env: Record<string, string>;
    /** Secret variables as `name → valueFrom` (a Secrets Manager ARN, optionally version-pinned). */
    secretRefs: Record<string, string>;
    logGroupName: string;
    region: string;
    /** Whether to add the container health check (needs /bin/sh and curl or wget in the image). */
    healthCheck: boolean;
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * A container definition's `environment` and `secrets`, each sorted by name (a stable JSON, so
 * an unchanged task definition is no diff); a name in both is refused: the secret would be
 * shadowed, or the plain value would leak it.
 */
export function containerVariables(
    plain: Record<string, string>,
    secretRefs: Record<string, string>,
): { environment: Array<{ name: string; value: string }>; secrets: Array<{ name: string; valueFrom: string }> } {
    const environment = Object.entries(plain)
        .map(([name, value]) => ({ name, value }))
        .sort(byName);
    const secrets = Object.entries(secretRefs)
        .map(([name, valueFrom]) => ({ name, valueFrom }))
        .sort(byName);
    const leaked = environment.find((e) => e.name in secretRefs);
    // normalizeWebTierArgs refuses a name in both env and secrets, so this is our own fault.
    if (leaked) throw new Error(`Internal: ${leaked.name} is both a plain variable and a secret`);
    return { environment, secrets };
}

/**
 * The shell command of the container health check. The URL is single-quoted (the health path
 * is restricted to URL characters, no quotes), and either curl or wget will do, so both
 * Debian-based and Alpine/busybox images work; distroless images have neither, hence the opt-out.
 */
export function healthCheckCommand(port: number, healthPath: string): string[] {
    if (/['\s]/.test(healthPath)) throw argError("healthPath", healthPath, "a path without quotes or spaces", { where: "the container health check" });
    const url = `'http://127.0.0.1:${port}${healthPath}'`;
    return ["CMD-SHELL", `curl -fsS -o /dev/null ${url} || wget -q -O /dev/null ${url} || exit 1`];
}

/** The container definition (one element of the task definition's `containerDefinitions`). */
export function buildContainerDefinition(c: ContainerDefinitionInput): Record<string, unknown> {
    const { environment, secrets } = containerVariables({ ...c.env, PORT: String(c.port) }, c.secretRefs);
    return {
        name: appContainerName,
        image: c.image,
        essential: true,
        user: appUser,
        readonlyRootFilesystem: true,
        portMappings: [{ containerPort: c.port, hostPort: c.port, protocol: "tcp" }],
        environment,
        secrets,
        mountPoints: [{ sourceVolume: tmpVolumeName, containerPath: "/tmp", readOnly: false }],
        linuxParameters: { initProcessEnabled: true, capabilities: { drop: ["ALL"] } },
        stopTimeout: 30,
        logConfiguration: {
            logDriver: "awslogs",
            options: {
                "awslogs-group": c.logGroupName,
                "awslogs-region": c.region,
                "awslogs-stream-prefix": appContainerName,
                // A slow log endpoint must not stall the app; the buffer absorbs bursts.
                mode: "non-blocking",
                "max-buffer-size": "25m",
            },
        },
        ...(c.healthCheck
            ? {
                  healthCheck: {
                      command: healthCheckCommand(c.port, c.healthPath),
                      interval: 30,
                      timeout: 5,
                      retries: 3,
                      startPeriod: 60,
                  },
              }
            : {}),
    };
}
