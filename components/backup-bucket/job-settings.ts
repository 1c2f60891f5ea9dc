/**
 * When the backup job runs and which snapshots it keeps: the settings every target's job shares
 * (a crond container on Docker, an EventBridge Scheduler rule on AWS), with their defaults and
 * checks in one place. Pure.
 */
import type { BackupRetention } from "./backup-script";
import { argError } from "../shared/errors";

export interface BackupJobScheduleArgs {
    /**
     * When the backup runs: a five-field cron expression, in UTC.
     * @default "17 3 * * *" (daily at 03:17 UTC: off the hour, when most jobs start)
     * @example
     * ```ts
     * { schedule: "17 3,15 * * *" }
     * ```
     */
    schedule?: string;
    /**
     * Snapshots kept by `restic forget`: the latest of each of the last `daily` days, `weekly`
     * weeks and `monthly` months (restic's --keep-daily/weekly/monthly; 0 leaves one out).
     * `retentionDays` sets the default of `monthly` (one per 30 days, rounded up), so the oldest
     * backup is about `retentionDays` old. Objects never expire by age in the store: restic's
     * packs are shared across snapshots.
     * @default { daily: 7, weekly: 4, monthly: ceil(retentionDays / 30) } (3 with the default 90 days)
     * @example
     * ```ts
     * { keep: { daily: 14, weekly: 8 } }
     * ```
     */
    keep?: Partial<BackupRetention>;
    /**
     * A weekly `restic check` that reads a share of the stored data back, on this ISO weekday
     * (1 = Monday … 7 = Sunday); `false` never checks.
     * @default { weekday: 7, readDataSubset: "1%" }
     * @example
     * ```ts
     * { check: { weekday: 3, readDataSubset: "5%" } }
     * ```
     */
    check?: false | { weekday?: number; readDataSubset?: string };
}

/** `BackupJobScheduleArgs` with every default applied. */
export interface BackupJobSchedule {
    /** Five fields separated by single spaces. */
    schedule: string;
    keep: BackupRetention;
    check: false | { weekday: number; readDataSubset: string };
}

export const defaultBackupSchedule = "17 3 * * *";

const CRON_FIELD = /^[0-9*,/-]+$/;

/** Applies the defaults (`retentionDays` sets the monthly snapshots kept) and checks the values. */
export function normalizeBackupJobSchedule(args: BackupJobScheduleArgs, retentionDays: number): BackupJobSchedule {
    const fields = (args.schedule ?? defaultBackupSchedule).trim().split(/\s+/);
    if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) {
        throw argError("schedule", args.schedule, `a five-field cron expression such as "17 3 * * *" (UTC)`);
    }
    const keep: BackupRetention = {
        daily: args.keep?.daily ?? 7,
        weekly: args.keep?.weekly ?? 4,
        monthly: args.keep?.monthly ?? Math.ceil(retentionDays / 30),
    };
    for (const [k, v] of Object.entries(keep)) {
        if (!Number.isInteger(v) || v < 0) throw argError(`keep.${k}`, v, "a whole number, 0 or more");
    }
    if (keep.daily < 1) throw argError("keep.daily", keep.daily, "at least 1, or the latest backup would be forgotten");
    const check = args.check === false ? false : { weekday: args.check?.weekday ?? 7, readDataSubset: args.check?.readDataSubset ?? "1%" };
    return { schedule: fields.join(" "), keep, check };
}
