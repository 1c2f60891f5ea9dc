import { describe, expect, it } from "vitest";
import { SecretValue } from "../../offline/secret-value";
import { redisEncryptAuth } from "../../policy/rules/aws-data/redis-encrypt-auth";
import { PREVIEW_UNKNOWN, messages } from "./helpers";

const RG = "aws:elasticache/replicationGroup:ReplicationGroup";
const GOOD = { atRestEncryptionEnabled: true, transitEncryptionEnabled: true, transitEncryptionMode: "required", authToken: new SecretValue("s3cr3t-token-value") };

describe("redis-encrypt-auth", () => {
    it("passes an encrypted group with an auth token (secret) or RBAC user groups", async () => {
        expect(await messages(redisEncryptAuth, RG, GOOD)).toEqual([]);
        expect(await messages(redisEncryptAuth, RG, { ...GOOD, authToken: undefined, userGroupIds: ["app-users"] })).toEqual([]);
        expect(await messages(redisEncryptAuth, RG, { ...GOOD, transitEncryptionMode: undefined })).toEqual([]);
    });

    it("fails without encryption at rest", async () => {
        expect(await messages(redisEncryptAuth, RG, { ...GOOD, atRestEncryptionEnabled: false })).toEqual([expect.stringMatching(/atRestEncryptionEnabled is false/)]);
        expect(await messages(redisEncryptAuth, RG, { ...GOOD, atRestEncryptionEnabled: undefined })).toEqual([expect.stringMatching(/atRestEncryptionEnabled is "unset"/)]);
    });

    it("fails without transit encryption, or in the plaintext-accepting preferred mode", async () => {
        expect(await messages(redisEncryptAuth, RG, { ...GOOD, transitEncryptionEnabled: false, transitEncryptionMode: undefined })).toEqual([
            expect.stringMatching(/transitEncryptionEnabled is false/),
        ]);
        expect(await messages(redisEncryptAuth, RG, { ...GOOD, transitEncryptionMode: "preferred" })).toEqual([expect.stringMatching(/transitEncryptionMode is "preferred"/)]);
    });

    it("fails without authentication", async () => {
        const msg = /authToken is unset and userGroupIds is empty/;
        expect(await messages(redisEncryptAuth, RG, { ...GOOD, authToken: undefined })).toEqual([expect.stringMatching(msg)]);
        expect(await messages(redisEncryptAuth, RG, { ...GOOD, authToken: "", userGroupIds: [] })).toEqual([expect.stringMatching(msg)]);
    });

    it("accepts a token generated in the stack (unknown at preview) but reports unknown encryption flags", async () => {
        expect(await messages(redisEncryptAuth, RG, { ...GOOD, authToken: PREVIEW_UNKNOWN })).toEqual([]);
        for (const key of ["atRestEncryptionEnabled", "transitEncryptionEnabled", "transitEncryptionMode"]) {
            expect(await messages(redisEncryptAuth, RG, { ...GOOD, [key]: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(new RegExp(`${key} is unknown during preview`))]);
        }
    });

    it("ignores other types", async () => {
        expect(await messages(redisEncryptAuth, "aws:elasticache/cluster:Cluster", {})).toEqual([]);
    });
});
