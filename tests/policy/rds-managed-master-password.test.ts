import { describe, expect, it } from "vitest";
import { rdsManagedMasterPassword } from "../../policy/rules/aws-data/rds-managed-master-password";
import { PREVIEW_UNKNOWN, check, messages } from "./helpers";

const RDS = "aws:rds/instance:Instance";

describe("rds-managed-master-password", () => {
    it("passes an instance whose master password RDS manages", async () => {
        expect(await messages(rdsManagedMasterPassword, RDS, { username: "slipway_admin", manageMasterUserPassword: true, masterUserSecretKmsKeyId: "arn:aws:kms:us-east-1:1:key/k" })).toEqual([]);
    });

    it("fails the form main shipped: a generated password input, nothing managed", async () => {
        expect(await messages(rdsManagedMasterPassword, RDS, { username: "app", password: "offline-abc" })).toEqual([
            expect.stringMatching(/password is set; the master password must not be an input/),
            expect.stringMatching(/manageMasterUserPassword is "unset"/),
        ]);
    });

    it("fails a password input even beside manageMasterUserPassword, and an explicit false", async () => {
        expect(await messages(rdsManagedMasterPassword, RDS, { manageMasterUserPassword: true, password: "x" })).toEqual([expect.stringMatching(/password is set/)]);
        expect(await messages(rdsManagedMasterPassword, RDS, { manageMasterUserPassword: false })).toEqual([expect.stringMatching(/manageMasterUserPassword is false/)]);
    });

    it("lets a read replica inherit its source's master user", async () => {
        expect(await messages(rdsManagedMasterPassword, RDS, { replicateSourceDb: "prod-db" })).toEqual([]);
    });

    it("never silently passes a value unknown at preview", async () => {
        expect(await messages(rdsManagedMasterPassword, RDS, { manageMasterUserPassword: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/unknown during preview/)]);
    });

    it("is mandatory by default and honours the policy config", async () => {
        const [v] = await check(rdsManagedMasterPassword, [{ type: RDS, props: {} }]);
        expect(v.level).toBe("mandatory");
        expect(await check(rdsManagedMasterPassword, [{ type: RDS, props: {} }], { config: { "rds-managed-master-password": { enforcementLevel: "disabled" } } })).toEqual([]);
    });
});
