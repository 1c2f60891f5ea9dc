import { type SlipwayRule, UNKNOWN, read, resourceRule } from "../kit";

/** `@pulumi/command` remote commands (the vps target's host files and gates run through them). */
const remoteCommand = ["command:remote:Command", "command:remote:CopyToRemote"] as const;

/**
 * Without `connection.hostKey` the command provider accepts whatever host key it is shown
 * (golang.org/x/crypto/ssh InsecureIgnoreHostKey): whoever answers on the droplet's address —
 * a reassigned reserved IP, a machine in the path — receives the database password, the TLS
 * key and the alert URLs the host-file commands carry.
 */
export const remoteCommandHostKey: SlipwayRule = resourceRule(
    {
        name: "remote-command-host-key",
        group: "digitalocean",
        description: "Remote commands must verify the server's pinned SSH host key (connection.hostKey set), so secrets are never sent to a machine that is not the droplet.",
        sources: ["CWE-322", "OpenSSH StrictHostKeyChecking"],
        remediation: "Set connection.hostKey to the droplet's pinned host public key (`ssh-ed25519 AAAA…`, the key cloud-init installs); @pulumi/command 1.1 or later.",
        level: "mandatory",
    },
    remoteCommand,
    (args, report) => {
        const connection = read(() => args.props.connection as Record<string, unknown> | undefined);
        if (connection === UNKNOWN) return report("connection is unknown during preview, so its host key cannot be verified; pass a connection whose hostKey is known.");
        const key = read(() => connection?.hostKey);
        // A host key from an output (the tls key's public half) is unknown at preview: it is set.
        if (key === UNKNOWN) return;
        if (typeof key !== "string" || key.trim() === "") {
            return report("connection.hostKey is unset: the command provider would accept any host key and send this command's inputs to whoever answers; pin the droplet's host key.");
        }
        if (!/^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|rsa-sha2-(256|512)|ssh-rsa) [A-Za-z0-9+/]+=*( .*)?$/.test(key.trim())) {
            report(`connection.hostKey is not an OpenSSH public key line ("type base64"): ${key.slice(0, 40)}…`);
        }
    },
);
