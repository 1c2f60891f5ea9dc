import { type SlipwayRule, UNKNOWN, read, resourceRule, types } from "../kit";
import { hostKeyRanges } from "./host-key-ranges";
import { findLiteralSecrets } from "./secret-patterns";
import { Deferred, show } from "./values";

interface Config {
    allowHostKeys: boolean;
}

/**
 * User data is readable by anyone with access to the DigitalOcean account (control panel, API)
 * and by every process on the droplet through the metadata service, and it is kept for the
 * droplet's life. A policy cannot tell a Pulumi secret from a string typed into the program:
 * the policy server hands rules the inputs with secrets unpacked into plain values (and
 * offline/policy-args.ts does the same), so "was it a secret?" is not a question a rule can ask.
 * What it can see is the text: private key blocks, password/secret/token assignments, token
 * formats (dop_v1_, AKIA…), credentials in URLs.
 *
 * One exception, on by default: cloud-init's `ssh_keys: { <type>_private: … }` entries. Pinning
 * the SSH host key this way is how a rebuilt droplet keeps its identity (components/host), and
 * cloud-init offers no other channel for it. The exception is narrow: only a private key block
 * that is exactly such a host-key value passes; any other private key (a deploy key in
 * write_files, a key in a script) still fails, and so does any other secret next to it.
 */
export const doUserdataNoSecrets: SlipwayRule = resourceRule(
    {
        name: "do-userdata-no-secrets",
        group: "digitalocean",
        description:
            "Droplet userData must not contain literal secrets (private keys, passwords, API tokens, credentials in URLs): it is readable from the account and from the droplet's metadata service for the droplet's life. Exception (allowHostKeys, default on): cloud-init ssh_keys <type>_private host keys, which pin the host's identity across rebuilds; no other private key is accepted.",
        sources: ["CKV_AWS_46 (pattern: no secrets in user data)"],
        remediation:
            "Move the secret out of userData: fetch it on the host after boot (an SSH step, a secrets manager), write it with a file upload after the readiness gate, or reference it ($VAR) instead of inlining it. Rotate any secret that was already in userData.",
        level: "mandatory",
        configSchema: {
            properties: {
                allowHostKeys: {
                    type: "boolean",
                    default: true,
                    description: "Accept private keys given as cloud-init ssh_keys <type>_private values (SSH host keys).",
                },
            },
        },
    },
    types.doDroplet,
    (args, report) => {
        const { allowHostKeys } = args.getConfig<Config>();
        const userData = read(() => args.props.userData);
        if (userData === UNKNOWN) {
            // Normally assembled from generated values (host keys, addresses): known when the droplet
            // is registered during `pulumi up`, where this rule reads and checks the whole text.
            const deferred = new Deferred();
            deferred.add(() => args.props.userData);
            return deferred.raise();
        }
        if (userData === undefined || userData === null || userData === "") return;
        if (typeof userData !== "string") return report(`userData is ${show(typeof userData)}; expected text that this rule can inspect.`);
        const allowed = allowHostKeys ? hostKeyRanges(userData) : [];
        for (const f of findLiteralSecrets(userData, { assignments: true })) {
            const hostKey = f.kind.startsWith("a private key block") && allowed.some(([s, e]) => f.start >= s && f.end <= e);
            if (hostKey) continue;
            report(`userData line ${f.line} contains ${f.kind}; literal secrets must not be in userData.`);
        }
    },
);
