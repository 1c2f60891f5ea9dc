import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AccountContext } from "./iam";

/** The provider's partition, caller identity and region, as looked up for one component. */
export interface AwsLookups {
    partition: pulumi.Output<aws.GetPartitionResult>;
    caller: pulumi.Output<aws.GetCallerIdentityResult>;
    region: pulumi.Output<aws.GetRegionResult>;
}

/** Looks up where the component deploys, parented to it so the lookups go through its provider. */
export function awsLookups(parent: pulumi.Resource): AwsLookups {
    return {
        partition: aws.getPartitionOutput({}, { parent }),
        caller: aws.getCallerIdentityOutput({}, { parent }),
        region: aws.getRegionOutput({}, { parent }),
    };
}

/** The lookups as one `AccountContext`, for components that build several values from it. */
export function accountContext(lookups: AwsLookups): pulumi.Output<AccountContext> {
    return pulumi
        .all([lookups.caller.accountId, lookups.partition.partition, lookups.region.region, lookups.partition.dnsSuffix])
        .apply(([accountId, partition, region, dnsSuffix]) => ({ accountId, partition, region, dnsSuffix }));
}

/**
 * One value (usually a policy document) built from the `AccountContext`. The same result as
 * `accountContext(lookups).apply(build)`, but resolved in fewer steps: how many steps an input
 * takes decides the order in which resources reach the engine, and the recorded plan
 * (`npm run plan -- --json`) keeps that order, so callers that used this shape keep it.
 */
export function withAccountContext<T>(lookups: AwsLookups, build: (ctx: AccountContext) => T): pulumi.Output<T> {
    return pulumi
        .all([lookups.partition, lookups.caller, lookups.region])
        .apply(([p, c, r]) => build({ accountId: c.accountId, partition: p.partition, region: r.region, dnsSuffix: p.dnsSuffix }));
}
