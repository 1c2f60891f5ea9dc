/**
 * The bootstrap function's IAM, as JSON from plain values (tested alone and by the IAM tier).
 */
import { type AccountContext, logGroupArn, policyDocument } from "../../shared/iam";

/**
 * What the bootstrap function may do, and nothing more:
 * - read the RDS-managed master secret and the two role secrets, and decrypt them only through
 *   Secrets Manager with one of those secrets named in the encryption context it always sends;
 * - manage the network interfaces Lambda creates for it in the VPC (CreateNetworkInterface and
 *   the rest have no resource-level scoping Lambda can use: AWS's AWSLambdaVPCAccessExecutionRole
 *   grants them on `*`, as here);
 * - write its own log group.
 */
export function bootstrapRolePolicy(ctx: AccountContext, a: { logGroupName: string; masterSecretArn: string; roleSecretArns: string[]; keyArns: string[] }): string {
    const secrets = [a.masterSecretArn, ...a.roleSecretArns].sort();
    return policyDocument([
        { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroupArn(ctx, a.logGroupName)}:log-stream:*` },
        {
            Sid: "VpcNetworkInterfaces",
            Effect: "Allow",
            Action: [
                "ec2:CreateNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSubnets",
                "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses",
            ],
            Resource: "*",
        },
        { Sid: "ReadMasterAndRoleSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secrets },
        {
            Sid: "DecryptThoseSecretsThroughSecretsManager",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: [...new Set(a.keyArns)].sort(),
            // Several values of one single-valued key match any of them.
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${ctx.region}.${ctx.dnsSuffix}`, "kms:EncryptionContext:SecretARN": secrets } },
        },
    ]);
}
