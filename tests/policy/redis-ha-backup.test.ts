import { describe, expect, it } from "vitest";
import { redisHaBackup } from "../../policy/rules/aws-data/redis-ha-backup";
import { messagesWithTags } from "./aws-data-helpers";
import { PREVIEW_UNKNOWN, check, messages } from "./helpers";

const RG = "aws:elasticache/replicationGroup:ReplicationGroup";
const PROD = { environment: "production" };
const GOOD = { automaticFailoverEnabled: true, multiAzEnabled: true, numCacheClusters: 2, snapshotRetentionLimit: 7, subnetGroupName: "cache-subnets" };

describe("redis-ha-backup", () => {
    it("passes a highly available, backed-up production cache", async () => {
        expect(await messagesWithTags(redisHaBackup, RG, GOOD, PROD)).toEqual([]);
    });

    it("fails each weakened setting with its own message", async () => {
        expect(await messagesWithTags(redisHaBackup, RG, { ...GOOD, automaticFailoverEnabled: false }, PROD)).toEqual([expect.stringMatching(/automaticFailoverEnabled is false/)]);
        expect(await messagesWithTags(redisHaBackup, RG, { ...GOOD, multiAzEnabled: undefined }, PROD)).toEqual([expect.stringMatching(/multiAzEnabled is "unset"/)]);
        expect(await messagesWithTags(redisHaBackup, RG, { ...GOOD, snapshotRetentionLimit: 0 }, PROD)).toEqual([expect.stringMatching(/snapshotRetentionLimit is 0; .* at least 1 day/)]);
        expect(await messagesWithTags(redisHaBackup, RG, { ...GOOD, snapshotRetentionLimit: undefined }, PROD)).toEqual([expect.stringMatching(/snapshotRetentionLimit is "unset"/)]);
        expect(await messagesWithTags(redisHaBackup, RG, { ...GOOD, subnetGroupName: undefined }, PROD)).toEqual([expect.stringMatching(/subnetGroupName is "unset"/)]);
        expect(await messagesWithTags(redisHaBackup, RG, { ...GOOD, subnetGroupName: "default" }, PROD)).toEqual([expect.stringMatching(/subnetGroupName is "default"/)]);
    });

    it("does not apply outside production, unless applyTo is all", async () => {
        expect(await messagesWithTags(redisHaBackup, RG, {}, { environment: "dev" })).toEqual([]);
        expect(await messages(redisHaBackup, RG, {})).toEqual([]);
        expect(await messages(redisHaBackup, RG, {}, { config: { "redis-ha-backup": { applyTo: "all" } } })).toHaveLength(4);
    });

    it("honours minSnapshotRetentionDays", async () => {
        const ctx = { config: { "redis-ha-backup": { minSnapshotRetentionDays: 14 } } };
        expect(await messagesWithTags(redisHaBackup, RG, GOOD, PROD, ctx)).toEqual([expect.stringMatching(/snapshotRetentionLimit is 7; .* at least 14 day/)]);
    });

    it("accepts a subnet group name computed at preview (the stack's own group) but reports other unknowns", async () => {
        expect(await messagesWithTags(redisHaBackup, RG, { ...GOOD, subnetGroupName: PREVIEW_UNKNOWN }, PROD)).toEqual([]);
        for (const key of ["automaticFailoverEnabled", "multiAzEnabled", "snapshotRetentionLimit"]) {
            expect(await messagesWithTags(redisHaBackup, RG, { ...GOOD, [key]: PREVIEW_UNKNOWN }, PROD)).toEqual([expect.stringMatching(new RegExp(`${key} is unknown during preview`))]);
        }
    });

    it("is mandatory by default", async () => {
        const [v] = await check(redisHaBackup, [{ type: RG, props: {} }], { config: { "redis-ha-backup": { applyTo: "all" } } });
        expect(v.level).toBe("mandatory");
    });
});
