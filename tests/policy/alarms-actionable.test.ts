import { describe, expect, it } from "vitest";
import { alarmsActionable } from "../../policy/rules/aws-edge/alarms-actionable";
import { PREVIEW_UNKNOWN, check, messages } from "./helpers";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alarms";
const alarm = (over: Record<string, unknown> = {}) => ({ metricName: "CPUUtilization", namespace: "AWS/ECS", threshold: 80, actionsEnabled: true, alarmActions: [TOPIC_ARN], ...over });

describe("alarms-actionable", () => {
    it("passes an alarm that notifies a topic", async () => {
        expect(await messages(alarmsActionable, ALARM, alarm())).toEqual([]);
        expect(await messages(alarmsActionable, ALARM, alarm({ actionsEnabled: undefined }))).toEqual([]);
    });

    it("fails an alarm without actions", async () => {
        expect(await messages(alarmsActionable, ALARM, alarm({ alarmActions: [] }))).toEqual([expect.stringMatching(/alarmActions is empty/)]);
        expect(await messages(alarmsActionable, ALARM, alarm({ alarmActions: undefined }))).toEqual([expect.stringMatching(/alarmActions is empty/)]);
    });

    it("fails an alarm whose actions are disabled", async () => {
        expect(await messages(alarmsActionable, ALARM, alarm({ actionsEnabled: false }))).toEqual([expect.stringMatching(/actionsEnabled is false/)]);
    });

    it("accepts topic ARNs computed at preview but not a wholly unknown list", async () => {
        expect(await messages(alarmsActionable, ALARM, alarm({ alarmActions: [PREVIEW_UNKNOWN] }))).toEqual([]);
        expect(await messages(alarmsActionable, ALARM, alarm({ alarmActions: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/alarmActions is unknown during preview/)]);
        expect(await messages(alarmsActionable, ALARM, alarm({ actionsEnabled: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/actionsEnabled is unknown during preview/)]);
    });

    it("is mandatory and ignores other types", async () => {
        expect((await check(alarmsActionable, [{ type: ALARM, props: alarm({ alarmActions: [] }) }]))[0].level).toBe("mandatory");
        expect(await messages(alarmsActionable, "aws:cloudwatch/compositeAlarm:CompositeAlarm", alarm({ alarmActions: [] }))).toEqual([]);
    });
});
