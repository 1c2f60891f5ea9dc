import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { Deferred, show } from "./values";

/** Statements of a bucket policy that allow everyone: `Principal: "*"`, `{ AWS: "*" }`, `{ AWS: ["*"] }`, or Allow with NotPrincipal. */
export function publicStatements(policy: unknown): Array<{ index: number; sid?: string; why: string }> {
    const doc = typeof policy === "string" ? JSON.parse(policy) : policy;
    const statements: unknown[] = Array.isArray(doc?.Statement) ? doc.Statement : doc?.Statement ? [doc.Statement] : [];
    const everyone = (p: unknown): boolean =>
        p === "*" || (Array.isArray(p) ? p.some(everyone) : !!p && typeof p === "object" && Object.values(p).some(everyone));
    const out: Array<{ index: number; sid?: string; why: string }> = [];
    statements.forEach((s, index) => {
        const st = (s ?? {}) as Record<string, unknown>;
        if (String(st.Effect).toLowerCase() !== "allow") return;
        const sid = typeof st.Sid === "string" ? st.Sid : undefined;
        if (everyone(st.Principal)) out.push({ index, sid, why: 'allows principal "*" (everyone)' });
        else if (st.NotPrincipal !== undefined) out.push({ index, sid, why: "allows NotPrincipal (everyone except the listed principals)" });
    });
    return out;
}

/**
 * Spaces buckets hold backups: never public. `public-read` lists and serves every object to
 * anyone; a bucket policy that allows `*` does the same per action. A `*` principal fails even
 * with a Condition: conditions such as aws:SourceIp still hand the data to anonymous callers.
 */
export const doSpacesPrivate: SlipwayRule = resourceRule(
    {
        name: "do-spaces-private",
        group: "digitalocean",
        description: "Spaces buckets must be private: acl not public-read, and no bucket policy statement may Allow the \"*\" principal (or use NotPrincipal with Allow).",
        sources: ["CKV_DIO_3", "tfsec digitalocean-spaces-acl-no-public-read"],
        remediation:
            "Set acl: \"private\" (the default) and grant access with Spaces access keys (digitalocean.SpacesKey with a bucket grant) or a policy naming specific principals; serve public files through a CDN origin bucket kept apart from data.",
        level: "mandatory",
    },
    [...types.doSpacesBucket, ...types.doSpacesPolicy],
    (args, report) => {
        if ((types.doSpacesBucket as readonly string[]).includes(args.type)) {
            const acl = read(() => args.props.acl);
            if (acl === UNKNOWN) return reportUnknown(report, "acl");
            if (typeof acl === "string" && acl.toLowerCase().startsWith("public")) report(`acl is ${show(acl)}; Spaces buckets must be private (acl: "private").`);
            return;
        }
        const policy = read(() => args.props.policy);
        if (policy === UNKNOWN) {
            // Usually JSON built around the bucket's generated name: known at `pulumi up`, checked then.
            const deferred = new Deferred();
            deferred.add(() => args.props.policy);
            return deferred.raise();
        }
        if (policy === undefined || policy === null || policy === "") return;
        let found: ReturnType<typeof publicStatements>;
        try {
            found = publicStatements(policy);
        } catch {
            return report("policy is not valid JSON, so it cannot be verified; give a JSON policy document.");
        }
        for (const f of found) report(`policy Statement[${f.index}]${f.sid ? ` (Sid ${show(f.sid)})` : ""} ${f.why}; Spaces bucket policies must not make the bucket public.`);
    },
);
