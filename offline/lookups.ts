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
 * | aws:elb/getServiceAccount | the region's Elastic Load Balancing log-delivery account |
 * | aws:ecr/getAuthorizationToken | user `AWS`, a placeholder password, the account's registry endpoint |
 */
export const OFFLINE_ACCOUNT_ID = "123456789012";
export const OFFLINE_DEFAULT_REGION = "us-east-1";

/** ELB access-log accounts per region (AWS docs: "Enable access logs for your ALB"). */
const elbLogAccounts: Record<string, string> = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "eu-central-1": "054676820928",
    "eu-north-1": "897822967062",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-northeast-1": "582318560864",
    "ap-south-1": "718504428378",
    "ca-central-1": "985666609251",
    "sa-east-1": "507241528517",
};

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
            const account = elbLogAccounts[region];
            if (!account) throw new Error(`Offline lookup aws:elb/getServiceAccount has no account for region ${region}`);
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
