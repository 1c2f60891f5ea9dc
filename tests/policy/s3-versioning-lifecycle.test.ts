import { describe, expect, it } from "vitest";
import { s3VersioningLifecycle } from "../../policy/rules/aws-data/s3-versioning-lifecycle";
import { PREVIEW_UNKNOWN, messages } from "./helpers";

const VER = "aws:s3/bucketVersioning:BucketVersioning";
const VER_V2 = "aws:s3/bucketVersioningV2:BucketVersioningV2";
const LC = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const LC_V2 = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2";
const NONCURRENT = { id: "noncurrent", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 30 } };
const ABORT = { id: "abort", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } };
const lifecycle = (...rules: object[]) => ({ bucket: "b", rules });

describe("s3-versioning-lifecycle: versioning", () => {
    it("passes Enabled on both aliases", async () => {
        expect(await messages(s3VersioningLifecycle, VER, { bucket: "b", versioningConfiguration: { status: "Enabled" } })).toEqual([]);
        expect(await messages(s3VersioningLifecycle, VER_V2, { bucket: "b", versioningConfiguration: { status: "Enabled" } })).toEqual([]);
    });

    it("fails Suspended, Disabled or missing", async () => {
        expect(await messages(s3VersioningLifecycle, VER, { bucket: "b", versioningConfiguration: { status: "Suspended" } })).toEqual([
            expect.stringMatching(/versioningConfiguration.status is "Suspended"; set it to "Enabled"/),
        ]);
        expect(await messages(s3VersioningLifecycle, VER_V2, { bucket: "b", versioningConfiguration: { status: "Disabled" } })).toHaveLength(1);
        expect(await messages(s3VersioningLifecycle, VER, { bucket: "b" })).toEqual([expect.stringMatching(/status is "unset"/)]);
    });

    it("never silently passes an unknown status", async () => {
        expect(await messages(s3VersioningLifecycle, VER, { bucket: "b", versioningConfiguration: { status: PREVIEW_UNKNOWN } })).toEqual([expect.stringMatching(/unknown during preview/)]);
    });
});

describe("s3-versioning-lifecycle: lifecycle", () => {
    it("passes noncurrent expiry and multipart abort, in one rule or two, on both aliases", async () => {
        expect(await messages(s3VersioningLifecycle, LC, lifecycle(NONCURRENT, ABORT))).toEqual([]);
        expect(await messages(s3VersioningLifecycle, LC_V2, lifecycle({ ...NONCURRENT, ...ABORT, id: "both" }))).toEqual([]);
        expect(await messages(s3VersioningLifecycle, LC, lifecycle({ ...NONCURRENT, filter: undefined }, { ...ABORT, filter: { prefix: "" } }))).toEqual([]);
    });

    it("fails without a noncurrent-version expiry", async () => {
        expect(await messages(s3VersioningLifecycle, LC, lifecycle(ABORT))).toEqual([expect.stringMatching(/no enabled whole-bucket lifecycle rule sets noncurrentVersionExpiration.noncurrentDays/)]);
    });

    it("fails without a multipart abort", async () => {
        expect(await messages(s3VersioningLifecycle, LC, lifecycle(NONCURRENT))).toEqual([
            expect.stringMatching(/no enabled whole-bucket lifecycle rule sets abortIncompleteMultipartUpload.daysAfterInitiation/),
        ]);
    });

    it("does not count disabled rules or rules limited to a prefix, tag or size", async () => {
        expect(await messages(s3VersioningLifecycle, LC, lifecycle({ ...NONCURRENT, status: "Disabled" }, ABORT))).toHaveLength(1);
        expect(await messages(s3VersioningLifecycle, LC, lifecycle({ ...NONCURRENT, filter: { prefix: "logs/" } }, ABORT))).toHaveLength(1);
        expect(await messages(s3VersioningLifecycle, LC, lifecycle({ ...NONCURRENT, filter: { tag: { key: "k", value: "v" } } }, ABORT))).toHaveLength(1);
        expect(await messages(s3VersioningLifecycle, LC, lifecycle({ ...NONCURRENT, filter: { objectSizeGreaterThan: 1024 } }, ABORT))).toHaveLength(1);
        expect(await messages(s3VersioningLifecycle, LC, lifecycle(NONCURRENT, { ...ABORT, prefix: "tmp/" }))).toHaveLength(1);
        expect(await messages(s3VersioningLifecycle, LC, lifecycle())).toHaveLength(2);
    });

    it("never silently passes unknown rules or days", async () => {
        expect(await messages(s3VersioningLifecycle, LC, { bucket: "b", rules: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/rules is unknown during preview/)]);
        expect(await messages(s3VersioningLifecycle, LC, lifecycle({ ...NONCURRENT, status: PREVIEW_UNKNOWN }, ABORT))).toEqual([expect.stringMatching(/status or filter is unknown/)]);
        expect(await messages(s3VersioningLifecycle, LC, lifecycle({ ...NONCURRENT, noncurrentVersionExpiration: { noncurrentDays: PREVIEW_UNKNOWN } }, ABORT))).toEqual([
            expect.stringMatching(/noncurrentDays is unknown/),
        ]);
    });
});
