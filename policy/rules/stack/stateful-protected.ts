import type { PolicyResource } from "@pulumi/policy";
import { type SlipwayRule, stackRule, types } from "../kit";
import { isS3Bucket, isSpacesBucket } from "./buckets";
import { type ProductionSettings, componentKind, is, label, ofType, productionConfig, productionReason, prop } from "./resources";

interface Settings extends ProductionSettings {
    dataComponents: string[];
    allBuckets: boolean;
}

/** Always stateful: losing one loses data. */
const DATA_STORES = [...types.rdsInstance, ...types.rdsCluster, ...types.replicationGroup, ...types.elasticacheCluster, ...types.doVolume];

/** Inputs through which a data store or a backup bucket's encryption names its KMS key. */
const KEY_INPUTS = ["kmsKeyId", "performanceInsightsKmsKeyId", "masterUserSecretKmsKeyId", "rules"];

/** A bucket that holds backups: inside a BackupBucket component, or named for it. */
function holdsBackups(b: PolicyResource): boolean {
    if (componentKind(b) === "BackupBucket") return true;
    const physical = isSpacesBucket(b) ? prop(b, "name") : prop(b, "bucket");
    return /backup/i.test(b.name) || (typeof physical === "string" && /backup/i.test(physical));
}

/**
 * The resources whose loss loses data: databases, caches, data volumes, the buckets that hold
 * backups, and the KMS keys of data components (a deleted key makes its snapshots and backups
 * unreadable) — a key is a data key when it sits in a data component or a data store or backup
 * bucket's encryption uses it.
 */
export function statefulResources(resources: PolicyResource[], s: Pick<Settings, "dataComponents" | "allBuckets">): PolicyResource[] {
    const buckets = resources.filter((r) => (isS3Bucket(r) || isSpacesBucket(r)) && (s.allBuckets || holdsBackups(r)));
    const stores = ofType(resources, DATA_STORES);
    const users = [
        ...stores,
        ...ofType(resources, types.s3Encryption).filter((e) => (e.propertyDependencies?.bucket ?? []).some((d) => buckets.some((b) => b.urn === d.urn))),
    ];
    const usedKeys = new Set(users.flatMap((u) => KEY_INPUTS.flatMap((k) => (u.propertyDependencies?.[k] ?? []).filter((d) => is(d, types.kmsKey)).map((d) => d.urn))));
    const keys = ofType(resources, types.kmsKey).filter((k) => usedKeys.has(k.urn) || s.dataComponents.includes(componentKind(k) ?? ""));
    return [...stores, ...buckets, ...keys];
}

/** In production, everything stateful is protected: `pulumi destroy` or a replace cannot delete it. */
export const statefulProtected: SlipwayRule = stackRule(
    {
        name: "stateful-protected",
        group: "stack",
        description:
            "In production stacks, databases, caches, data volumes, backup buckets and the KMS keys of data components must have the protect resource option, so no destroy or replacement deletes them.",
        sources: ["FSBP RDS.8", "CKV_AWS_293", "CIS Controls v8 11.3"],
        remediation:
            "Pass { protect: true } to these resources (Slipway components: protect: true, the default in production). To delete one on purpose, unprotect it first with `pulumi state unprotect`.",
        level: "mandatory",
        configSchema: {
            properties: {
                ...productionConfig,
                dataComponents: {
                    type: "array",
                    items: { type: "string" },
                    default: ["Database", "Cache", "BackupBucket"],
                    description: "Slipway component kinds whose KMS keys guard data.",
                },
                allBuckets: { type: "boolean", default: false, description: "Require every bucket to be protected, not only those that hold backups." },
            },
        },
    },
    (args, report) => {
        const s = args.getConfig<Settings>();
        const why = productionReason(args, s);
        if (!why) args.notApplicable("not a production stack (no production environment tag, stack name not in productionStacks)");
        for (const r of statefulResources(args.resources, s)) {
            const protect = r.opts?.protect;
            if (protect === true) continue;
            report(`${label(r)} is stateful and not protected (protect: ${JSON.stringify(protect ?? "unset")}) in a production stack (${why}); set protect: true.`, r.urn);
        }
    },
);
