import { argError } from "../shared/errors";
import { checkSshAllowedCidrs } from "./firewall-rules";
import { userKeyProblem } from "./ssh-keys";

/**
 * One Linux machine that runs the Docker payload, whatever cloud it rents from. The values are
 * the provider's own slugs (DigitalOcean's today); an implementation for another provider reads
 * them in its own vocabulary.
 */
export interface HostArgs {
    /**
     * Machine size slug: the monthly bill's main line, and the memory the payload is tuned for.
     * @default "s-2vcpu-4gb"
     * @example
     * ```ts
     * { size: "s-4vcpu-8gb" }
     * ```
     */
    size?: string;
    /**
     * Region slug the machine, its disk, address and network live in.
     * @default "nyc3"
     * @example
     * ```ts
     * { region: "fra1" }
     * ```
     */
    region?: string;
    /**
     * Operating system image slug. The cloud-init and the readiness gate assume Ubuntu (22.04 or
     * later): `docker.io` from the archive, `cloud-init status --wait`, socket-activated sshd.
     * @default "ubuntu-24-04-x64"
     * @example
     * ```ts
     * { image: "ubuntu-22-04-x64" }
     * ```
     */
    image?: string;
    /**
     * Size in GiB of the data volume (PostgreSQL, Redis, Prometheus, certificates, rendered
     * config). It can grow later but never shrink.
     * @default 50
     * @example
     * ```ts
     * { volumeSizeGb: 100 }
     * ```
     */
    volumeSizeGb?: number;
    /**
     * Swap file size in GiB, from 0 (none) to 64. A little swap absorbs bursts on a small
     * machine instead of waking the OOM killer; containers cannot swap past their memory limit.
     * @default 2
     * @example
     * ```ts
     * { swapGb: 0 }
     * ```
     */
    swapGb?: number;
    /**
     * The provider's automatic machine backups. They cover the root disk only, which Slipway
     * rebuilds from code; the data volume is protected by the BackupBucket's off-box dumps.
     * On by default as a second line of defence; turning them off saves about 20% of the size's price.
     * @default true
     * @example
     * ```ts
     * { backups: false }
     * ```
     */
    backups?: boolean;
    /**
     * Your own OpenSSH public keys, allowed to log in as `deploy` besides the generated deploy
     * key; installed over SSH after the host is ready, so changing the list never rebuilds it.
     * Ed25519 (also on a FIDO token) or RSA of 3072+ bits: the types the droplet's sshd accepts.
     * The Docker provider connects with your SSH client's identity (agent or default keys), so
     * on the first `pulumi up` one of these must be loaded there (see DropletHost).
     * @default []
     * @example
     * ```ts
     * { sshPublicKeys: ["ssh-ed25519 AAAAC3Nza… you@laptop"] }
     * ```
     */
    sshPublicKeys?: string[];
    /**
     * Addresses or CIDR blocks allowed to reach SSH: where you (and CI) deploy from. Required:
     * SSH is never open to the internet, and `0.0.0.0/0` or `::/0` are refused.
     * @default required
     * @example
     * ```ts
     * { sshAllowedCidrs: ["203.0.113.7/32", "2001:db8:1234::/48"] }
     * ```
     */
    sshAllowedCidrs: string[];
}

/** `HostArgs` with every default applied and every value checked. */
export type NormalizedHostArgs = Required<HostArgs>;

const slug = /^[a-z0-9]+([-_][a-z0-9]+)*$/;

/**
 * Applies the defaults and checks every value, failing with a sentence that names the host,
 * the key, the value and the fix.
 */
export function normalizeHostArgs(name: string, args: HostArgs): NormalizedHostArgs {
    const where = `the ${name} host`;
    if (!args) throw argError("sshAllowedCidrs", undefined, `the addresses you deploy from, e.g. ["203.0.113.7/32"]`, { where });
    const a: NormalizedHostArgs = {
        size: args.size ?? "s-2vcpu-4gb",
        region: args.region ?? "nyc3",
        image: args.image ?? "ubuntu-24-04-x64",
        volumeSizeGb: args.volumeSizeGb ?? 50,
        swapGb: args.swapGb ?? 2,
        backups: args.backups ?? true,
        sshPublicKeys: (args.sshPublicKeys ?? []).map((k) => k.trim()),
        sshAllowedCidrs: checkSshAllowedCidrs(args.sshAllowedCidrs ?? [], where),
    };
    for (const [key, value] of [["size", a.size], ["region", a.region], ["image", a.image]] as const) {
        if (typeof value !== "string" || !slug.test(value)) {
            throw argError(key, value, `a slug of lowercase letters, digits and hyphens, e.g. "s-2vcpu-4gb", "fra1", "ubuntu-24-04-x64"`, { where });
        }
    }
    if (!Number.isInteger(a.volumeSizeGb) || a.volumeSizeGb < 1 || a.volumeSizeGb > 16384) {
        throw argError("volumeSizeGb", a.volumeSizeGb, "a whole number of GiB from 1 to 16384", { where });
    }
    if (!Number.isInteger(a.swapGb) || a.swapGb < 0 || a.swapGb > 64) {
        throw argError("swapGb", a.swapGb, "a whole number of GiB from 0 (no swap) to 64", { where });
    }
    for (const key of a.sshPublicKeys) {
        // The same check as authorized_keys and sshd's PubkeyAcceptedAlgorithms (./ssh-keys.ts).
        const problem = userKeyProblem(key);
        if (problem) throw argError("sshPublicKeys", `${key.slice(0, 40)}…`, `OpenSSH public key lines sshd accepts (${problem.replace(/\.$/, "")})`, { where });
    }
    return a;
}
