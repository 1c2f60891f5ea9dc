import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { type Maybe, type SlipwayRule, UNKNOWN, read, stackRule, types } from "../kit";
import { dockerLabels, entries, fields, is, label, parseJson, path, prop } from "./resources";
import { awsTaggableTypes, digitaloceanSelectorTagTypes, digitaloceanTaggableTypes } from "./taggable-types";

interface Settings {
    tags: string[];
    dockerLabels: string[];
    extraTaggableTypes: string[];
    exemptTypes: string[];
}

/** A tag set as read: known values, or UNKNOWN for a value computed at deploy time. */
type Tags = Map<string, Maybe<unknown>>;

/** `{k: v}` or the list form `[{key, value}]` (autoscaling groups); UNKNOWN when the set itself is. */
function readTags(value: Maybe<unknown>): Maybe<Tags> {
    const out: Tags = new Map();
    const list = entries(value);
    if (list === UNKNOWN) return UNKNOWN;
    if (list) {
        for (const e of list) {
            const k = path(e, "key");
            if (k === UNKNOWN) return UNKNOWN;
            if (typeof k === "string") out.set(k, path(e, "value"));
        }
        return out;
    }
    const map = fields(value);
    if (map === UNKNOWN) return UNKNOWN;
    for (const [k, v] of map ?? []) out.set(k, v);
    return out;
}

/** The AWS provider's `defaultTags.tags` (its inputs arrive as JSON strings). */
function defaultTags(r: PolicyResource): Maybe<Tags> {
    if (!r.provider) return new Map();
    return readTags(path(parseJson(read(() => r.provider!.props.defaultTags)), "tags"));
}

/**
 * A value unknown at preview still says the tag is there (e.g. a stack output as `owner`): the
 * rule is about carrying the key with a value, and the key is known. An empty string is no value.
 */
const carries = (tags: Tags, key: string): boolean => tags.has(key) && (tags.get(key) === UNKNOWN || (typeof tags.get(key) === "string" && tags.get(key) !== ""));

function checkAws(r: PolicyResource, s: Settings, report: ReportViolation): void {
    const own = prop(r, "tags");
    const taggable = awsTaggableTypes.includes(r.type) || s.extraTaggableTypes.includes(r.type) || own !== undefined || prop(r, "tagsAll") !== undefined;
    if (!taggable) return;
    const sets: Maybe<Tags>[] = [defaultTags(r), readTags(own), readTags(prop(r, "tagsAll"))];
    const merged: Tags = new Map();
    for (const set of sets) if (set !== UNKNOWN) for (const [k, v] of set) merged.set(k, v);
    const missing = s.tags.filter((t) => !carries(merged, t));
    if (missing.length === 0) return;
    if (sets.includes(UNKNOWN)) {
        report(`${label(r)}: its tags (or the provider's defaultTags) are unknown during preview, so ${missing.join(", ")} cannot be verified; set them to known values.`, r.urn);
        return;
    }
    report(
        `${label(r)} lacks the tag(s) ${missing.join(", ")} (tags: ${JSON.stringify(Object.fromEntries(merged))}, including the provider's defaultTags); every taggable resource must carry ${s.tags.join(", ")}.`,
        r.urn,
    );
}

/**
 * DigitalOcean tags are plain strings (letters, digits, `:`, `-`, `_`), so a key/value tag is
 * written `key:value` (`project:slipway`). A bare `project` says nothing about the value and does
 * not count; `key:` with an empty value does not either.
 */
function checkDigitalOcean(r: PolicyResource, s: Settings, report: ReportViolation): void {
    if (digitaloceanSelectorTagTypes.includes(r.type)) return;
    const raw = prop(r, "tags");
    if (!digitaloceanTaggableTypes.includes(r.type) && !s.extraTaggableTypes.includes(r.type) && raw === undefined) return;
    const list = entries(raw);
    const known = list === UNKNOWN ? [] : (list ?? []).filter((t): t is string => typeof t === "string");
    const missing = s.tags.filter((k) => !known.some((t) => t.startsWith(`${k}:`) && t.length > k.length + 1));
    if (missing.length === 0) return;
    if (list === UNKNOWN || (list ?? []).includes(UNKNOWN)) {
        report(`${label(r)}: its tags are unknown during preview, so ${missing.join(", ")} cannot be verified; set them to known values.`, r.urn);
        return;
    }
    report(
        `${label(r)} lacks the tag(s) ${missing.map((k) => `${k}:<value>`).join(", ")} (tags: ${JSON.stringify(known)}); every taggable resource must carry ${s.tags.join(", ")} as key:value tags.`,
        r.urn,
    );
}

/** Docker has no tags: containers carry the stack as labels. */
function checkDocker(r: PolicyResource, s: Settings, report: ReportViolation): void {
    const labels = dockerLabels(r);
    if (labels === UNKNOWN) {
        report(`${label(r)}: its labels are unknown during preview, so ${s.dockerLabels.join(", ")} cannot be verified; set them to known values.`, r.urn);
        return;
    }
    const missing = s.dockerLabels.filter((k) => !carries(labels, k));
    if (missing.length) {
        report(`${label(r)} lacks the label(s) ${missing.join(", ")} (labels: ${JSON.stringify([...labels.keys()])}); every container must carry ${s.dockerLabels.join(", ")}.`, r.urn);
    }
}

/** Every taggable resource carries the ownership tags (project, stack, owner by default). */
export const requiredTags: SlipwayRule = stackRule(
    {
        name: "required-tags",
        group: "stack",
        description:
            "Every taggable resource must carry the tags project, stack and owner (AWS: its tags merged with the provider's defaultTags; DigitalOcean droplets and volumes: key:value tags such as project:slipway; Docker containers: the label slipway.stack).",
        sources: ["AWS Config required-tags", "CIS Controls v8 1.1"],
        remediation:
            "AWS: set the tags once in the provider's defaultTags ({ defaultTags: { tags: { project, stack, owner } } }). DigitalOcean: add tags such as project:slipway, stack:dev, owner:platform-team to droplets and volumes. Docker: add the label slipway.stack to each container.",
        level: "mandatory",
        configSchema: {
            properties: {
                tags: { type: "array", items: { type: "string" }, default: ["project", "stack", "owner"], description: "Tag keys every taggable resource must carry." },
                dockerLabels: { type: "array", items: { type: "string" }, default: ["slipway.stack"], description: "Labels every Docker container must carry." },
                extraTaggableTypes: { type: "array", items: { type: "string" }, default: [], description: "More type tokens to treat as taggable." },
                exemptTypes: { type: "array", items: { type: "string" }, default: [], description: "Type tokens never checked." },
            },
        },
    },
    (args, report) => {
        const s = args.getConfig<Settings>();
        for (const r of args.resources) {
            if (s.exemptTypes.includes(r.type)) continue;
            if (r.type.startsWith("aws:")) checkAws(r, s, report);
            else if (r.type.startsWith("digitalocean:")) checkDigitalOcean(r, s, report);
            else if (is(r, types.dockerContainer)) checkDocker(r, s, report);
        }
    },
);
