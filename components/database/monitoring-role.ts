import { serviceTrustPolicy } from "../shared/iam";

/**
 * Trust policy of the Enhanced Monitoring role: only the RDS monitoring service, and only on
 * behalf of this account (the confused-deputy guard AWS recommends).
 */
export function rdsMonitoringTrustPolicy(accountId: string): string {
    return serviceTrustPolicy("monitoring.rds.amazonaws.com", accountId);
}

/** The AWS-managed policy that lets the monitoring role write the OS metrics to CloudWatch Logs. */
export const rdsMonitoringPolicyArn = (partition: string): string =>
    `arn:${partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`;
