import { describe, expect, it } from "vitest";
import { rdsHardening, tlsParameterFor } from "../../policy/rules/aws-data/rds-hardening";
import { remediate } from "./aws-data-helpers";
import { PREVIEW_UNKNOWN, check, messages } from "./helpers";

const RDS = "aws:rds/instance:Instance";
const PG = "aws:rds/parameterGroup:ParameterGroup";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/abc";
const GOOD = {
    autoMinorVersionUpgrade: true,
    enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
    copyTagsToSnapshot: true,
    performanceInsightsEnabled: true,
    performanceInsightsKmsKeyId: KEY,
};
const params = (value: string) => ({ family: "postgres16", parameters: [{ name: "log_connections", value: "1" }, { name: "rds.force_ssl", value, applyMethod: "immediate" }] });

describe("rds-hardening: instance", () => {
    it("passes a hardened instance, with or without Performance Insights", async () => {
        expect(await messages(rdsHardening, RDS, GOOD)).toEqual([]);
        expect(await messages(rdsHardening, RDS, { ...GOOD, performanceInsightsEnabled: false, performanceInsightsKmsKeyId: undefined })).toEqual([]);
        // Unset minor upgrades means the provider default, true.
        expect(await messages(rdsHardening, RDS, { ...GOOD, autoMinorVersionUpgrade: undefined })).toEqual([]);
    });

    it("fails each weakened setting with its own message", async () => {
        expect(await messages(rdsHardening, RDS, { ...GOOD, autoMinorVersionUpgrade: false })).toEqual([expect.stringMatching(/autoMinorVersionUpgrade is false/)]);
        expect(await messages(rdsHardening, RDS, { ...GOOD, enabledCloudwatchLogsExports: [] })).toEqual([expect.stringMatching(/enabledCloudwatchLogsExports is \[\]/)]);
        expect(await messages(rdsHardening, RDS, { ...GOOD, enabledCloudwatchLogsExports: undefined })).toEqual([expect.stringMatching(/enabledCloudwatchLogsExports is "unset"/)]);
        expect(await messages(rdsHardening, RDS, { ...GOOD, copyTagsToSnapshot: undefined })).toEqual([expect.stringMatching(/copyTagsToSnapshot is "unset"/)]);
        expect(await messages(rdsHardening, RDS, { ...GOOD, performanceInsightsKmsKeyId: undefined })).toEqual([expect.stringMatching(/performanceInsightsKmsKeyId is "unset" while Performance Insights is on/)]);
    });

    it("accepts a PI key computed at preview, but reports other unknowns", async () => {
        expect(await messages(rdsHardening, RDS, { ...GOOD, performanceInsightsKmsKeyId: PREVIEW_UNKNOWN })).toEqual([]);
        for (const key of ["autoMinorVersionUpgrade", "enabledCloudwatchLogsExports", "copyTagsToSnapshot", "performanceInsightsEnabled"]) {
            expect(await messages(rdsHardening, RDS, { ...GOOD, [key]: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(new RegExp(`${key} is unknown during preview`))]);
        }
    });

    it("is advisory by default", async () => {
        const [v] = await check(rdsHardening, [{ type: RDS, props: { ...GOOD, copyTagsToSnapshot: false } }]);
        expect(v.level).toBe("advisory");
    });

    it("remediates copy-tags and minor upgrades", async () => {
        expect(await remediate(rdsHardening, RDS, { ...GOOD, copyTagsToSnapshot: false, autoMinorVersionUpgrade: false })).toEqual(GOOD);
        expect(await remediate(rdsHardening, RDS, GOOD)).toBeUndefined();
        expect(await remediate(rdsHardening, PG, params("0"))).toBeUndefined();
    });
});

describe("rds-hardening: parameter group", () => {
    it("passes rds.force_ssl = 1", async () => {
        expect(await messages(rdsHardening, PG, params("1"))).toEqual([]);
    });

    it("fails rds.force_ssl = 0, and an unset one where the family default is off", async () => {
        expect(await messages(rdsHardening, PG, params("0"))).toEqual([expect.stringMatching(/rds.force_ssl is "0"; set it to 1/)]);
        expect(await messages(rdsHardening, PG, { family: "postgres14", parameters: [] })).toEqual([expect.stringMatching(/rds.force_ssl is unset and the postgres14 default is off/)]);
        expect(await messages(rdsHardening, PG, { family: "sqlserver-se-16.0" })).toEqual([expect.stringMatching(/rds.force_ssl is unset/)]);
    });

    it("accepts an unset rds.force_ssl on PostgreSQL 15+, whose default is 1", async () => {
        expect(await messages(rdsHardening, PG, { family: "postgres16", parameters: [] })).toEqual([]);
    });

    it("uses require_secure_transport on MySQL and MariaDB, and skips engines without a TLS parameter", async () => {
        expect(await messages(rdsHardening, PG, { family: "mysql8.0", parameters: [{ name: "require_secure_transport", value: "ON" }] })).toEqual([]);
        expect(await messages(rdsHardening, PG, { family: "mariadb10.11", parameters: [] })).toEqual([expect.stringMatching(/require_secure_transport is unset/)]);
        expect(await messages(rdsHardening, PG, { family: "oracle-ee-19", parameters: [] })).toEqual([]);
        expect(tlsParameterFor("postgres15")).toEqual({ name: "rds.force_ssl", onByDefault: true });
        expect(tlsParameterFor("postgres9.6")).toEqual({ name: "rds.force_ssl", onByDefault: false });
    });

    it("never silently passes an unknown family or value", async () => {
        expect(await messages(rdsHardening, PG, { ...params("1"), family: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/family is unknown/)]);
        expect(await messages(rdsHardening, PG, params(PREVIEW_UNKNOWN))).toEqual([expect.stringMatching(/parameter rds.force_ssl is unknown/)]);
    });
});
