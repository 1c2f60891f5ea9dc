import { type SlipwayRule, UNKNOWN, read, resourceRule, types } from "../kit";

/** Alarm topics carry resource names and metric values; encrypt them at rest. */
export const snsEncrypted: SlipwayRule = resourceRule(
    {
        name: "sns-encrypted",
        group: "aws",
        description: "SNS topics should be encrypted at rest with a KMS key (kmsMasterKeyId).",
        sources: ["FSBP SNS.1", "CKV_AWS_26"],
        remediation:
            "Set kmsMasterKeyId to a customer-managed KMS key whose key policy lets the publishing services (e.g. cloudwatch.amazonaws.com) use it; the AWS-managed alias/aws/sns key cannot be used by CloudWatch alarms.",
        level: "advisory",
    },
    types.snsTopic,
    (args, report) => {
        // An unknown id is a key created in this stack (its ARN is computed): it is set.
        const key = read(() => args.props.kmsMasterKeyId);
        if (key !== UNKNOWN && (key === undefined || key === null || key === "")) report("kmsMasterKeyId is unset; encrypt the topic with a KMS key.");
    },
);
