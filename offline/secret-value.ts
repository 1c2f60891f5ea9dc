/**
 * A value the program marked secret, as recorded from the wire. Tests read `.value`; the plan
 * prints it as "[secret]" and never the value itself.
 */
export class SecretValue {
    constructor(public readonly value: unknown) {}
    toJSON(): string {
        return "[secret]";
    }
}

/** Marks a value that would only be known after `pulumi up` (an unknown during preview). */
export const UNKNOWN = "[unknown]";

export const isSecretValue = (v: unknown): v is SecretValue => v instanceof SecretValue;

/** Walks a recorded value and says whether any part of it is secret. */
export function containsSecret(v: unknown): boolean {
    if (isSecretValue(v)) return true;
    if (Array.isArray(v)) return v.some(containsSecret);
    if (v && typeof v === "object") return Object.values(v).some(containsSecret);
    return false;
}

/** The recorded value with every secret unwrapped (for assertions on what a secret holds). */
export function reveal(v: unknown): unknown {
    if (isSecretValue(v)) return reveal(v.value);
    if (Array.isArray(v)) return v.map(reveal);
    if (v && typeof v === "object") {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x)]));
    }
    return v;
}
