import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

/**
 * A bad stack config. It extends `pulumi.RunError` so `pulumi up` prints the one-line message
 * without a stack trace; the offline plan prints it to stderr and exits 2.
 */
export class ConfigError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}

/** How a given value is shown in a message: short, and never a secret's content. */
export function showValue(value: unknown, secret = false): string {
    if (value === undefined) return "missing";
    if (secret) return "given in plain text";
    const text = JSON.stringify(value) ?? String(value);
    return `${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

/** `slipway:database.backupRetentionDays` from a path into the namespace. */
export function keyName(path: readonly PropertyKey[]): string {
    const [head, ...rest] = path.map(String);
    return `slipway:${head ?? ""}${rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("")}`;
}

/** The one line a user sees for one problem. */
export function configLine(stackFile: string, path: readonly PropertyKey[], value: unknown, expected: string): string {
    const shown = showValue(value);
    return `${stackFile}: ${keyName(path)} ${shown === "missing" ? "is missing" : `is ${shown}`}; expected ${expected}`;
}

/** Turns zod's first issue into the one-line message (and counts the rest). */
export function formatIssues(stackFile: string, issues: readonly z.core.$ZodIssue[]): string {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
    if (first.code === "unrecognized_keys") {
        const path = [...first.path, first.keys[0]];
        const where = first.path.length === 0 ? "" : ` under ${keyName(first.path)}`;
        return `${stackFile}: ${keyName(path)} is not a known key${where}; expected ${first.message}${more}`;
    }
    if (first.code === "invalid_key") {
        const inner = first.issues[0]?.message ?? "a valid key";
        return `${stackFile}: ${keyName(first.path)} is not an allowed key; expected ${inner}${more}`;
    }
    return `${configLine(stackFile, first.path, (first as { input?: unknown }).input, first.message)}${more}`;
}
