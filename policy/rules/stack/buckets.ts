import type { PolicyResource } from "@pulumi/policy";
import { type Maybe, UNKNOWN, types } from "../kit";
import { is, linked, ofType, path, prop } from "./resources";

/**
 * S3 buckets and their separate settings resources (provider v7: versioning, encryption, public
 * access block and policy are resources of their own, pointing at the bucket by its `bucket`
 * input). Shared by bucket-completeness and stateful-has-backup.
 */

/** The bucket's physical name when known (the companions' `bucket` input holds it). */
export const bucketName = (b: PolicyResource): Maybe<unknown> => prop(b, "bucket");

export interface Companions {
    /** Settings resources that point at the bucket. */
    linked: PolicyResource[];
    /** Settings resources whose bucket is unknown at preview and could be this one. */
    maybe: PolicyResource[];
}

/** The settings resources of these types that belong to the bucket. */
export function companions(resources: PolicyResource[], bucket: PolicyResource, tokens: readonly string[]): Companions {
    const name = bucketName(bucket);
    const out: Companions = { linked: [], maybe: [] };
    for (const c of ofType(resources, tokens)) {
        const l = linked(c, "bucket", bucket, name);
        if (l === true) out.linked.push(c);
        else if (l === UNKNOWN) out.maybe.push(c);
    }
    return out;
}

/** Whether the bucket is versioned: a BucketVersioning with status Enabled, or the legacy inline flag. */
export function s3Versioned(resources: PolicyResource[], bucket: PolicyResource): Maybe<boolean> {
    if (path(prop(bucket, "versioning"), "enabled") === true) return true;
    const found = companions(resources, bucket, types.s3Versioning);
    let unknown = found.maybe.length > 0;
    for (const v of found.linked) {
        const status = path(prop(v, "versioningConfiguration"), "status");
        if (status === "Enabled") return true;
        if (status === UNKNOWN) unknown = true;
    }
    return unknown ? UNKNOWN : false;
}

/** Whether a Spaces bucket is versioned. */
export const spacesVersioned = (b: PolicyResource): Maybe<boolean> => {
    const enabled = path(prop(b, "versioning"), "enabled");
    return enabled === UNKNOWN ? UNKNOWN : enabled === true;
};

export const isS3Bucket = (r: PolicyResource): boolean => is(r, types.s3Bucket);
export const isSpacesBucket = (r: PolicyResource): boolean => is(r, types.doSpacesBucket);
