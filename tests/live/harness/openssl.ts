/**
 * One TLS handshake with `openssl s_client` at a given protocol version, trusting only the test
 * CA. For TLS 1.0/1.1 the client's security level is lowered to 0 (OpenSSL 3 refuses them
 * client-side by default), so a refusal can only come from the server.
 */
import type { EdgeAddress } from "./clients";
import { run } from "./commands";

export type TlsVersion = "tls1" | "tls1_1" | "tls1_2" | "tls1_3";

export interface Handshake {
    /** A session was established (a cipher was agreed). */
    established: boolean;
    /** `TLSv1.2`…, from "New, <protocol>, Cipher is <cipher>". */
    protocol?: string;
    cipher?: string;
    /** openssl's "Verify return code" line, e.g. `0 (ok)`. */
    verify?: string;
    /** A TLS alert the server sent, e.g. `protocol version`. */
    alert?: string;
    stdout: string;
    stderr: string;
}

export async function tlsHandshake(edge: EdgeAddress, caFile: string, version: TlsVersion, host = "127.0.0.1"): Promise<Handshake> {
    const legacy = version === "tls1" || version === "tls1_1";
    const args = [
        "s_client",
        "-connect", `${host.includes(":") ? `[${host}]` : host}:${edge.httpsPort}`,
        "-servername", edge.serverName,
        `-${version}`,
        ...(legacy ? ["-cipher", "DEFAULT@SECLEVEL=0"] : []),
        "-CAfile", caFile,
        "-verify_return_error",
    ];
    const r = await run("openssl", args, { timeoutMs: 15_000 });
    const session = /New, (\S+), Cipher is (\S+)/.exec(r.stdout);
    const established = !!session && session[2] !== "(NONE)";
    return {
        established,
        protocol: established ? session?.[1] : undefined,
        cipher: established ? session?.[2] : undefined,
        verify: /Verify return code: (.+)/.exec(r.stdout)?.[1]?.trim(),
        alert: /alert ([a-z ]+?)(?::|$)/m.exec(r.stderr)?.[1]?.trim(),
        stdout: r.stdout,
        stderr: r.stderr,
    };
}
