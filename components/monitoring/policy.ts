/**
 * Policies of the alarm topic and its encryption key, as JSON. Pure so they can be read and
 * tested without a cloud account.
 */
import { type AccountContext, accountAdministersKey, policyDocument } from "../shared/iam";

/** Services that publish to the alarm topic: CloudWatch alarms, and EventBridge rules. */
export const alarmPublishers = ["cloudwatch.amazonaws.com", "events.amazonaws.com"] as const;

/** The topic's policies need only the account and its partition. */
type TopicAccount = Pick<AccountContext, "partition" | "accountId">;

/**
 * The key policy of the topic's key. The account statement keeps the key administrable through
 * IAM (without it a key can become unmanageable). Publishers need Decrypt and GenerateDataKey*
 * on the key or SNS drops their messages silently: an alarm on an encrypted topic with the
 * AWS-managed `alias/aws/sns` key never arrives, which is why the topic has its own key.
 */
export function topicKeyPolicy(ctx: TopicAccount): string {
    return policyDocument([
        accountAdministersKey(ctx, "AccountAdministers"),
        {
            Sid: "AlarmPublishersUseKey",
            Effect: "Allow",
            Principal: { Service: [...alarmPublishers] },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            // No aws:SourceAccount/SourceArn here on purpose: EventBridge does not send them on
            // these KMS calls (AWS documents the key statement without conditions), and a
            // condition that never matches drops every notification without an error. The
            // confused-deputy guard sits on the topic policy, which gates all publishing.
            Resource: "*",
        },
    ]);
}

/** The topic policy: only this account's CloudWatch alarms and EventBridge rules may publish. */
export function topicPolicy(ctx: TopicAccount & { topicArn: string }): string {
    return policyDocument([
        {
            Sid: "AlarmPublishersPublish",
            Effect: "Allow",
            Principal: { Service: [...alarmPublishers] },
            Action: "sns:Publish",
            Resource: ctx.topicArn,
            Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } },
        },
    ]);
}
