import type { PolicyResource } from "@pulumi/policy";
import { type SlipwayRule, UNKNOWN, stackRule, types } from "../kit";
import { dependsVia, entries, label, ofType, prop } from "./resources";

/** The known string tags of a resource, and whether some are unknown. */
function tagsOf(r: PolicyResource): { known: string[]; unknown: boolean } {
    const list = entries(prop(r, "tags"));
    if (list === UNKNOWN) return { known: [], unknown: true };
    return { known: (list ?? []).filter((t): t is string => typeof t === "string"), unknown: (list ?? []).includes(UNKNOWN) };
}

/** Whether the firewall applies to the droplet: by droplet id or by a shared tag. */
function covers(fw: PolicyResource, droplet: PolicyResource): boolean | typeof UNKNOWN {
    if (dependsVia(fw, "dropletIds", droplet)) return true;
    // Tags resolved through the same digitalocean.Tag resource are the same tag, known or not.
    const fwTagDeps = fw.propertyDependencies?.tags ?? [];
    if (fwTagDeps.some((t) => (droplet.propertyDependencies?.tags ?? []).some((d) => d.urn === t.urn))) return true;
    const a = tagsOf(fw);
    const b = tagsOf(droplet);
    if (a.known.some((t) => b.known.includes(t))) return true;
    const ids = entries(prop(fw, "dropletIds"));
    return a.unknown || b.unknown || ids === UNKNOWN || (ids ?? []).includes(UNKNOWN) ? UNKNOWN : false;
}

/**
 * Every droplet sits behind a DigitalOcean Cloud Firewall. Docker-published ports bypass the
 * droplet's own iptables/ufw, so the cloud firewall is the real boundary.
 */
export const dropletFirewall: SlipwayRule = stackRule(
    {
        name: "droplet-firewall",
        group: "stack",
        description: "Every DigitalOcean droplet must be covered by a Cloud Firewall (listed in its dropletIds or sharing one of its tags).",
        sources: ["CIS Controls v8 4.4", "CIS Controls v8 4.5"],
        remediation:
            "Create a digitalocean.Firewall whose tags include the droplet's tag (preferred: it covers a rebuilt droplet at once) or whose dropletIds include droplet.id.",
        level: "mandatory",
    },
    (args, report) => {
        const firewalls = ofType(args.resources, types.doFirewall);
        for (const d of ofType(args.resources, types.doDroplet)) {
            const verdicts = firewalls.map((fw) => covers(fw, d));
            if (verdicts.includes(true)) continue;
            if (verdicts.includes(UNKNOWN)) {
                report(`${label(d)}: the firewalls' tags or dropletIds (or the droplet's tags) are unknown during preview, so its firewall cannot be verified.`, d.urn);
            } else {
                report(`${label(d)} is not covered by any Cloud Firewall (${firewalls.length} in the stack); every port Docker publishes on it is open to the internet.`, d.urn);
            }
        }
    },
);
