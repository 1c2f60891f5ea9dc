import type { SlipwayRule } from "../kit";
import { rdsEncrypted } from "./rds-encrypted";

/** AWS data-tier rules: RDS, S3, ElastiCache, CloudFront. */
export const awsDataRules: SlipwayRule[] = [rdsEncrypted];
