/**
 * The backup job's ECS task on the aws target, as container definitions built from plain values.
 * Pure: tested alone, and rendered by `npm run render` like the web tier's.
 *
 * One container of the backup image the Docker targets run (backup/Dockerfile, see image.ts),
 * as its unprivileged user. EventBridge Scheduler replaces the image's crond: the container's
 * command names what to do, and a small dispatcher runs the rendered script for it. The scripts
 * travel in the task's environment (they hold no secret; the passwords come through `secrets`):
 * `backup` (what the schedule runs), `restore TARGET_DATABASE [SNAPSHOT]` and `snapshots`
 * (what an operator runs with `aws ecs run-task … --overrides`).
 */
import { containerVariables } from "../web-tier/container-definition";
import { shellQuote } from "../shared/host-files";
import { backupImage } from "./image";

/** The container's name; a `run-task` override names it. */
export const backupContainerName = "backup";

/** The task volume (Fargate task storage) over the image's cache `VOLUME`. */
export const scratchVolumeName = "scratch";

/** Environment variables that carry the two rendered scripts to the dispatcher. */
export const scriptVariables = { backup: "SLIPWAY_BACKUP_SH", restore: "SLIPWAY_RESTORE_SH" } as const;

/** The verbs the container's command takes. */
export const backupTaskVerbs = ["backup", "restore", "snapshots"] as const;

/**
 * The container's entry point: `sh -c DISPATCHER slipway-backup VERB [ARG]...`. Each script runs
 * with `sh -c`, so it sees its arguments as `$1`, `$2`, … and its name as `$0`, as if it were a
 * file.
 */
export function backupTaskDispatcher(snapshotHost: string, tag = "slipway"): string {
    const v = scriptVariables;
    return [
        "set -eu",
        'verb="${1:-backup}"',
        '[ "$#" -eq 0 ] || shift',
        'case "$verb" in',
        `backup) exec /bin/sh -c "$${v.backup}" backup.sh "$@" ;;`,
        `restore) exec /bin/sh -c "$${v.restore}" restore.sh "$@" ;;`,
        `snapshots) exec "\${RESTIC:-restic}" snapshots --host ${shellQuote(snapshotHost)} --tag ${shellQuote(tag)} "$@" ;;`,
        `*) echo "usage: ${backupTaskVerbs[0]} | ${backupTaskVerbs[1]} TARGET_DATABASE [SNAPSHOT] | ${backupTaskVerbs[2]} (got: $verb)" >&2; exit 64 ;;`,
        "esac",
    ].join("\n");
}

export interface BackupTaskInput {
    /** The backup image, by digest. */
    image: string;
    /** The rendered backup and restore scripts. */
    backupScript: string;
    restoreScript: string;
    /** `--host` of every snapshot (the scripts' `BACKUP_SNAPSHOT_HOST`). */
    snapshotHost: string;
    /** Plain variables (the repository, its region, the TLS mode). */
    environment: Record<string, string>;
    /** Secret variables as `name → valueFrom` (a Secrets Manager ARN, optionally version-pinned). */
    secretRefs: Record<string, string>;
    logGroupName: string;
    region: string;
}

/** The task's container definitions (one container). */
export function buildBackupContainerDefinitions(t: BackupTaskInput): Record<string, unknown>[] {
    const cache = backupImage.cacheDir;
    const plain = {
        ...t.environment,
        [scriptVariables.backup]: t.backupScript,
        [scriptVariables.restore]: t.restoreScript,
        // As on the Docker targets: restic's cache and temporary packs under the cache volume.
        RESTIC_CACHE_DIR: `${cache}/restic`,
        TMPDIR: `${cache}/tmp`,
        TZ: "UTC",
    };
    const { environment, secrets } = containerVariables(plain, t.secretRefs);
    return [
        {
            name: backupContainerName,
            image: t.image,
            essential: true,
            user: backupImage.user,
            readonlyRootFilesystem: true,
            // The image's entry point starts crond; here the schedule is EventBridge's.
            entryPoint: ["/bin/sh", "-c", backupTaskDispatcher(t.snapshotHost), "slipway-backup"],
            command: ["backup"],
            environment,
            secrets,
            mountPoints: [{ sourceVolume: scratchVolumeName, containerPath: cache, readOnly: false }],
            linuxParameters: { initProcessEnabled: true, capabilities: { drop: ["ALL"] } },
            // A dump cut short is worthless: give restic time to release its lock.
            stopTimeout: 60,
            logConfiguration: {
                logDriver: "awslogs",
                // Blocking (the default): a batch job's last lines say why it failed, and nothing waits on it.
                options: { "awslogs-group": t.logGroupName, "awslogs-region": t.region, "awslogs-stream-prefix": backupContainerName },
            },
        },
    ];
}
