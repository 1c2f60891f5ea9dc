import { describe, expect, it } from "vitest";
import { rdsPrivate } from "../../policy/rules/aws-data/rds-private";
import { remediate } from "./aws-data-helpers";
import { PREVIEW_UNKNOWN, messages } from "./helpers";

const RDS = "aws:rds/instance:Instance";

describe("rds-private", () => {
    it("passes a private instance, and an unset flag (the provider default is private)", async () => {
        expect(await messages(rdsPrivate, RDS, { publiclyAccessible: false })).toEqual([]);
        expect(await messages(rdsPrivate, RDS, {})).toEqual([]);
    });

    it("fails a publicly accessible instance", async () => {
        expect(await messages(rdsPrivate, RDS, { publiclyAccessible: true })).toEqual([expect.stringMatching(/publiclyAccessible is true.*set publiclyAccessible to false/)]);
    });

    it("never silently passes a value unknown at preview", async () => {
        expect(await messages(rdsPrivate, RDS, { publiclyAccessible: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/publiclyAccessible is unknown during preview/)]);
    });

    it("ignores other types", async () => {
        expect(await messages(rdsPrivate, "aws:rds/cluster:Cluster", { publiclyAccessible: true })).toEqual([]);
    });

    it("remediates by turning the public address off, and leaves a compliant instance alone", async () => {
        expect(await remediate(rdsPrivate, RDS, { publiclyAccessible: true, engine: "postgres" })).toEqual({ publiclyAccessible: false, engine: "postgres" });
        expect(await remediate(rdsPrivate, RDS, { publiclyAccessible: false })).toBeUndefined();
        expect(await remediate(rdsPrivate, "aws:s3/bucket:Bucket", { publiclyAccessible: true })).toBeUndefined();
    });
});
