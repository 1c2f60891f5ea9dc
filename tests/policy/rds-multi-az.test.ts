import { describe, expect, it } from "vitest";
import { rdsMultiAz } from "../../policy/rules/aws-data/rds-multi-az";
import { AWS_PROVIDER, messagesWithTags } from "./aws-data-helpers";
import { PREVIEW_UNKNOWN, check, messages, urnOf } from "./helpers";

const RDS = "aws:rds/instance:Instance";
const PROD = { environment: "production", project: "slipway" };

describe("rds-multi-az", () => {
    it("passes a Multi-AZ instance of a production stack", async () => {
        expect(await messagesWithTags(rdsMultiAz, RDS, { multiAz: true }, PROD)).toEqual([]);
    });

    it("fails a single-AZ or unset instance of a production stack", async () => {
        expect(await messagesWithTags(rdsMultiAz, RDS, { multiAz: false }, PROD)).toEqual([expect.stringMatching(/multiAz is false/)]);
        expect(await messagesWithTags(rdsMultiAz, RDS, {}, PROD)).toEqual([expect.stringMatching(/multiAz is "unset"/)]);
    });

    it("does not apply outside production (other tag value, no tag, no provider)", async () => {
        expect(await messagesWithTags(rdsMultiAz, RDS, { multiAz: false }, { environment: "staging" })).toEqual([]);
        expect(await messagesWithTags(rdsMultiAz, RDS, { multiAz: false }, { project: "slipway" })).toEqual([]);
        expect(await messages(rdsMultiAz, RDS, { multiAz: false })).toEqual([]);
    });

    it("recognises production from the resource's own tag and from the stack tags", async () => {
        expect(await messagesWithTags(rdsMultiAz, RDS, { multiAz: false, tags: { environment: "prod" } }, { environment: "staging" })).toHaveLength(1);
        expect(await messages(rdsMultiAz, RDS, { multiAz: false }, { stackTags: new Map([["environment", "production"]]) })).toHaveLength(1);
    });

    it("honours applyTo, environmentTag and productionValues", async () => {
        expect(await messages(rdsMultiAz, RDS, { multiAz: false }, { config: { "rds-multi-az": { applyTo: "all" } } })).toHaveLength(1);
        const custom = { config: { "rds-multi-az": { environmentTag: "tier", productionValues: ["live"] } } };
        expect(await messagesWithTags(rdsMultiAz, RDS, { multiAz: false }, { tier: "live" }, custom)).toHaveLength(1);
        expect(await messagesWithTags(rdsMultiAz, RDS, { multiAz: false }, PROD, custom)).toEqual([]);
    });

    it("never silently passes an unknown multiAz or an unknown environment tag", async () => {
        expect(await messagesWithTags(rdsMultiAz, RDS, { multiAz: PREVIEW_UNKNOWN }, PROD)).toEqual([expect.stringMatching(/multiAz is unknown during preview/)]);
        const v = await check(rdsMultiAz, [
            { type: AWS_PROVIDER, name: "p", props: { defaultTags: PREVIEW_UNKNOWN } },
            { type: RDS, props: { multiAz: false }, provider: urnOf(AWS_PROVIDER, "p") },
        ]);
        expect(v.map((x) => x.message)).toEqual([expect.stringMatching(/"environment" tag .* unknown during preview/)]);
        expect(await messagesWithTags(rdsMultiAz, RDS, { multiAz: false, tags: PREVIEW_UNKNOWN }, PROD)).toEqual([expect.stringMatching(/unknown during preview/)]);
    });

    it("is mandatory by default", async () => {
        const [v] = await check(rdsMultiAz, [{ type: RDS, props: {} }], { config: { "rds-multi-az": { applyTo: "all" } } });
        expect(v.level).toBe("mandatory");
    });
});
