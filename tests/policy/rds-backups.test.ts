import { describe, expect, it } from "vitest";
import { rdsBackups } from "../../policy/rules/aws-data/rds-backups";
import { remediate } from "./aws-data-helpers";
import { PREVIEW_UNKNOWN, messages } from "./helpers";

const RDS = "aws:rds/instance:Instance";
const GOOD = { backupRetentionPeriod: 30, deletionProtection: true, skipFinalSnapshot: false, finalSnapshotIdentifier: "db-final" };

describe("rds-backups", () => {
    it("passes an instance with long backups, deletion protection and a final snapshot", async () => {
        expect(await messages(rdsBackups, RDS, GOOD)).toEqual([]);
        expect(await messages(rdsBackups, RDS, { ...GOOD, skipFinalSnapshot: undefined })).toEqual([]);
    });

    it("fails short or missing retention", async () => {
        expect(await messages(rdsBackups, RDS, { ...GOOD, backupRetentionPeriod: 3 })).toEqual([expect.stringMatching(/backupRetentionPeriod is 3; .* at least 7 days/)]);
        expect(await messages(rdsBackups, RDS, { ...GOOD, backupRetentionPeriod: undefined })).toEqual([expect.stringMatching(/backupRetentionPeriod is "unset"/)]);
        expect(await messages(rdsBackups, RDS, { ...GOOD, backupRetentionPeriod: 7 })).toEqual([]);
    });

    it("fails without deletion protection", async () => {
        expect(await messages(rdsBackups, RDS, { ...GOOD, deletionProtection: false })).toEqual([expect.stringMatching(/deletionProtection is false/)]);
        expect(await messages(rdsBackups, RDS, { ...GOOD, deletionProtection: undefined })).toEqual([expect.stringMatching(/deletionProtection is "unset"/)]);
    });

    it("fails when the final snapshot is skipped", async () => {
        expect(await messages(rdsBackups, RDS, { ...GOOD, skipFinalSnapshot: true })).toEqual([expect.stringMatching(/skipFinalSnapshot is true/)]);
    });

    it("reports every failed check separately", async () => {
        expect(await messages(rdsBackups, RDS, { skipFinalSnapshot: true })).toHaveLength(3);
    });

    it("honours minRetentionDays", async () => {
        const ctx = { config: { "rds-backups": { minRetentionDays: 35 } } };
        expect(await messages(rdsBackups, RDS, GOOD, ctx)).toEqual([expect.stringMatching(/backupRetentionPeriod is 30; .* at least 35 days/)]);
        expect(await messages(rdsBackups, RDS, { ...GOOD, backupRetentionPeriod: 1 }, { config: { "rds-backups": { minRetentionDays: 1 } } })).toEqual([]);
    });

    it("checks only deletion protection on a read replica", async () => {
        expect(await messages(rdsBackups, RDS, { replicateSourceDb: "db-primary", deletionProtection: true })).toEqual([]);
        expect(await messages(rdsBackups, RDS, { replicateSourceDb: "db-primary", skipFinalSnapshot: true })).toEqual([expect.stringMatching(/deletionProtection/)]);
    });

    it("never silently passes a value unknown at preview", async () => {
        for (const key of ["backupRetentionPeriod", "deletionProtection", "skipFinalSnapshot", "replicateSourceDb"]) {
            expect(await messages(rdsBackups, RDS, { ...GOOD, [key]: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(new RegExp(`${key} is unknown during preview`))]);
        }
    });

    it("remediates deletion protection only", async () => {
        expect(await remediate(rdsBackups, RDS, { ...GOOD, deletionProtection: false })).toEqual({ ...GOOD, deletionProtection: true });
        expect(await remediate(rdsBackups, RDS, GOOD)).toBeUndefined();
    });
});
