/**
 * Trust policy of the Enhanced Monitoring role: only the RDS monitoring service, and only on
 * behalf of this account (the confused-deputy guard AWS recommends).
 */
export function rdsMonitoringTrustPolicy(accountId: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "monitoring.rds.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
        ],
    });
}

/** The AWS-managed policy that lets the monitoring role write the OS metrics to CloudWatch Logs. */
export const rdsMonitoringPolicyArn = (partition: string): string =>
    `arn:${partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`;
