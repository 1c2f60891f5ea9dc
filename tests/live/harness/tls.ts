/**
 * A throwaway CA and a leaf certificate for the edge's server name, made with openssl. Clients
 * trust `caFile` (node's `ca`, curl's `--cacert`, openssl's `-CAfile`, testssl's `--add-ca`);
 * nginx serves `certFile` and `keyFile`. ECDSA P-256, like the payload's self-signed certificate;
 * valid 90 days like a Let's Encrypt one (a shorter life would only add "expires soon" findings).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runOk } from "./commands";
import type { RunDir } from "./rundir";

export interface TestCertificates {
    serverName: string;
    /** The CA certificate (PEM): what clients trust. */
    caFile: string;
    /** The leaf certificate (PEM) for `serverName`, 127.0.0.1 and ::1. */
    certFile: string;
    /** The leaf's private key (PEM, 0600). */
    keyFile: string;
    /** The CA certificate's text, for node's `ca` option. */
    ca: string;
}

export async function makeTestCertificates(runDir: RunDir, serverName: string): Promise<TestCertificates> {
    const dir = path.join(runDir.path, "tls");
    fs.mkdirSync(dir, { mode: 0o700 });
    const f = (name: string): string => path.join(dir, name);
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    await runOk("openssl", [
        "req", "-x509", ...ec, "-keyout", f("ca.key"), "-out", f("ca.pem"), "-days", "91", "-subj", "/CN=Slipway live-test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    await runOk("openssl", ["req", ...ec, "-keyout", f("leaf.key"), "-out", f("leaf.csr"), "-subj", `/CN=${serverName}`]);
    fs.writeFileSync(
        f("leaf.ext"),
        [
            "basicConstraints=critical,CA:FALSE",
            "keyUsage=critical,digitalSignature",
            "extendedKeyUsage=serverAuth",
            `subjectAltName=DNS:${serverName},IP:127.0.0.1,IP:::1`,
        ].join("\n"),
    );
    await runOk("openssl", ["x509", "-req", "-in", f("leaf.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key"), "-CAcreateserial", "-days", "90", "-sha256", "-extfile", f("leaf.ext"), "-out", f("leaf.pem")]);
    fs.chmodSync(f("leaf.key"), 0o600);
    return { serverName, caFile: f("ca.pem"), certFile: f("leaf.pem"), keyFile: f("leaf.key"), ca: fs.readFileSync(f("ca.pem"), "utf8") };
}
