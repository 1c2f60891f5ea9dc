import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";

/**
 * A physical name that fits a service's length limit and stays unique per stack: the readable
 * part (`<stack>-<base>`) is cut to fit, and a short hash of project, stack and base keeps two
 * stacks in one account and region, or two long names, apart.
 * Lowercase letters, digits and hyphens only (the intersection of what LB, RDS, ElastiCache,
 * S3 and IAM accept), never starting with a digit or ending with a hyphen.
 *
 * @example physicalName("web", 32) // in stack prod: "prod-web-1a2b3c"
 */
export function physicalName(base: string, maxLength: number): string {
    const scoped = `${pulumi.getStack()}-${base}`;
    const clean = scoped
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .replace(/^[^a-z]+/, "")
        .replace(/-$/, "");
    const suffix = createHash("sha256").update(`${pulumi.getProject()}/${pulumi.getStack()}/${base}`).digest("hex").slice(0, 6);
    const room = maxLength - suffix.length - 1;
    if (room < 1) {
        // Limits come from physicalNameLimits below, never from a user: a tiny one is our bug.
        throw new Error(`Internal: physicalName: a limit of ${maxLength} leaves no room for a name`);
    }
    const head = (clean || "s").slice(0, room).replace(/-+$/, "");
    return `${head}-${suffix}`;
}

/** Length limits of the physical names we set (from each service's API reference). */
export const nameLimits = {
    loadBalancer: 32,
    targetGroup: 32,
    rdsIdentifier: 63,
    elasticacheReplicationGroup: 40,
    s3Bucket: 63,
    iamRole: 64,
    wafWebAcl: 128,
    ecsCluster: 255,
} as const;
