import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GraphResource, StackGraph } from "./graph";

/**
 * The `@pulumi/tls` provider's part, played for real: the offline mocks answer keys and
 * certificates with placeholders that no TLS server can load, so every `tls:` key and
 * self-signed certificate in the graph is generated with OpenSSL from its recorded inputs, and
 * the placeholder text is replaced by the real PEM wherever an input carries it (host files,
 * mostly). Returns the new graph and each certificate's PEM (clients trust it). Like the
 * provider's state, what was generated once is kept (by URN) for the later graphs of a run.
 */
const generated = new Map<string, string>();

export function realizeTls(graph: StackGraph): { graph: StackGraph; certificates: Record<string, string> } {
    const dir = mkdtempSync(join(tmpdir(), "slipway-t5-tls-"));
    const swaps = new Map<string, string>();
    const certificates: Record<string, string> = {};
    try {
        const keys = graph.resources.filter((r) => r.type === "tls:index/privateKey:PrivateKey");
        for (const k of keys) {
            const file = join(dir, `${k.name}.key`);
            const algorithm = String(k.inputs.algorithm ?? "RSA");
            const args =
                algorithm === "ECDSA"
                    ? ["-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${curve(String(k.inputs.ecdsaCurve ?? "P224"))}`]
                    : algorithm === "ED25519"
                      ? ["-algorithm", "ED25519"]
                      : ["-algorithm", "RSA", "-pkeyopt", `rsa_keygen_bits:${Number(k.inputs.rsaBits ?? 2048)}`];
            if (!generated.has(k.urn)) {
                execFileSync("openssl", ["genpkey", ...args, "-out", file]);
                generated.set(k.urn, readFileSync(file, "utf8"));
            }
            const pem = generated.get(k.urn) as string;
            for (const key of ["privateKeyPem", "privateKeyPemPkcs8"]) {
                const mocked = k.state?.[key];
                if (typeof mocked === "string") swaps.set(mocked, pem);
            }
        }
        for (const c of graph.resources.filter((r) => r.type === "tls:index/selfSignedCert:SelfSignedCert")) {
            const keyPem = swaps.get(String(c.inputs.privateKeyPem)) ?? String(c.inputs.privateKeyPem);
            const keyFile = join(dir, `${c.name}.key`);
            writeFileSync(keyFile, keyPem);
            const subject = (c.inputs.subject as Record<string, string>) ?? {};
            const dn = `/CN=${subject.commonName ?? c.name}${subject.organization ? `/O=${subject.organization}` : ""}`;
            const san = [...((c.inputs.dnsNames as string[]) ?? []).map((d) => `DNS:${d}`), ...((c.inputs.ipAddresses as string[]) ?? []).map((i) => `IP:${i}`)];
            const certFile = join(dir, `${c.name}.crt`);
            const days = Math.max(1, Math.floor(Number(c.inputs.validityPeriodHours ?? 24) / 24));
            if (!generated.has(c.urn)) execFileSync("openssl", [
                "req", "-x509", "-new", "-key", keyFile, "-subj", dn, "-days", String(days), "-out", certFile,
                ...(san.length ? ["-addext", `subjectAltName=${san.join(",")}`] : []),
                "-addext", "extendedKeyUsage=serverAuth",
            ]);
            if (!generated.has(c.urn)) generated.set(c.urn, readFileSync(certFile, "utf8"));
            const pem = generated.get(c.urn) as string;
            if (typeof c.state?.certPem === "string") swaps.set(c.state.certPem, pem);
            certificates[c.name] = pem;
        }
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
    const swap = (v: unknown): unknown => {
        if (typeof v === "string") {
            let s = v;
            for (const [from, to] of swaps) if (s.includes(from)) s = s.split(from).join(to);
            return s;
        }
        if (Array.isArray(v)) return v.map(swap);
        if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
        return v;
    };
    const resources: GraphResource[] = graph.resources.map((r) => ({ ...r, inputs: swap(r.inputs) as Record<string, unknown> }));
    return { graph: { ...graph, resources }, certificates };
}

const curve = (c: string): string => ({ P224: "P-224", P256: "P-256", P384: "P-384", P521: "P-521" })[c] ?? c;
