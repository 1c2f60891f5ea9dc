/**
 * Which SSH user keys the droplet accepts, in one place: the config schema, the host args, the
 * cloud-init renderer and `authorized_keys` all check keys against this table, and the sshd
 * drop-in's `PubkeyAcceptedAlgorithms` is derived from it, so a key we accept is a key sshd
 * accepts and the other way round. No imports beyond Node: the config schema loads it too.
 *
 * The set follows ssh-audit's Ubuntu 24.04 server guide without certificates (we issue none):
 * Ed25519, Ed25519 on a FIDO token, and RSA of at least 3072 bits signed with SHA-2. ECDSA keys
 * (NIST curves) and SHA-1 RSA signatures (`ssh-rsa` the algorithm, not the key format) are out.
 */

/** OpenSSH key format (the first word of a `.pub` line) → the signature algorithms sshd accepts for it. */
export const userKeyAlgorithms = {
    "ssh-ed25519": ["ssh-ed25519"],
    "sk-ssh-ed25519@openssh.com": ["sk-ssh-ed25519@openssh.com"],
    "ssh-rsa": ["rsa-sha2-512", "rsa-sha2-256"],
} as const satisfies Record<string, readonly string[]>;

export type UserKeyType = keyof typeof userKeyAlgorithms;

/** The key formats accepted, e.g. for error messages. */
export const userKeyTypes = Object.keys(userKeyAlgorithms) as UserKeyType[];

/** sshd's `PubkeyAcceptedAlgorithms`, in preference order. */
export const pubkeyAcceptedAlgorithms: readonly string[] = Object.values(userKeyAlgorithms).flat();

/** sshd's `RequiredRSASize` (OpenSSH ≥ 9.1): shorter RSA user and host keys are refused. */
export const minRsaBits = 3072;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One OpenSSH public key line of an accepted format: `<type> <base64> [comment]`. */
export const userKeyLinePattern = new RegExp(`^(${userKeyTypes.map(escape).join("|")}) [A-Za-z0-9+/]+={0,3}( [^\\r\\n]*)?$`);

/** Bit length of an SSH mpint (big-endian, possibly with a leading zero byte). */
function mpintBits(bytes: Buffer): number {
    let i = 0;
    while (i < bytes.length && bytes[i] === 0) i++;
    if (i === bytes.length) return 0;
    return (bytes.length - i - 1) * 8 + bytes[i].toString(2).length;
}

/** The RSA modulus size of an `ssh-rsa` key blob (string "ssh-rsa", mpint e, mpint n), or undefined if it is not one. */
export function rsaKeyBits(base64: string): number | undefined {
    const blob = Buffer.from(base64, "base64");
    const fields: Buffer[] = [];
    let at = 0;
    while (at + 4 <= blob.length && fields.length < 3) {
        const len = blob.readUInt32BE(at);
        if (at + 4 + len > blob.length) return undefined;
        fields.push(blob.subarray(at + 4, at + 4 + len));
        at += 4 + len;
    }
    if (fields.length !== 3 || at !== blob.length || fields[0].toString("latin1") !== "ssh-rsa") return undefined;
    return mpintBits(fields[2]);
}

/**
 * Why sshd would refuse this public key line, as a sentence naming the fix, or undefined when
 * it is accepted. Checks the format against the table above and, for RSA, the modulus size.
 */
export function userKeyProblem(line: string): string | undefined {
    const key = line.trim();
    const shown = `"${key.slice(0, 40)}${key.length > 40 ? "…" : ""}"`;
    if (!userKeyLinePattern.test(key)) {
        const type = key.split(/\s+/)[0];
        if (/^(ecdsa-sha2-|sk-ecdsa-sha2-|ssh-dss)/.test(type)) {
            return `${shown} is a ${type} key, which the droplet's sshd does not accept (NIST curves and DSA are off); use an Ed25519 key (ssh-keygen -t ed25519).`;
        }
        return `${shown} is not a single OpenSSH public key line of an accepted type (${userKeyTypes.join(", ")}); paste the one line of your .pub file, e.g. "ssh-ed25519 AAAA… you@laptop".`;
    }
    if (key.startsWith("ssh-rsa ")) {
        const bits = rsaKeyBits(key.split(" ")[1]);
        if (bits === undefined) return `${shown} is not a valid ssh-rsa public key (its base64 does not decode to an RSA key); paste the one line of your .pub file.`;
        if (bits < minRsaBits) {
            return `${shown} is a ${bits}-bit RSA key; the droplet's sshd requires at least ${minRsaBits} bits (RequiredRSASize). Use an Ed25519 key (ssh-keygen -t ed25519) or RSA of ${minRsaBits}+ bits.`;
        }
    }
    return undefined;
}
