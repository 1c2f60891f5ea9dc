import { readFileSync } from "node:fs";
import { parse } from "yaml";

/**
 * What `pulumi` would hand the program for a stack file: every key's value as a string
 * (objects as JSON) and the list of keys that hold secrets. Offline we cannot decrypt
 * `secure:` values, so each becomes a placeholder that the program still sees as a secret.
 */
export interface LoadedConfig {
    config: Record<string, string>;
    secretKeys: string[];
}

export const SECRET_PLACEHOLDER = "offline-secret-placeholder";

const isSecure = (v: unknown): boolean =>
    !!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v;

/** Replaces `secure:` leaves by the placeholder; says whether there were any. */
function stripSecure(v: unknown): { value: unknown; secret: boolean } {
    if (isSecure(v)) return { value: SECRET_PLACEHOLDER, secret: true };
    if (Array.isArray(v)) {
        const parts = v.map(stripSecure);
        return { value: parts.map((p) => p.value), secret: parts.some((p) => p.secret) };
    }
    if (v && typeof v === "object") {
        let secret = false;
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
            const p = stripSecure(x);
            out[k] = p.value;
            secret ||= p.secret;
        }
        return { value: out, secret };
    }
    return { value: v, secret: false };
}

/** Turns the parsed `config:` map of a stack file into the runtime's form. */
export function toRuntimeConfig(configSection: Record<string, unknown>): LoadedConfig {
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, raw] of Object.entries(configSection ?? {})) {
        const { value, secret } = stripSecure(raw);
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
        if (secret) secretKeys.push(key);
    }
    return { config, secretKeys };
}

/** Reads `Pulumi.<stack>.yaml` (or any file of that shape). */
export function loadStackFile(path: string): LoadedConfig {
    const doc = parse(readFileSync(path, "utf8")) as { config?: Record<string, unknown> } | null;
    return toRuntimeConfig(doc?.config ?? {});
}
