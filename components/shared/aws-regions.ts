/**
 * The commercial AWS regions Slipway plans for, and how Elastic Load Balancing delivers access
 * logs in each. One table for the program (the access-log bucket policy), the stack's config
 * check and the offline lookups, so a region added here plans end to end.
 *
 * Source: "Enable access logs for your Application Load Balancer", step 2 (attach a policy to
 * the bucket): regions available before August 2022 write as a per-region ELB account; regions
 * available from August 2022 write as the `logdelivery.elasticloadbalancing.amazonaws.com`
 * service principal. The accounts agree with the AWS provider's `aws_elb_service_account` table
 * and the CDK's region facts (ELBV2_ACCOUNTS), which both send every unlisted region to the
 * service principal.
 */
import { catalog } from "./catalog";

/** The service principal ELB writes access logs as in regions opened from August 2022. */
export const elbLogDeliveryService = "logdelivery.elasticloadbalancing.amazonaws.com";

/** Regions opened before August 2022 and the ELB account that delivers their access logs. */
export const elbLogAccounts: Readonly<Record<string, string>> = {
    "us-east-1": "127311923021", // US East (N. Virginia)
    "us-east-2": "033677994240", // US East (Ohio)
    "us-west-1": "027434742980", // US West (N. California)
    "us-west-2": "797873946194", // US West (Oregon)
    "af-south-1": "098369216593", // Africa (Cape Town)
    "ap-east-1": "754344448648", // Asia Pacific (Hong Kong)
    "ap-south-1": "718504428378", // Asia Pacific (Mumbai)
    "ap-northeast-1": "582318560864", // Asia Pacific (Tokyo)
    "ap-northeast-2": "600734575887", // Asia Pacific (Seoul)
    "ap-northeast-3": "383597477331", // Asia Pacific (Osaka)
    "ap-southeast-1": "114774131450", // Asia Pacific (Singapore)
    "ap-southeast-2": "783225319266", // Asia Pacific (Sydney)
    "ap-southeast-3": "589379963580", // Asia Pacific (Jakarta)
    "ca-central-1": "985666609251", // Canada (Central)
    "eu-central-1": "054676820928", // Europe (Frankfurt)
    "eu-west-1": "156460612806", // Europe (Ireland)
    "eu-west-2": "652711504416", // Europe (London)
    "eu-west-3": "009996457667", // Europe (Paris)
    "eu-south-1": "635631232127", // Europe (Milan)
    "eu-north-1": "897822967062", // Europe (Stockholm)
    "me-south-1": "076674570225", // Middle East (Bahrain)
    "sa-east-1": "507241528517", // South America (São Paulo)
};

/** Regions opened from August 2022: ELB delivers their access logs as `elbLogDeliveryService`. */
export const serviceDeliveredRegions: readonly string[] = [
    "ap-south-2", // Asia Pacific (Hyderabad)
    "ap-southeast-4", // Asia Pacific (Melbourne)
    "ap-southeast-5", // Asia Pacific (Malaysia)
    "ap-southeast-6", // Asia Pacific (New Zealand)
    "ap-southeast-7", // Asia Pacific (Thailand)
    "ap-east-2", // Asia Pacific (Taipei)
    "ca-west-1", // Canada West (Calgary)
    "eu-central-2", // Europe (Zurich)
    "eu-south-2", // Europe (Spain)
    "il-central-1", // Israel (Tel Aviv)
    "me-central-1", // Middle East (UAE)
    "mx-central-1", // Mexico (Central)
];

/** Every commercial (partition `aws`) region, sorted. GovCloud and China are other partitions. */
export const commercialRegions: readonly string[] = [...Object.keys(elbLogAccounts), ...serviceDeliveredRegions].sort();

export const isCommercialRegion = (region: string): boolean => commercialRegions.includes(region);

/**
 * The regions `aws:region` may name: the commercial regions of the AWS Regions table, as of
 * `catalogDate`. Two regions listed above opened after that date and are kept, because
 * refusing a region that exists is worse than a catalog a little newer than its date:
 * Asia Pacific (Taipei) ap-east-2 (June 2025) and Asia Pacific (New Zealand) ap-southeast-6
 * (September 2025). Opt-in regions are included; the account must have enabled them.
 */
export const awsRegionCatalog = catalog("a commercial AWS region", "https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html", commercialRegions);

/** The principal a bucket policy must allow for ELB to write a region's access logs. */
export type ElbLogPrincipal = { AWS: string } | { Service: string };

/**
 * Who writes a region's ALB access logs: its ELB account (root of that account, in the given
 * partition) for regions opened before August 2022, else the log-delivery service principal.
 * A region not in either list is newer than this table, and every region AWS has opened since
 * August 2022 uses the service principal, so that is the answer rather than an error.
 */
export function elbLogPrincipal(region: string, partition = "aws"): ElbLogPrincipal {
    const account = elbLogAccounts[region];
    return account ? { AWS: `arn:${partition}:iam::${account}:root` } : { Service: elbLogDeliveryService };
}
