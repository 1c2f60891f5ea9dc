import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cloudInitPaths, metadataAddress } from "../../components/host/cloud-init";
import { renderStack, renderedFile } from "./helpers/rendered-stacks";
import { describeRun, requireTool, runTool, runToolOk } from "./helpers/tools";

/**
 * Containers must not reach the droplet's metadata service (it serves the user data, which
 * holds the SSH host private key). The dev stack's rendered block script, run for real with
 * iptables, in network namespaces this test makes — never near a real metadata service:
 *
 *   container ns  c0 10.231.1.2 ──veth── hc 10.231.1.1  host ns (forwarding; FORWARD → DOCKER-USER,
 *                                        hm 10.231.2.1   as Docker sets it up)
 *   metadata ns   m0 169.254.169.254/32 + 10.231.2.2 ──veth── hm
 *
 * A TCP listener in the metadata namespace answers on both its addresses. Without the rule the
 * container reaches 169.254.169.254; with the rendered rule it is refused (bounded at 2 s)
 * while 10.231.2.2 in the same namespace still answers, and the host's own connections (not
 * forwarded, so not in DOCKER-USER) are untouched. The namespaces are deleted afterwards.
 */

const USER_DATA = "cloud-init/user-data.yaml";
const PORT = 8169;
const OTHER = "10.231.2.2";

const tag = `slw-md-${process.pid}`;
const ns = { container: `${tag}-c`, host: `${tag}-h`, metadata: `${tag}-m` };
const work = mkdtempSync(join(tmpdir(), "slipway-metadata-block-"));
let listener: ChildProcess | undefined;
let blockScript = "";

const ip = (...args: string[]) => runToolOk(requireTool("ip"), args);
const inNs = (name: string, tool: string, args: string[], timeoutMs = 10_000) => runTool(requireTool("ip"), ["netns", "exec", name, tool, ...args], { timeoutMs });

afterAll(() => {
    if (listener && listener.exitCode === null) listener.kill("SIGKILL");
    for (const n of Object.values(ns)) runTool(requireTool("ip"), ["netns", "del", n]);
    rmSync(work, { recursive: true, force: true });
});

/** A TCP connect from inside `name` to addr:PORT: "connected", "refused" or "timeout" (2 s). */
function tcpConnect(name: string, addr: string): string {
    const code = `
        const s = require("node:net").connect({ host: ${JSON.stringify(addr)}, port: ${PORT} });
        const done = (r) => { console.log(r); s.destroy(); process.exit(0); };
        s.setTimeout(2000, () => done("timeout"));
        s.on("connect", () => done("connected"));
        s.on("error", (e) => done(e.code === "ECONNREFUSED" ? "refused" : e.code));`;
    const r = inNs(name, process.execPath, ["-e", code]);
    if (r.status !== 0) throw new Error(describeRun(r));
    return r.stdout.trim();
}

function hostIptables(args: string[]) {
    const r = inNs(ns.host, requireTool("iptables"), args);
    if (r.status !== 0) throw new Error(describeRun(r));
    return r.stdout;
}

beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error("tests/tools/metadata-block.test.ts makes network namespaces (CI is root); run it as root.");
    const s = await renderStack("dev");
    const doc = parse(renderedFile(s, USER_DATA).content) as { write_files: { path: string; content: string }[] };
    blockScript = doc.write_files.find((f) => f.path === cloudInitPaths.metadataBlock)?.content ?? "";
    if (!blockScript) throw new Error(`the dev stack's user data writes no ${cloudInitPaths.metadataBlock}`);
    writeFileSync(join(work, "metadata-block.sh"), blockScript, { mode: 0o755 });

    for (const n of Object.values(ns)) ip("netns", "add", n);
    ip("-n", ns.host, "link", "add", "name", "hc", "type", "veth", "peer", "name", "c0", "netns", ns.container);
    ip("-n", ns.host, "link", "add", "name", "hm", "type", "veth", "peer", "name", "m0", "netns", ns.metadata);
    // container
    ip("-n", ns.container, "addr", "add", "10.231.1.2/24", "dev", "c0");
    ip("-n", ns.container, "link", "set", "c0", "up");
    ip("-n", ns.container, "route", "add", "default", "via", "10.231.1.1");
    // host: routes between the two, like the droplet between docker0 and eth0
    ip("-n", ns.host, "addr", "add", "10.231.1.1/24", "dev", "hc");
    ip("-n", ns.host, "addr", "add", "10.231.2.1/24", "dev", "hm");
    ip("-n", ns.host, "link", "set", "hc", "up");
    ip("-n", ns.host, "link", "set", "hm", "up");
    ip("-n", ns.host, "route", "add", `${metadataAddress}/32`, "via", OTHER);
    const fwd = inNs(ns.host, "sysctl", ["-qw", "net.ipv4.ip_forward=1"]);
    if (fwd.status !== 0) throw new Error(describeRun(fwd));
    // The chains as Docker leaves them: FORWARD jumps to DOCKER-USER, which ends in RETURN.
    hostIptables(["-N", "DOCKER-USER"]);
    hostIptables(["-A", "DOCKER-USER", "-j", "RETURN"]);
    hostIptables(["-A", "FORWARD", "-j", "DOCKER-USER"]);
    // metadata
    ip("-n", ns.metadata, "addr", "add", `${metadataAddress}/32`, "dev", "m0");
    ip("-n", ns.metadata, "addr", "add", `${OTHER}/24`, "dev", "m0");
    ip("-n", ns.metadata, "link", "set", "m0", "up");
    ip("-n", ns.metadata, "link", "set", "lo", "up");
    ip("-n", ns.metadata, "route", "add", "10.231.1.0/24", "via", "10.231.2.1");

    listener = spawn(requireTool("ip"), ["netns", "exec", ns.metadata, process.execPath, "-e", `require("node:net").createServer((c) => { c.on("error", () => {}); c.end("user-data\\n"); }).listen(${PORT}, "0.0.0.0", () => console.log("ready"));`], {
        stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error("the listener in the metadata namespace did not start within 5 s")), 5_000);
        listener?.stdout?.on("data", (d: Buffer) => {
            if (d.toString().includes("ready")) {
                clearTimeout(t);
                resolve();
            }
        });
        listener?.on("exit", (code) => reject(new Error(`the listener exited with ${code}`)));
    });
});

describe("the rendered metadata block, in namespaces the test made", () => {
    it("without the rule, the container reaches the metadata address (the check can fail)", () => {
        expect(tcpConnect(ns.container, metadataAddress)).toBe("connected");
        expect(tcpConnect(ns.container, OTHER)).toBe("connected");
    });

    it("with the rendered script run (twice), the container is refused within 2 s; the other address still answers", () => {
        for (let i = 0; i < 2; i++) {
            const r = inNs(ns.host, "sh", [join(work, "metadata-block.sh")]);
            expect(r.status, describeRun(r)).toBe(0);
        }
        const rules = hostIptables(["-S", "DOCKER-USER"]).split("\n").filter((l) => l.startsWith("-A DOCKER-USER"));
        // Once, and ahead of Docker's RETURN.
        expect(rules).toEqual([`-A DOCKER-USER -d ${metadataAddress}/32 -j REJECT --reject-with icmp-port-unreachable`, "-A DOCKER-USER -j RETURN"]);
        const started = Date.now();
        expect(tcpConnect(ns.container, metadataAddress)).toBe("refused");
        expect(Date.now() - started).toBeLessThan(2_500);
        expect(tcpConnect(ns.container, OTHER)).toBe("connected");
    });

    it("leaves the host's own connections alone (they are not forwarded): what remains reachable, from root-equivalent places", () => {
        expect(tcpConnect(ns.host, metadataAddress)).toBe("connected");
    });

    it("puts the rule back after DOCKER-USER is emptied (as on a Docker restart)", () => {
        hostIptables(["-F", "DOCKER-USER"]);
        expect(tcpConnect(ns.container, metadataAddress)).toBe("connected");
        const r = inNs(ns.host, "sh", [join(work, "metadata-block.sh")]);
        expect(r.status, describeRun(r)).toBe(0);
        expect(tcpConnect(ns.container, metadataAddress)).toBe("refused");
    });
});
