import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { show } from "./values";

/**
 * The POLICIES row "versioning (M); lifecycle expiry (A)" is two rules, because a rule has one
 * level: this one (the row's name) requires versioning; `do-spaces-retention` advises expiry.
 */
export const doSpacesVersioningRetention: SlipwayRule = resourceRule(
    {
        name: "do-spaces-versioning-retention",
        group: "digitalocean",
        description:
            "Spaces buckets must have versioning enabled, so an overwritten or deleted backup can be recovered. Lifecycle expiry is advised separately by do-spaces-retention.",
        sources: ["CKV_DIO_1", "tfsec digitalocean-spaces-versioning-enabled"],
        remediation: "Set versioning: { enabled: true } (versioning can later be suspended, never removed) and add a lifecycle rule that expires noncurrent versions.",
        level: "mandatory",
    },
    types.doSpacesBucket,
    (args, report) => {
        const enabled = read(() => (args.props.versioning as Record<string, unknown> | undefined)?.enabled);
        if (enabled === UNKNOWN) return reportUnknown(report, "versioning.enabled");
        if (enabled !== true) report(`versioning.enabled is ${show(enabled)}; Spaces buckets must keep object versions (versioning: { enabled: true }).`);
    },
);
