import { shellQuote } from "../shared/host-files";
import { argError } from "../shared/errors";

/**
 * Let's Encrypt (HTTP-01, certbot's webroot plugin) as shell: pure functions returning the
 * command lines the Docker web tier runs. Every path is an argument, so the same scripts work
 * for any layout and are unit-tested (including by a real `sh`).
 *
 * The flow: nginx serves `/.well-known/acme-challenge/` from a webroot directory that certbot
 * writes tokens into; certbot keeps its account and lineages in a state directory (on the data
 * volume, so a rebuilt droplet does not re-issue and hit rate limits) and, through a deploy
 * hook, copies each new certificate into the directory nginx reads its certificate from. nginx
 * picks a copied certificate up at its next reload.
 */

/** ACME directories: staging issues untrusted certificates with generous rate limits. */
export const letsEncryptDirectories = {
    production: "https://acme-v02.api.letsencrypt.org/directory",
    staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;

/** File names nginx reads in its certificate directory (certbot's names). */
export const certFiles = { chain: "fullchain.pem", key: "privkey.pem" } as const;

/**
 * Capabilities certbot needs as root in a container with everything else dropped: write into
 * directories the deploy user created (DAC_OVERRIDE), and give the challenge directories the
 * webroot's owner and mode (CHOWN, FOWNER).
 */
export const certbotCapabilities = ["CHOWN", "DAC_OVERRIDE", "FOWNER"] as const;

/** How often the renewal loop runs `certbot renew` (Let's Encrypt recommends twice a day). */
export const renewIntervalSeconds = 12 * 3600;

/** Directories as certbot sees them (inside its container). */
export interface CertbotPaths {
    /** certbot's config dir (`/etc/letsencrypt`): account, lineages, renewal configs. */
    state: string;
    /** The webroot nginx serves challenges from. */
    webroot: string;
    /** The directory nginx reads `fullchain.pem` and `privkey.pem` from. */
    certs: string;
}

const pathRe = /^\/[A-Za-z0-9._/-]*$/;
const domainRe = /^[a-z0-9.-]+$/;
const emailRe = /^[^\s@'"\\`$;&|<>()]+@[A-Za-z0-9.-]+$/;

function checkPath(key: string, p: string): string {
    if (!pathRe.test(p)) throw argError(key, p, `an absolute path of letters, digits, ".", "_", "-" and "/" only`, { where: "certbot" });
    return p.replace(/\/+$/, "");
}

function checkPaths(p: CertbotPaths): CertbotPaths {
    return { state: checkPath("state", p.state), webroot: checkPath("webroot", p.webroot), certs: checkPath("certs", p.certs) };
}

/**
 * certbot's deploy hook: copies a new lineage's chain and key into the nginx certificate
 * directory through temporary files and renames, so nginx never reads a half-written file.
 * One line with double quotes only: certbot stores it in the renewal config (configobj), which
 * cannot hold a line break or a value with both quote kinds.
 */
export function certbotDeployHook(certsDir: string): string {
    const c = checkPath("certs", certsDir);
    const tmp = (f: string): string => `"${c}/.${f}.tmp"`;
    return [
        "umask 077",
        `cp "$RENEWED_LINEAGE/${certFiles.key}" ${tmp(certFiles.key)}`,
        `cp "$RENEWED_LINEAGE/${certFiles.chain}" ${tmp(certFiles.chain)}`,
        `chmod 0600 ${tmp(certFiles.key)}`,
        `chmod 0644 ${tmp(certFiles.chain)}`,
        `mv -f ${tmp(certFiles.key)} "${c}/${certFiles.key}"`,
        `mv -f ${tmp(certFiles.chain)} "${c}/${certFiles.chain}"`,
    ].join(" && ");
}

export interface CertbotIssueOptions {
    /** The hostname to certify (one name: the web tier's `domain`). */
    domain: string;
    /** The ACME account's contact. Let's Encrypt no longer emails expiry notices (since June 2025): the TlsCertificateExpiringSoon alert watches renewal. */
    email: string;
    /** Use the staging directory (untrusted certificates, high rate limits). */
    staging: boolean;
    paths: CertbotPaths;
}

/**
 * The script certbot's container runs (`sh -c`) for the first issuance, and on every deploy
 * that changes the domain, email or directory: `certonly --keep-until-expiring` does nothing
 * while the certificate is valid, so re-running it is cheap and never burns rate limit.
 * Switching between staging and production is detected from the lineage's renewal config and
 * forces a new certificate (certbot would otherwise keep the valid one from the other CA).
 * The deploy hook then runs once more by hand, so the nginx directory holds the lineage even
 * when certbot had nothing to do (e.g. after the placeholder was put back).
 */
export function certbotIssueScript(o: CertbotIssueOptions): string {
    const domain = o.domain.toLowerCase();
    if (!domainRe.test(domain)) throw argError("domain", o.domain, "a hostname such as app.example.com", { where: "certbot" });
    if (!emailRe.test(o.email)) throw argError("email", o.email, "a plain email address such as ops@example.com", { where: "certbot" });
    const p = checkPaths(o.paths);
    const server = o.staging ? letsEncryptDirectories.staging : letsEncryptDirectories.production;
    const hook = certbotDeployHook(p.certs);
    const args = [
        "certbot certonly --non-interactive --agree-tos --no-eff-email",
        `--email ${shellQuote(o.email)}`,
        `--config-dir ${p.state}`,
        `--webroot --webroot-path ${p.webroot}`,
        `--cert-name ${domain} --domain ${domain}`,
        `--server ${server}`,
        "--key-type ecdsa --elliptic-curve secp256r1",
        "--keep-until-expiring",
        `--deploy-hook ${shellQuote(hook)}`,
    ].join(" ");
    return [
        "set -eu",
        `conf=${p.state}/renewal/${domain}.conf`,
        "force=",
        // Replacing a valid production certificate with a staging one needs --break-my-certs.
        `if [ -f "$conf" ] && ! grep -qxF ${shellQuote(`server = ${server}`)} "$conf"; then force="--force-renewal${o.staging ? " --break-my-certs" : ""}"; fi`,
        `${args} $force`,
        `RENEWED_LINEAGE=${p.state}/live/${domain} sh -c ${shellQuote(hook)}`,
    ].join("\n");
}

export interface CertbotRunOptions {
    /** The pinned certbot image. */
    image: string;
    /** Bind mounts, host path → container path. */
    mounts: Array<{ host: string; container: string }>;
    /** The script to run (`certbotIssueScript`). */
    script: string;
    memoryMiB: number;
    /** A host command to run after success (e.g. the nginx reload). */
    then?: string;
    /** The domain, for the failure message. */
    domain: string;
}

/**
 * The host command for a one-shot certbot run: `docker run --rm` with capabilities dropped
 * but for `certbotCapabilities`, no privilege escalation, a memory cap, then `then`. On failure
 * it says what to check; the edge keeps serving the certificate it has.
 */
export function certbotRunCommand(o: CertbotRunOptions): string {
    if (!Number.isInteger(o.memoryMiB) || o.memoryMiB < 64) throw argError("memoryMiB", o.memoryMiB, "a whole number of at least 64 MiB", { where: "certbot" });
    const mounts = o.mounts.map((m) => `-v ${shellQuote(`${checkPath("mount", m.host)}:${checkPath("mount", m.container)}`)}`);
    const run = [
        "docker run --rm",
        "--cap-drop ALL",
        ...certbotCapabilities.map((c) => `--cap-add ${c}`),
        "--security-opt no-new-privileges:true",
        `--memory ${o.memoryMiB}m --memory-swap ${o.memoryMiB}m`,
        ...mounts,
        "--entrypoint /bin/sh",
        shellQuote(o.image),
        "-c",
        shellQuote(o.script),
    ].join(" ");
    const message = `Let's Encrypt could not issue a certificate for ${o.domain} (see certbot's output above): check that ${o.domain} resolves to this host and that port 80 is reachable from the internet, then run pulumi up again. The edge keeps serving its current certificate.`;
    return `{ ${run}${o.then ? ` && ${o.then}` : ""}; } || { echo ${shellQuote(message)} >&2; exit 1; }`;
}

/**
 * The renewal container's loop: `certbot renew` twice a day (certbot adds its own random
 * delay), which renews lineages due within 30 days and runs their stored deploy hook. A failed
 * attempt is retried at the next turn; the certificate-expiry alert covers a streak of them.
 */
export function certbotRenewLoop(stateDir: string, intervalSeconds = renewIntervalSeconds): string {
    const state = checkPath("state", stateDir);
    if (!Number.isInteger(intervalSeconds) || intervalSeconds < 60) throw argError("intervalSeconds", intervalSeconds, "a whole number of at least 60 seconds", { where: "certbot" });
    return [
        "trap 'exit 0' TERM INT",
        "while :; do",
        `  certbot renew --non-interactive --config-dir ${state} || echo "certbot renew failed; next attempt in ${intervalSeconds}s" >&2`,
        `  sleep ${intervalSeconds} & wait $!`,
        "done",
    ].join("\n");
}

/**
 * Copies a placeholder certificate into the nginx directory only when no certificate is there
 * yet, so nginx can start (and answer the HTTP-01 challenge) before the first issuance, and a
 * later deploy never overwrites an issued certificate with the placeholder. No secret is on
 * this command line: the key is copied from a file.
 */
export function installPlaceholderCommand(certsDir: string, placeholderDir: string): string {
    const c = shellQuote(checkPath("certs", certsDir));
    const p = shellQuote(checkPath("placeholder", placeholderDir));
    const tmp = (f: string): string => `${c}/.${f}.tmp`;
    return [
        "set -eu",
        "umask 077",
        `if [ ! -s ${c}/${certFiles.chain} ] || [ ! -s ${c}/${certFiles.key} ]; then`,
        `  cp ${p}/${certFiles.key} ${tmp(certFiles.key)}`,
        `  cp ${p}/${certFiles.chain} ${tmp(certFiles.chain)}`,
        `  chmod 0644 ${tmp(certFiles.chain)}`,
        `  mv -f ${tmp(certFiles.key)} ${c}/${certFiles.key}`,
        `  mv -f ${tmp(certFiles.chain)} ${c}/${certFiles.chain}`,
        "fi",
    ].join("\n");
}
