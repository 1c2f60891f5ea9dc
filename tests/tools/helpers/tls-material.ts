import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reveal } from "../../../offline/secret-value";
import type { RenderedStack } from "./rendered-stacks";
import { requireTool, runTool, runToolOk } from "./tools";

/**
 * Offline, @pulumi/tls is a mock: the rendered key and certificate files hold placeholder PEM
 * that no TLS library parses, and nginx loads them during `-t`. This mints, with openssl, what
 * the tls provider would create from the recorded inputs (an ECDSA P-256 key; a self-signed
 * certificate with the recorded subject, names, uses and lifetime) and returns the rendered
 * files holding the placeholders, keyed by path, with the real PEM. Nothing else is replaced.
 */

interface SelfSignedInputs {
    privateKeyPem: string;
    subject: { commonName?: string; organization?: string };
    dnsNames?: string[];
    ipAddresses?: string[];
    allowedUses?: string[];
    validityPeriodHours: number;
}

const KEY_USAGE: Record<string, string> = { digital_signature: "digitalSignature", key_encipherment: "keyEncipherment" };
const EXTENDED_KEY_USAGE: Record<string, string> = { server_auth: "serverAuth", client_auth: "clientAuth" };

/** Whether openssl can read `pem` as a certificate. */
const isRealCertificate = (pem: string): boolean => runTool("openssl", ["x509", "-noout"], { input: pem }).status === 0;

export function providerTlsFiles(s: RenderedStack): Record<string, string> {
    requireTool("openssl");
    const certs = s.graph.ofType("tls:index/selfSignedCert:SelfSignedCert");
    if (certs.length !== 1) throw new Error(`stack ${s.stack}: expected one tls.SelfSignedCert, found ${certs.length}`);
    const c = reveal(certs[0].inputs) as SelfSignedInputs;
    const work = mkdtempSync(join(tmpdir(), "slipway-tls-"));
    try {
        const key = join(work, "key.pem");
        runToolOk("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key]);
        const subject = [c.subject.organization && `/O=${c.subject.organization}`, c.subject.commonName && `/CN=${c.subject.commonName}`].filter(Boolean).join("");
        const names = [...(c.dnsNames ?? []).map((n) => `DNS:${n}`), ...(c.ipAddresses ?? []).map((ip) => `IP:${ip}`)];
        const uses = c.allowedUses ?? [];
        const keyUsage = uses.map((u) => KEY_USAGE[u]).filter(Boolean);
        const extendedKeyUsage = uses.map((u) => EXTENDED_KEY_USAGE[u]).filter(Boolean);
        const cert = join(work, "cert.pem");
        runToolOk("openssl", [
            "req", "-x509", "-new", "-key", key, "-out", cert, "-subj", subject || "/",
            "-days", String(Math.max(1, Math.round(c.validityPeriodHours / 24))),
            ...(names.length ? ["-addext", `subjectAltName=${names.join(",")}`] : []),
            ...(keyUsage.length ? ["-addext", `keyUsage=critical,${keyUsage.join(",")}`] : []),
            ...(extendedKeyUsage.length ? ["-addext", `extendedKeyUsage=${extendedKeyUsage.join(",")}`] : []),
        ]);
        const realKey = readFileSync(key, "utf8");
        const realCert = readFileSync(cert, "utf8");
        const replaced: Record<string, string> = {};
        for (const f of s.files) {
            if (f.content === c.privateKeyPem) replaced[f.path] = realKey;
            else if (f.content.startsWith("-----BEGIN CERTIFICATE-----") && !isRealCertificate(f.content)) replaced[f.path] = realCert;
        }
        return replaced;
    } finally {
        rmSync(work, { recursive: true, force: true });
    }
}
