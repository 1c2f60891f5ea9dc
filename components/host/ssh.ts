import { shellQuote } from "../shared/host-files";
import { userKeyProblem } from "./ssh-keys";
import { argError } from "../shared/errors";

/** The Unix account everything deploys as (in the docker group, no sudo). */
export const deployUser = "deploy";

/** `known_hosts` line pinning `publicKey` (an OpenSSH `ssh-ed25519 AAAA…` line) to `address`. */
export function knownHostsLine(address: string, publicKey: string): string {
    const key = publicKey.trim().split(/\s+/).slice(0, 2).join(" ");
    if (!/^ssh-ed25519 [A-Za-z0-9+/]+={0,3}$/.test(key)) {
        throw argError("publicKey", `${publicKey.slice(0, 40)}…`, "an OpenSSH ssh-ed25519 public key line (the pinned host key)", { where: "known_hosts" });
    }
    return `${address} ${key}`;
}

export interface SshClientOptions {
    /** The pinned `known_hosts` line (`<ip> ssh-ed25519 AAAA…`). */
    knownHostsLine: string;
    /** A private key file on the machine running Pulumi; without it, ssh uses the agent and default keys. */
    identityFile?: string;
}

/**
 * OpenSSH client options that trust exactly one host key, with no file: `KnownHostsCommand`
 * (OpenSSH ≥ 8.5) prints the pinned line, and the user's and system's known_hosts files are
 * ignored so neither a stale entry for a reused IP nor trust-on-first-use can get in. One option
 * per argv element: Docker's ssh helper execs `ssh` without a shell.
 */
export function sshClientOptions(o: SshClientOptions): string[] {
    if (/[%$\n]/.test(o.knownHostsLine)) {
        // ssh expands %-tokens and ${ENV} in KnownHostsCommand arguments.
        throw argError("knownHostsLine", o.knownHostsLine, "a known_hosts line without %, $ or a newline", { where: "ssh options" });
    }
    const opts = [
        "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=yes",
        "-o", "UserKnownHostsFile=/dev/null",
        "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", `KnownHostsCommand=/bin/echo ${o.knownHostsLine}`,
        "-o", "HostKeyAlgorithms=ssh-ed25519",
        "-o", "ServerAliveInterval=30",
    ];
    if (o.identityFile) opts.push("-o", "IdentitiesOnly=yes", "-i", o.identityFile);
    return opts;
}

/** A copy-pasteable shell command that logs in as the deploy user with the host key pinned. */
export function sshCommandLine(address: string, o: SshClientOptions): string {
    return ["ssh", ...sshClientOptions(o).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : shellQuote(a))), `${deployUser}@${address}`].join(" ");
}

/**
 * The deploy user's `authorized_keys`: the generated deploy key first (how Pulumi itself gets
 * in), then people's own keys, each once. Only key types the droplet's sshd accepts
 * (./ssh-keys.ts): a key it would refuse fails the plan instead of silently not working.
 */
export function authorizedKeysFile(deployPublicKey: string, userKeys: readonly string[]): string {
    const keys = [deployPublicKey, ...userKeys].map((k) => k.trim());
    for (const k of keys) {
        const problem = userKeyProblem(k);
        if (problem) throw argError("userKeys", `${k.slice(0, 40)}…`, `OpenSSH public key lines sshd accepts (${problem.replace(/\.$/, "")})`, { where: "authorized_keys" });
    }
    return `${[...new Set(keys)].join("\n")}\n`;
}

/**
 * Replaces the deploy user's `authorized_keys` with the content on stdin, atomically, and
 * refuses content without the deploy key (which would lock Pulumi out). People's keys are
 * installed this way, after the readiness gate, rather than by cloud-init: adding a teammate's
 * key must not rebuild the droplet.
 */
export function authorizedKeysScript(deployPublicKey: string): string {
    const key = deployPublicKey.trim();
    const problem = userKeyProblem(key);
    if (problem) throw argError("deployPublicKey", `${key.slice(0, 40)}…`, `an OpenSSH public key line sshd accepts (${problem.replace(/\.$/, "")})`, { where: "authorized_keys" });
    return [
        "set -eu",
        "umask 077",
        'mkdir -p "$HOME/.ssh"',
        'tmp="$HOME/.ssh/authorized_keys.slipway-tmp"',
        'cat > "$tmp"',
        `if ! grep -qxF ${shellQuote(key)} "$tmp"; then`,
        '    rm -f "$tmp"',
        '    echo "slipway: refusing to install an authorized_keys without the deploy key" >&2',
        "    exit 1",
        "fi",
        'chmod 0600 "$tmp"',
        'mv -f "$tmp" "$HOME/.ssh/authorized_keys"',
        'echo "slipway: $(grep -c . "$HOME/.ssh/authorized_keys") authorized keys for $(id -un)"',
    ].join("\n");
}
