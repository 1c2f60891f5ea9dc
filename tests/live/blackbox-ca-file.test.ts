/**
 * Tier 4: the blackbox probes as rendered trust a private CA only through `ca_file`. A loopback
 * HTTPS server presents a certificate signed by a throwaway CA (standing for Let's Encrypt's
 * staging roots, which no trust store holds); blackbox_exporter (Debian's) probes it with the
 * rendered modules: with `caFile` the probe succeeds and reports the certificate's expiry (what
 * TlsCertificateExpiringSoon reads), without it the probe fails — which is what the dev stack
 * did before it shipped the staging roots (EndpointDown forever, no expiry metric).
 */
import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderBlackboxYml } from "../../components/monitoring/blackbox-yml";
import { blackboxModules } from "../../components/monitoring/prometheus-yml";
import { freePorts } from "./harness/ports";
import { startProcess, stopAll, waitForPort } from "./harness/processes";
import { createRunDir, type RunDir } from "./harness/rundir";
import { makeTestCertificates, type TestCertificates } from "./harness/tls";

const SERVER_NAME = "staging.example.test";

let run: RunDir;
let certs: TestCertificates;
let server: https.Server;
let serverPort = 0;
const exporters: Record<"trusting" | "default", number> = { trusting: 0, default: 0 };

beforeAll(async () => {
    run = createRunDir("blackbox-ca");
    certs = await makeTestCertificates(run, SERVER_NAME);
    server = https.createServer({ cert: fs.readFileSync(certs.certFile), key: fs.readFileSync(certs.keyFile) }, (_req, res) => res.writeHead(200).end("ok"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    serverPort = (server.address() as AddressInfo).port;
    const [trusting, plain] = await freePorts(2);
    exporters.trusting = trusting;
    exporters.default = plain;
    const configs = {
        trusting: renderBlackboxYml({ caFile: certs.caFile, serverName: SERVER_NAME, timeoutSeconds: 5 }),
        default: renderBlackboxYml({ serverName: SERVER_NAME, timeoutSeconds: 5 }),
    };
    for (const [name, text] of Object.entries(configs) as [keyof typeof configs, string][]) {
        const file = path.join(run.path, `blackbox-${name}.yml`);
        fs.writeFileSync(file, text);
        const p = startProcess(`blackbox-${name}`, "prometheus-blackbox-exporter", [`--config.file=${file}`, `--web.listen-address=127.0.0.1:${exporters[name]}`], { logDir: run.logDir });
        await waitForPort(exporters[name], { timeoutMs: 20_000, intervalMs: 100, what: `blackbox ${name}`, process: p });
    }
}, 60_000);

afterAll(async () => {
    await stopAll();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    run?.remove();
});

/** One probe through the exporter: its metrics as name → value. */
async function probe(exporter: number, module: string, target: string): Promise<Map<string, number>> {
    const res = await fetch(`http://127.0.0.1:${exporter}/probe?module=${module}&target=${encodeURIComponent(target)}`, { signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    const metrics = new Map<string, number>();
    for (const line of text.split("\n")) {
        const m = /^(\w+)(?:\{[^}]*\})? (\S+)$/.exec(line);
        if (m && !metrics.has(m[1])) metrics.set(m[1], Number(m[2]));
    }
    return metrics;
}

describe("blackbox probes of a certificate from a private CA", () => {
    it.each([blackboxModules.http, blackboxModules.tls])("%s succeeds when the CA is trusted through ca_file, and reports the expiry", async (module) => {
        const target = module === blackboxModules.http ? `https://127.0.0.1:${serverPort}/health` : `127.0.0.1:${serverPort}`;
        const m = await probe(exporters.trusting, module, target);
        expect(m.get("probe_success")).toBe(1);
        const daysLeft = ((m.get("probe_ssl_earliest_cert_expiry") ?? 0) - Date.now() / 1000) / 86400;
        expect(daysLeft).toBeGreaterThan(88);
        expect(daysLeft).toBeLessThan(91);
    });

    it.each([blackboxModules.http, blackboxModules.tls])("%s fails with the system roots only (the bug: EndpointDown forever)", async (module) => {
        const target = module === blackboxModules.http ? `https://127.0.0.1:${serverPort}/health` : `127.0.0.1:${serverPort}`;
        const m = await probe(exporters.default, module, target);
        expect(m.get("probe_success")).toBe(0);
    });
});
