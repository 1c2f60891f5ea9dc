/**
 * The documented offline answers to provider lookups (`call`/invoke). The plan and the tests
 * use them instead of a cloud account; a token not listed here fails loudly, so a new lookup
 * in the program never passes by accident.
 *
 * | token | offline answer |
 * |---|---|
 * | aws:index/getCallerIdentity | account 123456789012, the offline user |
 * | aws:index/getPartition | partition `aws`, DNS suffix `amazonaws.com` |
 * | aws:index/getRegion | the stack's `aws:region` (default us-east-1) |
 * | aws:index/getAvailabilityZones | `<region>a`, `<region>b`, `<region>c` |
 * | aws:elb/getServiceAccount | the region's ELB log-delivery account; like the provider, an error in regions opened since August 2022 (they have none) |
 * | aws:ecr/getAuthorizationToken | user `AWS`, a placeholder password, the account's registry endpoint |
 */
import { elbLogAccounts, elbLogDeliveryService } from "../components/shared/aws-regions";

export const OFFLINE_ACCOUNT_ID = "123456789012";
export const OFFLINE_DEFAULT_REGION = "us-east-1";

export function offlineLookup(token: string, inputs: Record<string, unknown>, region: string): Record<string, unknown> {
    switch (token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                accountId: OFFLINE_ACCOUNT_ID,
                arn: `arn:aws:iam::${OFFLINE_ACCOUNT_ID}:user/offline`,
                userId: "AIDAOFFLINE",
                id: OFFLINE_ACCOUNT_ID,
            };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
        case "aws:index/getRegion:getRegion":
            return { name: region, region, id: region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            const names = ["a", "b", "c"].map((s) => `${region}${s}`);
            return { names, zoneIds: names.map((_, i) => `use1-az${i + 1}`), id: region, state: inputs.state ?? "available" };
        }
        case "aws:elb/getServiceAccount:getServiceAccount": {
            // The provider answers from the same documented table and fails the same way.
            const account = elbLogAccounts[region];
            if (!account) throw new Error(`aws:elb/getServiceAccount: unsupported AWS Region: ${region} (it delivers access logs as ${elbLogDeliveryService})`);
            return { id: account, arn: `arn:aws:iam::${account}:root`, region };
        }
        case "aws:ecr/getAuthorizationToken:getAuthorizationToken": {
            const registryId = String(inputs.registryId ?? OFFLINE_ACCOUNT_ID);
            const password = "offline-ecr-password";
            return {
                id: region,
                registryId,
                userName: "AWS",
                password,
                authorizationToken: Buffer.from(`AWS:${password}`).toString("base64"),
                proxyEndpoint: `https://${registryId}.dkr.ecr.${region}.amazonaws.com`,
                expiresAt: "2030-01-01T00:00:00Z",
            };
        }
        default:
            throw new Error(`Mock not implemented: ${token} (add an offline answer in offline/lookups.ts)`);
    }
}
