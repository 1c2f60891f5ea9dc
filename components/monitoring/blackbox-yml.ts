import { blackboxModules } from "./prometheus-yml";
import { renderedBy, toYaml } from "./yaml-text";
import { argError } from "../shared/errors";

export interface BlackboxYmlOptions {
    /** Seconds a probe may take. @default 10 */
    timeoutSeconds?: number;
    /** Accept a certificate that does not verify (a self-signed one on `local`). @default false */
    insecureSkipVerify?: boolean;
    /** A CA bundle (PEM path) to verify the certificate against instead of the system roots: a private or test CA. @default the system roots */
    caFile?: string;
    /** The site's name, when the probed address is not it: the TLS server name asked for and verified, and the HTTP probe's Host. @default the probed host */
    serverName?: string;
    /** Probe over IPv4 first (droplets have IPv4; Docker networks often lack IPv6). @default "ip4" */
    preferredIpProtocol?: "ip4" | "ip6";
    /** Fail the HTTP probe when the answer did not come over TLS. @default true */
    requireTls?: boolean;
}

/**
 * blackbox.yml: `http_2xx` (the public health URL answers 2xx over TLS) and `tls_connect` (a
 * TLS handshake, for the certificate's expiry). Both report `probe_ssl_earliest_cert_expiry`.
 */
export function renderBlackboxYml(o: BlackboxYmlOptions = {}): string {
    const timeout = o.timeoutSeconds ?? 10;
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 60) {
        throw argError("timeoutSeconds", timeout, "a whole number of seconds from 1 to 60", { where: "blackbox.yml" });
    }
    const tls_config = {
        insecure_skip_verify: o.insecureSkipVerify ?? false,
        ...(o.caFile !== undefined ? { ca_file: o.caFile } : {}),
        ...(o.serverName !== undefined ? { server_name: o.serverName } : {}),
    };
    const ip = o.preferredIpProtocol ?? "ip4";
    const config = {
        modules: {
            [blackboxModules.http]: {
                prober: "http",
                timeout: `${timeout}s`,
                http: {
                    method: "GET",
                    preferred_ip_protocol: ip,
                    // The health URL is https: a plain-HTTP answer means TLS is broken.
                    fail_if_not_ssl: o.requireTls ?? true,
                    follow_redirects: false,
                    // The edge answers only its own name (any other Host is closed): when the
                    // probed address is not that name, the Host header must carry it as the SNI does.
                    ...(o.serverName !== undefined ? { headers: { Host: o.serverName } } : {}),
                    tls_config,
                },
            },
            [blackboxModules.tls]: {
                prober: "tcp",
                timeout: `${timeout}s`,
                tcp: { preferred_ip_protocol: ip, tls: true, tls_config },
            },
        },
    };
    return toYaml(config, renderedBy("blackbox_exporter configuration"));
}
