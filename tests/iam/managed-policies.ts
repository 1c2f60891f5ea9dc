/**
 * The AWS managed policies the graph attaches, as AWS publishes them. The graph holds only their
 * ARNs; the evaluator needs the documents, so they are copied here with where they come from. A
 * managed ARN the graph attaches and this table lacks fails the harness (see `model.ts`), so a new
 * attachment cannot pass unevaluated.
 */
export type PolicyDocument = { Version?: string; Statement: Record<string, unknown> | Record<string, unknown>[] };

export const managedPolicies: Record<string, { source: string; document: PolicyDocument }> = {
    "service-role/AmazonECSTaskExecutionRolePolicy": {
        // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
        source: "AWS Managed Policy reference, AmazonECSTaskExecutionRolePolicy (v1)",
        document: {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Action: [
                        "ecr:GetAuthorizationToken",
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:GetDownloadUrlForLayer",
                        "ecr:BatchGetImage",
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                    ],
                    Resource: "*",
                },
            ],
        },
    },
    "service-role/AmazonRDSEnhancedMonitoringRole": {
        // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonRDSEnhancedMonitoringRole.html
        source: "AWS Managed Policy reference, AmazonRDSEnhancedMonitoringRole (v1)",
        document: {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "EnableCreationAndManagementOfRDSCloudwatchLogGroups",
                    Effect: "Allow",
                    Action: ["logs:CreateLogGroup", "logs:PutRetentionPolicy"],
                    Resource: ["arn:aws:logs:*:*:log-group:RDS*"],
                },
                {
                    Sid: "EnableCreationAndManagementOfRDSCloudwatchLogStreams",
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:GetLogEvents"],
                    Resource: ["arn:aws:logs:*:*:log-group:RDS*:log-stream:*"],
                },
            ],
        },
    },
};
