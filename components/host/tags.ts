/**
 * DigitalOcean has no provider default tags, so the host's resources carry the stack's tags
 * themselves, as `key:value` (DO tags allow only letters, digits, `:`, `-` and `_`; anything else
 * becomes `-`, and a tag is at most 255 characters).
 *
 * @example doTags({ project: "slipway", owner: "Platform Team" }) // ["project:slipway", "owner:Platform-Team"]
 */
export function doTags(labels: Record<string, string>): string[] {
    return Object.entries(labels).map(([k, v]) => `${clean(k)}:${clean(v) || "unset"}`.slice(0, 255));
}

const clean = (s: string): string => s.replace(/[^A-Za-z0-9:_-]+/g, "-").replace(/^-+|-+$/g, "");
