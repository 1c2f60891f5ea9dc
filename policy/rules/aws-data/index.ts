import type { SlipwayRule } from "../kit";
import { cloudfrontTls } from "./cloudfront-tls";
import { rdsBackups } from "./rds-backups";
import { rdsEncrypted } from "./rds-encrypted";
import { rdsHardening } from "./rds-hardening";
import { rdsManagedMasterPassword } from "./rds-managed-master-password";
import { rdsMultiAz } from "./rds-multi-az";
import { rdsPrivate } from "./rds-private";
import { redisEncryptAuth } from "./redis-encrypt-auth";
import { redisHaBackup } from "./redis-ha-backup";
import { s3AccessLogging } from "./s3-access-logging";
import { s3BlockPublic } from "./s3-block-public";
import { s3Encryption } from "./s3-encryption";
import { s3SseDenyIfExists } from "./s3-sse-deny-if-exists";
import { s3TlsOnly } from "./s3-tls-only";
import { s3VersioningLifecycle } from "./s3-versioning-lifecycle";

/** AWS data-tier rules: RDS, S3, ElastiCache, CloudFront. */
export const awsDataRules: SlipwayRule[] = [
    rdsEncrypted,
    rdsPrivate,
    rdsMultiAz,
    rdsBackups,
    rdsHardening,
    rdsManagedMasterPassword,
    s3BlockPublic,
    s3TlsOnly,
    s3Encryption,
    s3SseDenyIfExists,
    s3VersioningLifecycle,
    s3AccessLogging,
    redisEncryptAuth,
    redisHaBackup,
    cloudfrontTls,
];
