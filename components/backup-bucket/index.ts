import { argError } from "../shared/errors";
/**
 * Where a Slipway app's backups are kept, whatever the target: how long, and how safely.
 * Target implementations pick the store (S3 on AWS, Spaces or a local directory on a VPS) and
 * ignore what it cannot offer (a colder storage class on a plain directory).
 */
export interface BackupBucketArgs {
    /**
     * Days a backup is kept; it is deleted after that (as a recoverable previous version for
     * `noncurrentVersionDays` more, where the store keeps versions).
     * @default 90
     * @example
     * ```ts
     * { retentionDays: 365 }
     * ```
     */
    retentionDays?: number;
    /**
     * Days a deleted or overwritten backup stays recoverable as a previous version.
     * @default 30
     * @example
     * ```ts
     * { noncurrentVersionDays: 7 }
     * ```
     */
    noncurrentVersionDays?: number;
    /**
     * Days after which a backup moves to colder, cheaper storage that still restores in
     * milliseconds; must be less than `retentionDays`. `false` keeps everything in standard
     * storage (for short retentions, where the move does not pay for itself).
     * @default 30
     * @example
     * ```ts
     * { retentionDays: 14, transitionToColdAfterDays: false }
     * ```
     */
    transitionToColdAfterDays?: number | false;
    /**
     * Protect the store and its encryption key from deletion.
     * @default true
     * @example
     * ```ts
     * { protect: false }
     * ```
     */
    protect?: boolean;
    /**
     * Let the store be deleted while it still holds backups (once unprotected). For throwaway
     * stacks only.
     * @default false
     * @example
     * ```ts
     * { protect: false, forceDestroy: true }
     * ```
     */
    forceDestroy?: boolean;
}

/** `BackupBucketArgs` with every default applied. */
export interface NormalizedBackupBucketArgs {
    retentionDays: number;
    noncurrentVersionDays: number;
    transitionToColdAfterDays: number | false;
    protect: boolean;
    forceDestroy: boolean;
}

const wholeDays = (key: string, v: number): void => {
    if (!Number.isInteger(v) || v < 1) {
        throw argError(key, v, "a whole number of days, at least 1");
    }
};

/** Applies the defaults and checks that the retention periods make sense together. */
export function normalizeBackupBucketArgs(args: BackupBucketArgs = {}): NormalizedBackupBucketArgs {
    const n: NormalizedBackupBucketArgs = {
        retentionDays: args.retentionDays ?? 90,
        noncurrentVersionDays: args.noncurrentVersionDays ?? 30,
        transitionToColdAfterDays: args.transitionToColdAfterDays ?? 30,
        protect: args.protect ?? true,
        forceDestroy: args.forceDestroy ?? false,
    };
    wholeDays("retentionDays", n.retentionDays);
    wholeDays("noncurrentVersionDays", n.noncurrentVersionDays);
    if (n.transitionToColdAfterDays !== false) {
        wholeDays("transitionToColdAfterDays", n.transitionToColdAfterDays);
        if (n.transitionToColdAfterDays >= n.retentionDays) {
            throw argError(
                "transitionToColdAfterDays",
                n.transitionToColdAfterDays,
                `fewer days than retentionDays (${n.retentionDays}), or false: backups would expire before moving to cold storage`,
            );
        }
    }
    return n;
}
