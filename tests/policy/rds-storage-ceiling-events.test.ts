import { describe, expect, it } from "vitest";
import { rdsStorageCeilingEvents } from "../../policy/rules/stack/rds-storage-ceiling-events";
import { PREVIEW_UNKNOWN } from "./helpers";
import { awsStack } from "./stack-fixtures";
import { type Node, patch, run, violations } from "./stack-graph";

const rule = rdsStorageCeilingEvents;
const SUB = "aws:rds/eventSubscription:EventSubscription";

/** The miniature aws stack with the prod storage: 100 GB autoscaling up to 500 GB. */
const autoscaling = (): Node[] => patch(awsStack(), "db-instance", { identifier: "prod-db", allocatedStorage: 100, maxAllocatedStorage: 500 });

const subscription = (props: Record<string, unknown> = {}, deps: Record<string, string[]> = { sourceIds: ["db-instance"] }): Node => ({
    type: SUB,
    name: "monitoring-rds-events",
    provider: "aws",
    props: { sourceType: "db-instance", sourceIds: ["prod-db"], eventCategories: ["low storage", "failure", "failover"], snsTopic: "arn:aws:sns:us-east-1:1:alarms", enabled: true, ...props },
    deps,
});

describe("rds-storage-ceiling-events", () => {
    it("fails an autoscaling database with no event subscription (the prod graph before issue 12 defect 9)", async () => {
        expect(await run(rule, autoscaling())).toEqual([
            expect.stringMatching(/^db-instance: .*autoscales its storage up to 500 GB but no enabled RDS event subscription carries its "low storage" events/),
        ]);
    });

    it("passes with a subscription on the instance carrying low storage, by identifier or by dependency", async () => {
        expect(await run(rule, [...autoscaling(), subscription()])).toEqual([]);
        expect(await run(rule, [...autoscaling(), subscription({ sourceIds: ["x"] })])).toEqual([]);
        expect(await run(rule, [...autoscaling(), subscription({}, {})])).toEqual([]);
    });

    it("counts a subscription without categories or source ids as carrying everything", async () => {
        expect(await run(rule, [...autoscaling(), subscription({ eventCategories: undefined, sourceIds: undefined }, {})])).toEqual([]);
        expect(await run(rule, [...autoscaling(), subscription({ eventCategories: PREVIEW_UNKNOWN })])).toEqual([]);
    });

    it("does not count a disabled subscription, other categories, another instance or another source type", async () => {
        for (const wrong of [
            subscription({ enabled: false }),
            subscription({ eventCategories: ["failover", "backup"] }),
            subscription({ sourceIds: ["other-db"] }, {}),
            subscription({ sourceType: "db-cluster" }),
        ]) {
            expect(await run(rule, [...autoscaling(), wrong])).toHaveLength(1);
        }
    });

    it("leaves databases without storage autoscaling, or with unknown sizes, alone", async () => {
        expect(await run(rule, awsStack())).toEqual([]);
        expect(await run(rule, patch(autoscaling(), "db-instance", { maxAllocatedStorage: 100 }))).toEqual([]);
        expect(await run(rule, patch(autoscaling(), "db-instance", { maxAllocatedStorage: PREVIEW_UNKNOWN }))).toEqual([]);
    });

    it("is mandatory", async () => {
        const [v] = await violations(rule, autoscaling());
        expect(v.level).toBe("mandatory");
    });
});
