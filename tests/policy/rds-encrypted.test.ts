import { describe, expect, it } from "vitest";
import { rdsEncrypted } from "../../policy/rules/aws-data/rds-encrypted";
import { PREVIEW_UNKNOWN, check, messages } from "./helpers";

const RDS = "aws:rds/instance:Instance";

describe("rds-encrypted", () => {
    it("passes an encrypted instance", async () => {
        expect(await messages(rdsEncrypted, RDS, { storageEncrypted: true })).toEqual([]);
    });

    it("fails when encryption is off or missing", async () => {
        expect(await messages(rdsEncrypted, RDS, { storageEncrypted: false })).toEqual([expect.stringMatching(/storageEncrypted is false/)]);
        expect(await messages(rdsEncrypted, RDS, {})).toEqual([expect.stringMatching(/storageEncrypted is "unset"/)]);
    });

    it("never silently passes a value unknown at preview", async () => {
        expect(await messages(rdsEncrypted, RDS, { storageEncrypted: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/unknown during preview/)]);
    });

    it("registers on clusters too and ignores other types", async () => {
        expect(await messages(rdsEncrypted, "aws:rds/cluster:Cluster", {})).toHaveLength(1);
        expect(await messages(rdsEncrypted, "aws:s3/bucket:Bucket", {})).toEqual([]);
    });

    it("honours the level from the policy config", async () => {
        const [v] = await check(rdsEncrypted, [{ type: RDS, props: {} }], { config: { "rds-encrypted": { enforcementLevel: "advisory" } } });
        expect(v.level).toBe("advisory");
        expect(await check(rdsEncrypted, [{ type: RDS, props: {} }], { config: { "rds-encrypted": { enforcementLevel: "disabled" } } })).toEqual([]);
    });
});
