import { describe, expect, it } from "vitest";
import { coldStorageClass, lifecycleRules } from "../../components/backup-bucket/aws";
import { resticPrefix } from "../../components/backup-bucket/aws-job";
import { normalizeBackupBucketArgs } from "../../components/backup-bucket/index";

/**
 * Issue 12, defect 8 guard: Glacier Instant Retrieval under restic. restic reads its index,
 * snapshot and key files on every run and replaces lock files within minutes; in Glacier IR
 * each read is billed ($0.03/GB), each object at least 128 KB and 90 days. Only large pack files
 * may move.
 */

type Filter = { prefix?: string; objectSizeGreaterThan?: number; objectSizeLessThan?: number; and?: Filter };
type Rule = { id: string; status: string; filter?: Filter; transitions?: { days: number; storageClass: string }[] };

/** S3's filter semantics: every condition given must hold (an `and` block is the same conditions, grouped). */
function matches(filter: Filter | undefined, key: string, bytes: number): boolean {
    const f = { ...filter, ...filter?.and };
    if (f.prefix !== undefined && !key.startsWith(f.prefix)) return false;
    if (f.objectSizeGreaterThan !== undefined && !(bytes > f.objectSizeGreaterThan)) return false;
    if (f.objectSizeLessThan !== undefined && !(bytes < f.objectSizeLessThan)) return false;
    return true;
}

/** Whether the lifecycle would ever move this object to the cold class. */
function movesToCold(rules: Rule[], key: string, bytes: number): boolean {
    return rules.some((r) => r.status === "Enabled" && (r.transitions ?? []).some((t) => t.storageClass === coldStorageClass) && matches(r.filter, key, bytes));
}

const MiB = 1024 * 1024;
const repositoryRules = (): Rule[] => lifecycleRules(normalizeBackupBucketArgs({}), { resticRepository: resticPrefix }) as Rule[];

describe("cold storage of a restic repository", () => {
    it("moves restic's pack files (16 MiB by default) after transitionToColdAfterDays", () => {
        const rules = repositoryRules();
        expect(movesToCold(rules, `${resticPrefix}/data/3f/3f0a1b2c`, 16 * MiB)).toBe(true);
        expect(rules.find((r) => r.id === "cold-storage")?.transitions).toEqual([{ days: 30, storageClass: "GLACIER_IR" }]);
    });

    it("keeps what restic reads or replaces every run in Standard: index, snapshots, keys, locks, config", () => {
        const rules = repositoryRules();
        for (const key of ["index/9a8b", "snapshots/5d6e", "keys/1c2d", "locks/7e8f", "config"]) {
            expect(movesToCold(rules, `${resticPrefix}/${key}`, 4 * MiB), key).toBe(false);
        }
    });

    it("keeps small packs in Standard: below 1 MiB the transition fee and the 128 KB minimum eat the saving", () => {
        const rules = repositoryRules();
        expect(movesToCold(rules, `${resticPrefix}/data/ab/ab12`, 100 * 1024)).toBe(false);
        expect(movesToCold(rules, `${resticPrefix}/data/ab/ab12`, MiB)).toBe(false);
        expect(movesToCold(rules, `${resticPrefix}/data/ab/ab12`, MiB + 1)).toBe(true);
    });

    it("leaves every other rule of the bucket whole-bucket (the policy pack counts only those)", () => {
        for (const r of repositoryRules().filter((x) => x.id !== "cold-storage")) expect(r.filter).toEqual({});
    });

    it("still moves everything in a bucket without a repository, whose objects expire by age", () => {
        const rules = lifecycleRules(normalizeBackupBucketArgs({}), {}) as Rule[];
        expect(movesToCold(rules, "dumps/2025-01-01.sql.gz", 10 * MiB)).toBe(true);
    });
});
