import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";

/**
 * An alarm nobody hears is a dashboard. The topic's encryption (same POLICIES row) is the
 * advisory `sns-encrypted`, since a policy has one level.
 */
export const alarmsActionable: SlipwayRule = resourceRule(
    {
        name: "alarms-actionable",
        group: "aws",
        description: "CloudWatch metric alarms must have actions enabled and at least one alarm action (e.g. an SNS topic).",
        sources: ["FSBP CloudWatch.15"],
        remediation: "Set alarmActions to the ARN of an SNS topic that pages or notifies someone, and leave actionsEnabled unset or true.",
        level: "mandatory",
    },
    types.metricAlarm,
    (args, report) => {
        const enabled = read(() => args.props.actionsEnabled);
        if (enabled === UNKNOWN) reportUnknown(report, "actionsEnabled");
        else if (enabled === false) report("actionsEnabled is false; the alarm changes state but notifies nobody.");

        // Topic ARNs are often outputs, unknown at preview; the list's length is what matters.
        const count = read(() => args.props.alarmActions?.length);
        if (count === UNKNOWN) reportUnknown(report, "alarmActions");
        else if (!count) report("alarmActions is empty; add an SNS topic (or another action) so the alarm reaches someone.");
    },
);
