import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { type Maybe, UNKNOWN, read } from "../kit";

/** Whether a type token is one of a `types` entry (those are readonly literal tuples). */
export const among = (tokens: readonly string[], type: string): boolean => tokens.includes(type);

/** A value as a message shows it: JSON, and "unset" for a missing one. */
export const shown = (v: unknown): string => JSON.stringify(v ?? "unset");

/**
 * The elements of a list input, each read on its own: a list built from outputs has a known
 * length while some elements are still unknown at preview. The whole list may be unknown too.
 */
export function elements(get: () => unknown): Maybe<Maybe<unknown>[]> {
    const list = read(get);
    if (list === UNKNOWN) return UNKNOWN;
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) return [list];
    const out: Maybe<unknown>[] = [];
    for (let i = 0; i < list.length; i++) out.push(read(() => list[i]));
    return out;
}

/** Security group protocols as AWS accepts them ("tcp", "6", "-1", "all") in one spelling. */
export function protocolName(p: unknown): string {
    const s = String(p ?? "").toLowerCase();
    return ({ "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", all: "-1" } as Record<string, string>)[s] ?? s;
}

/**
 * Literal secrets in free text (user data, environment values). Labels only: a message must
 * never repeat the secret it found.
 */
const secretLiterals: { label: string; pattern: RegExp }[] = [
    { label: "an AWS access key id", pattern: /\b(AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b/ },
    { label: "an AWS secret access key", pattern: /aws_secret_access_key\s*[=:]\s*["']?[A-Za-z0-9/+=]{40}/i },
    { label: "a private key block", pattern: /-----BEGIN ([A-Z]+ )*PRIVATE KEY( BLOCK)?-----/ },
    // A reference (`$VAR`, `$(cmd)`, `{{resolve:…}}`) is how a secret should arrive; a literal is not.
    { label: "a password assignment", pattern: /\b[\w-]*(password|passwd|pwd)\s*[=:]\s*(?![\s"']*(\$|\{\{))["']?[^\s"'$]{4,}/i },
    { label: "a token or API key assignment", pattern: /\b[\w-]*(secret|token|api[_-]?key)\s*[=:]\s*(?![\s"']*(\$|\{\{))["']?[A-Za-z0-9/+=_.-]{16,}/i },
    { label: "credentials in a URL", pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]+:[^\s/@'"$]+@/i },
    { label: "a GitHub or Slack token", pattern: /\b(gh[pousr]_[A-Za-z0-9]{36}|xox[abprs]-[A-Za-z0-9-]{10,})/ },
];

/** What kinds of literal secret a text holds (labels, never the values). */
export function secretLiteralsIn(text: string): string[] {
    return secretLiterals.filter(({ pattern }) => pattern.test(text)).map(({ label }) => label);
}

/** The text of user data: launch templates take it base64-encoded, instances as plain text. */
export function userDataTexts(v: string): string[] {
    const compact = v.replace(/\s+/g, "");
    if (compact.length < 8 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return [v];
    const decoded = Buffer.from(compact, "base64").toString("utf8");
    // Text that merely looks like base64 decodes to binary noise; keep only a readable decoding.
    const readable = [...decoded].every((ch) => ch.charCodeAt(0) >= 0x20 || ch === "\t" || ch === "\n" || ch === "\r");
    return readable && !decoded.includes("\ufffd") ? [v, decoded] : [v];
}

/** Names of environment variables that usually hold a secret. */
export const SECRET_NAME_PATTERN =
    "(^|_)(PASS|PWD)($|_)|PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|(^|_)AUTH($|_)|(^|_)DSN$|CONNECTION_?STRING|(DATABASE|DB|REDIS|MONGO(DB)?|POSTGRES(QL)?|MYSQL|AMQP|RABBITMQ)_URL$";

/**
 * A `remediateResource` that runs only on the given types and returns the props with `fix`'s
 * changes, or nothing when there is nothing to change. The server replaces the whole property
 * bag with what a remediation returns, hence the spread; a top-level value unknown at preview
 * makes the spread throw, which the server reports as "can't run during preview" and the
 * remediation then runs at `pulumi up`, when every value is known.
 */
export function remediateOn(
    typeTokens: readonly string[],
    fix: (props: ResourceValidationArgs["props"]) => Record<string, unknown> | undefined,
): NonNullable<ResourceValidationPolicy["remediateResource"]> {
    return (args) => {
        if (!typeTokens.includes(args.type)) return undefined;
        const changes = fix(args.props);
        return changes ? { ...args.props, ...changes } : undefined;
    };
}
