import type { PolicyResource } from "@pulumi/policy";
import { type SlipwayRule, UNKNOWN, stackRule, types } from "../kit";
import { label, ofType, prop } from "./resources";

/**
 * With storage autoscaling, RDS grows the volume until `maxAllocatedStorage` and then stops; the
 * database fills up from there. CloudWatch publishes free space only (no allocated size), so no
 * metric alarm can tell "near the ceiling" from "one autoscaling step from the next". RDS says it
 * itself: RDS-EVENT-0225 (storage approaching the maximum threshold) and the storage-full events,
 * all in the "low storage" category of a DB instance event subscription.
 */

/** Whether the subscription carries `r`'s "low storage" events. */
function carriesLowStorage(sub: PolicyResource, r: PolicyResource): boolean {
    if (prop(sub, "enabled") === false) return false;
    const sourceType = prop(sub, "sourceType");
    if (sourceType !== undefined && sourceType !== UNKNOWN && sourceType !== "db-instance") return false;
    const categories = prop(sub, "eventCategories");
    // No categories means every category (RDS's documented default); unknown at preview counts.
    const lowStorage = categories === undefined || categories === UNKNOWN || (Array.isArray(categories) && (categories.length === 0 || categories.includes("low storage")));
    if (!lowStorage) return false;
    const ids = prop(sub, "sourceIds");
    // No source ids means every instance of the account and region.
    if (ids === undefined || (Array.isArray(ids) && ids.length === 0)) return true;
    const identifier = prop(r, "identifier");
    if (Array.isArray(ids) && typeof identifier === "string" && ids.includes(identifier)) return true;
    return (sub.propertyDependencies?.sourceIds ?? []).some((d) => d.urn === r.urn);
}

export const rdsStorageCeilingEvents: SlipwayRule = stackRule(
    {
        name: "rds-storage-ceiling-events",
        group: "stack",
        description:
            "An RDS instance with storage autoscaling (maxAllocatedStorage above allocatedStorage) must have an enabled event subscription carrying its \"low storage\" events (RDS-EVENT-0225, storage approaching the autoscaling ceiling, and the storage-full events): no CloudWatch metric shows the ceiling coming.",
        sources: ["AWS RDS User Guide: Managing capacity automatically with storage autoscaling; Amazon RDS event categories and event messages"],
        remediation:
            "The aws Monitoring component creates one (monitoring-rds-events) on the alarm topic; or add an aws.rds.EventSubscription with sourceType db-instance, sourceIds [the instance identifier] and eventCategories including \"low storage\".",
        level: "mandatory",
    },
    (args, report) => {
        const subs = ofType(args.resources, types.rdsEventSubscription);
        for (const r of ofType(args.resources, types.rdsInstance)) {
            const max = prop(r, "maxAllocatedStorage");
            const allocated = prop(r, "allocatedStorage");
            // Autoscaling is on only when the ceiling is above the allocation; unknown is not known to be on.
            if (typeof max !== "number" || typeof allocated !== "number" || max <= allocated) continue;
            if (!subs.some((s) => carriesLowStorage(s, r))) {
                report(`${label(r)} autoscales its storage up to ${max} GB but no enabled RDS event subscription carries its "low storage" events; nothing would warn before the ceiling (RDS-EVENT-0225).`, r.urn);
            }
        }
    },
);
