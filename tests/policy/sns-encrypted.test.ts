import { describe, expect, it } from "vitest";
import { snsEncrypted } from "../../policy/rules/aws-edge/sns-encrypted";
import { PREVIEW_UNKNOWN, check, messages } from "./helpers";

const TOPIC = "aws:sns/topic:Topic";

describe("sns-encrypted", () => {
    it("passes a topic with a KMS key, also one computed at preview", async () => {
        expect(await messages(snsEncrypted, TOPIC, { name: "alarms", kmsMasterKeyId: "arn:aws:kms:us-east-1:123456789012:key/7bcef977" })).toEqual([]);
        expect(await messages(snsEncrypted, TOPIC, { name: "alarms", kmsMasterKeyId: PREVIEW_UNKNOWN })).toEqual([]);
    });

    it("flags an unencrypted topic", async () => {
        expect(await messages(snsEncrypted, TOPIC, { name: "alarms" })).toEqual([expect.stringMatching(/kmsMasterKeyId is unset/)]);
        expect(await messages(snsEncrypted, TOPIC, { name: "alarms", kmsMasterKeyId: "" })).toHaveLength(1);
    });

    it("is advisory, configurable and ignores other types", async () => {
        expect((await check(snsEncrypted, [{ type: TOPIC, props: {} }]))[0].level).toBe("advisory");
        expect((await check(snsEncrypted, [{ type: TOPIC, props: {} }], { config: { "sns-encrypted": { enforcementLevel: "mandatory" } } }))[0].level).toBe("mandatory");
        expect(await messages(snsEncrypted, "aws:sqs/queue:Queue", {})).toEqual([]);
    });
});
