/**
 * DigitalOcean Spaces data for the backup repository of the vps target: lifecycle rules, the
 * restic repository URL, name checks. Pure, tested on its own.
 */
import type * as digitalocean from "@pulumi/digitalocean";
import { argError } from "../shared/errors";

/** Days after which an unfinished multipart upload (an interrupted backup) is cleaned up. */
export const abortMultipartAfterDays = 7;

/**
 * The bucket's lifecycle rules. The rule ids are stable (Spaces reports by rule id).
 *
 * There is deliberately NO expiration of current objects: restic's packs are shared by every
 * snapshot that references their data, so the oldest files are often still needed; deleting by
 * age would corrupt the repository. Retention is restic's own `forget --prune`.
 *
 * Versioning is on, and a pruned or overwritten object stays recoverable as a noncurrent version
 * for `noncurrentVersionDays`, then expires: a safety net against a bad prune or an intruder
 * deleting the repository with the droplet's key, whose cost is bounded to those days of pruned
 * data (restic itself keeps the snapshot history). Delete markers left behind (restic removes
 * its lock files on every run) are cleaned up once their versions are gone.
 */
export function spacesLifecycleRules(noncurrentVersionDays: number): digitalocean.types.input.SpacesBucketLifecycleRule[] {
    if (!Number.isInteger(noncurrentVersionDays) || noncurrentVersionDays < 1) {
        throw argError("noncurrentVersionDays", noncurrentVersionDays, "a whole number of days, at least 1");
    }
    return [
        {
            // The provider wants an expiration or a noncurrent-version expiration in every rule,
            // so the multipart clean-up shares the rule that bounds the old versions.
            id: "noncurrent-versions-and-uploads",
            enabled: true,
            noncurrentVersionExpiration: { days: noncurrentVersionDays },
            abortIncompleteMultipartUploadDays: abortMultipartAfterDays,
        },
        {
            id: "expired-delete-markers",
            enabled: true,
            expiration: { expiredObjectDeleteMarker: true },
        },
    ];
}

/** Spaces region slugs look like `fra1`, `nyc3`, `sgp1`. */
const REGION = /^[a-z]{3}[0-9]$/;

/** Spaces (S3) bucket names: 3-63 lowercase letters, digits and hyphens, alphanumeric at both ends. */
const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export function validateSpacesRegion(region: string): void {
    if (!REGION.test(region)) {
        throw argError("repository.region", region, `a DigitalOcean Spaces region such as "fra1" or "nyc3"`);
    }
}

export function validateBucketName(bucketName: string): void {
    if (!BUCKET.test(bucketName)) {
        throw argError("repository.bucketName", bucketName, "3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit");
    }
}

/** The Spaces S3 endpoint of a region. */
export const spacesEndpoint = (region: string): string => `https://${region}.digitaloceanspaces.com`;

/** restic's repository URL for a bucket in Spaces (its S3 backend, path-style). */
export const resticSpacesRepository = (region: string, bucketName: string): string => `s3:${spacesEndpoint(region)}/${bucketName}`;
