/**
 * testssl.sh against the edge, on loopback only: `--ip 127.0.0.1` (no DNS, `--nodns none`), the
 * server name as SNI and Host, the test CA added to its trust stores, JSON findings out, and a
 * time bound. Client simulation (`-c`) is left out: it rates nothing and doubles the run time.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EdgeAddress } from "./clients";
import { run } from "./commands";
import { rateTestsslFindings, type TestsslFinding, type TlsRating } from "./tls-rating";

export interface TestsslResult {
    findings: TestsslFinding[];
    rating: TlsRating;
    seconds: number;
    jsonFile: string;
}

export async function runTestssl(o: { edge: EdgeAddress; caFile: string; outDir: string; timeoutMs: number }): Promise<TestsslResult> {
    const jsonFile = path.join(o.outDir, "testssl.json");
    fs.rmSync(jsonFile, { force: true });
    const args = [
        "--quiet",
        "--color", "0",
        "--warnings", "off",
        "--nodns", "none",
        "--ip", "127.0.0.1",
        "--add-ca", o.caFile,
        "--connect-timeout", "5",
        "--openssl-timeout", "5",
        // protocols, cipher categories, forward secrecy, certificate, HTTP headers, vulnerabilities, every cipher
        "-p", "-s", "-f", "-S", "-h", "-U", "-e",
        "--jsonfile", jsonFile,
        `https://${o.edge.serverName}:${o.edge.httpsPort}/`,
    ];
    const t0 = performance.now();
    const r = await run("testssl", args, { timeoutMs: o.timeoutMs, cwd: o.outDir });
    const seconds = (performance.now() - t0) / 1000;
    fs.writeFileSync(path.join(o.outDir, "testssl.out"), r.stdout + r.stderr);
    if (r.timedOut) throw new Error(`testssl did not finish within ${o.timeoutMs} ms; its output is in ${o.outDir}/testssl.out`);
    // testssl's exit status counts findings as well as errors; a complete JSON file is the real signal.
    if (!fs.existsSync(jsonFile)) throw new Error(`testssl wrote no JSON (exit ${r.code}):\n${(r.stdout + r.stderr).slice(-3000)}`);
    const findings = JSON.parse(fs.readFileSync(jsonFile, "utf8")) as TestsslFinding[];
    const scan = findings.find((f) => f.id === "scanTime");
    if (!scan || !/^\d+$/.test(scan.finding)) throw new Error(`testssl's scan did not complete (scanTime: ${scan?.finding ?? "missing"}).`);
    return { findings, rating: rateTestsslFindings(findings), seconds, jsonFile };
}
