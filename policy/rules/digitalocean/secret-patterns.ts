/**
 * Literal secrets in text (user data, environment values). A policy sees values with Pulumi
 * secrets already unpacked (the server deserialises inputs without secret markers), so it cannot
 * tell a generated secret from one typed into the program: these patterns look at the text
 * itself. Findings name the kind and the line, never the value.
 */
export interface SecretFinding {
    /** What was found, for the message ("a private key block (OPENSSH)", "a DigitalOcean token"). */
    kind: string;
    /** 1-based line of the match. */
    line: number;
    /** Offsets of the match in the text. */
    start: number;
    end: number;
}

/** `-----BEGIN OPENSSH PRIVATE KEY-----`, RSA/EC/DSA/ENCRYPTED/PGP variants; up to the END line when present. */
const privateKeyBlock = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)?/g;

/** Token formats with a recognisable prefix. */
const tokens: ReadonlyArray<{ kind: string; re: RegExp }> = [
    { kind: "a DigitalOcean API token", re: /\bdo[por]_v1_[a-f0-9]{64}\b/g },
    { kind: "an AWS access key id", re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
    { kind: "a GitHub token", re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/g },
    { kind: "a Slack token", re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
    { kind: "a Slack webhook URL", re: /hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/g },
    { kind: "a Stripe live key", re: /\b[rs]k_live_[0-9a-zA-Z]{24,}\b/g },
    { kind: "a Google API key", re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
];

/** `scheme://user:password@host`; a `$VAR`/`${VAR}`/`{{ template }}` password is a reference, not a literal. */
const urlCredentials = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]*:(?!\$[A-Za-z_{(]|\{\{)[^\s/@'"]+@/gi;

/**
 * `db_password: hunter2`, `export API_TOKEN=abc`, `"secret": "…"`: a secret-looking name given a
 * literal on the same line. Not a literal: booleans and empty values (`lock_passwd: true`), shell
 * references (`$VAR`, `${VAR}`, `$(cmd)`), templates (`{{ … }}`). A crypt hash (`$6$…`) is a literal.
 */
const assignment =
    /\b([A-Za-z0-9_.-]*(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key)[A-Za-z0-9_.-]*)["']?[ \t]*[:=][ \t]*(["']?)([^\s"'#,;}]+)/gi;
const notALiteral = /^(?:true|false|yes|no|on|off|null|none|~|\||>|[|>][-+]?|\$[A-Za-z_{(].*|\{\{.*|\*+|<[^>]*>)$/i;

function lineOf(text: string, index: number): number {
    let line = 1;
    for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
    return line;
}

export interface FindOptions {
    /** Also look for `name: value` assignments of secret-looking names (for whole documents; env values are checked by name instead). */
    assignments?: boolean;
}

/** Every literal secret found in `text`, in order. */
export function findLiteralSecrets(text: string, options: FindOptions = {}): SecretFinding[] {
    const found: SecretFinding[] = [];
    const push = (kind: string, start: number, end: number) => found.push({ kind, line: lineOf(text, start), start, end });
    for (const m of text.matchAll(privateKeyBlock)) {
        const label = [m[1]?.trim(), m[2]?.trim()].filter(Boolean).join(" ");
        push(`a private key block${label ? ` (${label})` : ""}`, m.index, m.index + m[0].length);
    }
    for (const { kind, re } of tokens) for (const m of text.matchAll(re)) push(kind, m.index, m.index + m[0].length);
    for (const m of text.matchAll(urlCredentials)) push("a password embedded in a URL (scheme://user:password@host)", m.index, m.index + m[0].length);
    if (options.assignments) {
        for (const m of text.matchAll(assignment)) {
            if (notALiteral.test(m[3])) continue;
            push(`a literal value assigned to "${m[1]}"`, m.index, m.index + m[0].length);
        }
    }
    // Inside a private key block, base64 can look like anything: report the block only.
    const blocks = found.filter((f) => f.kind.startsWith("a private key block"));
    return found
        .filter((f) => f.kind.startsWith("a private key block") || !blocks.some((b) => f.start >= b.start && f.end <= b.end))
        .sort((a, b) => a.start - b.start);
}
