import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cloudInitPaths, sshAlgorithms } from "../../components/host/cloud-init";
import { knownHostsLine, sshClientOptions } from "../../components/host/ssh";
import { userKeyProblem } from "../../components/host/ssh-keys";
import { renderStack, renderedFile } from "./helpers/rendered-stacks";
import { describeRun, requireTool, runTool, runToolOk } from "./helpers/tools";

/**
 * The dev stack's sshd drop-in (from its rendered cloud-init user data) run by a real sshd on
 * 127.0.0.1, on a stock Ubuntu 24.04 base config that `Include`s it, with its own host key:
 * - `sshd -t` accepts it, and `sshd -T` shows our values won over the base config;
 * - Debian's ssh-audit (2.5.0) reports 0 failures (warnings printed), while the same sshd
 *   without our algorithm lines fails (so this check can fail);
 * - the OpenSSH client (what the Docker provider's ssh:// runs) logs in with the exact client
 *   options the program uses, with each key type we accept, and is refused with each we refuse;
 * - a Go client on golang.org/x/crypto/ssh (what @pulumi/command's remote connection uses)
 *   logs in and runs a command, and the algorithms it can negotiate are printed.
 *
 * What differs from the droplet, on purpose and said here: Debian bookworm's OpenSSH is 9.2 and
 * the droplet's 9.6. Every directive and algorithm name of the drop-in exists in 9.2 (Debian's
 * also knows sntrup761), so nothing of it is filtered today; a name the local sshd lacks is
 * filtered only when it is in `newerThanBookworm` (and printed), any other unknown name fails.
 * OpenSSH before 9.5 refuses a second `Subsystem sftp` (9.5+ keeps the first, ours), so on 9.2
 * the base config's Subsystem line is left out. The HostKey path points at the test's key. The
 * deploy user exists only inside sshd's private mount namespace (passwd/shadow/group bind-mounted
 * copies): nothing is added to this machine's accounts.
 */

const USER_DATA = "cloud-init/user-data.yaml";
const USER = "deploy";

/** Algorithm names the droplet's OpenSSH may know and Debian bookworm's 9.2 does not. */
const newerThanBookworm = ["mlkem768x25519-sha256"];

/** Ubuntu 24.04's /etc/ssh/sshd_config without its comments (openssh-server 1:9.6p1-3ubuntu13). */
const ubuntuBase = [
    "Include /etc/ssh/sshd_config.d/*.conf",
    "KbdInteractiveAuthentication no",
    "UsePAM yes",
    "X11Forwarding yes",
    "PrintMotd no",
    "AcceptEnv LANG LC_*",
    "Subsystem\tsftp\t/usr/lib/openssh/sftp-server",
];
/** What Ubuntu's cloud image adds in sshd_config.d. */
const cloudImgSettings = "PasswordAuthentication no\n";

const work = mkdtempSync(join(tmpdir(), "slipway-sshd-"));
chmodSync(work, 0o755); // sshd's StrictModes and the privsep child read below it
const servers: ChildProcess[] = [];
afterAll(() => {
    for (const p of servers) if (p.exitCode === null) p.kill("SIGTERM");
    rmSync(work, { recursive: true, force: true });
});

const sshd = () => requireTool("/usr/sbin/sshd");

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = createServer();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const { port } = srv.address() as { port: number };
            srv.close(() => resolve(port));
        });
    });
}

/** Waits (at most 10 s) until something accepts connections on 127.0.0.1:port. */
async function waitForPort(port: number, server: ChildProcess, log: () => string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
        if (server.exitCode !== null) throw new Error(`sshd exited with ${server.exitCode}:\n${log()}`);
        const ok = await new Promise<boolean>((resolve) => {
            const s = connect({ host: "127.0.0.1", port }, () => {
                s.destroy();
                resolve(true);
            });
            s.on("error", () => resolve(false));
        });
        if (ok) return;
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`sshd did not listen on 127.0.0.1:${port} within 10 s:\n${log()}`);
}

/** "OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL …" → [9, 2]. */
function sshdVersion(): [number, number] {
    const r = runTool(sshd(), ["-V"]);
    const m = /OpenSSH_(\d+)\.(\d+)/.exec(`${r.stdout}${r.stderr}`);
    if (!m) throw new Error(`cannot read the sshd version:\n${describeRun(r)}`);
    return [Number(m[1]), Number(m[2])];
}

interface Sshd {
    port: number;
    dir: string;
    config: string;
    log: () => string;
}

interface Fixture {
    dropIn: string;
    filtered: string[];
    hostPub: string;
    keys: Record<"ed25519" | "rsa3072" | "rsa2048" | "ecdsa", string>;
    accounts: { passwd: string; shadow: string; group: string };
}

let fx: Fixture;

/** Writes a config tree for `dropIn` and starts `sshd -D` on a free port inside a private mount namespace. */
async function startSshd(name: string, dropIn: string): Promise<Sshd> {
    const dir = join(work, name);
    mkdirSync(join(dir, "sshd_config.d"), { recursive: true });
    const port = await freePort();
    const [major, minor] = sshdVersion();
    const base = ubuntuBase
        .filter((l) => !(l.startsWith("Subsystem") && (major < 9 || (major === 9 && minor < 5))))
        .map((l) => l.replace("/etc/ssh/sshd_config.d", join(dir, "sshd_config.d")));
    const config = join(dir, "sshd_config");
    writeFileSync(config, [`Port ${port}`, "ListenAddress 127.0.0.1", `PidFile ${join(dir, "sshd.pid")}`, ...base, ""].join("\n"));
    writeFileSync(join(dir, "sshd_config.d", "50-slipway.conf"), dropIn.replace(/^HostKey .*$/m, `HostKey ${join(work, "hostkey")}`));
    writeFileSync(join(dir, "sshd_config.d", "60-cloudimg-settings.conf"), cloudImgSettings);
    const logFile = join(dir, "sshd.log");
    writeFileSync(logFile, "");
    // /run/sshd is sshd's privilege-separation directory (Debian's init script creates it).
    mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
    const binds = Object.entries(fx.accounts)
        .map(([file, copy]) => `mount --bind '${copy}' /etc/${file}`)
        .join(" && ");
    const server = spawn(requireTool("unshare"), ["--mount", "--propagation", "private", "sh", "-c", `${binds} && exec ${sshd()} -D -f '${config}' -E '${logFile}'`], {
        stdio: "ignore",
    });
    servers.push(server);
    const log = () => readFileSync(logFile, "utf8");
    await waitForPort(port, server, log);
    return { port, dir, config, log };
}

function sshdLists(dropIn: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const line of dropIn.split("\n")) {
        const [k, v] = line.split(" ");
        if (k in sshAlgorithms) out[k] = v.split(",");
    }
    return out;
}

beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error("tests/tools/sshd-audit.test.ts runs sshd as root (CI is root); run it as root.");
    const s = await renderStack("dev");
    const doc = parse(renderedFile(s, USER_DATA).content) as { write_files: { path: string; content: string }[] };
    const rendered = doc.write_files.find((f) => f.path === cloudInitPaths.sshd)?.content;
    if (!rendered) throw new Error(`the dev stack's user data writes no ${cloudInitPaths.sshd}`);

    // Algorithm names the local OpenSSH does not know (`ssh -Q` lists what this build implements).
    const ssh = requireTool("ssh");
    const known = new Set(["kex", "cipher", "mac", "key-sig"].flatMap((q) => runToolOk(ssh, ["-Q", q]).split("\n").filter(Boolean)));
    const filtered: string[] = [];
    const dropIn = rendered
        .split("\n")
        .map((line) => {
            const [k, v] = line.split(" ");
            if (!(k in sshAlgorithms)) return line;
            const names = v.split(",");
            const unknown = names.filter((n) => !known.has(n));
            const unexpected = unknown.filter((n) => !newerThanBookworm.includes(n));
            if (unexpected.length) throw new Error(`${k} lists ${unexpected.join(", ")}, which this OpenSSH does not know and is not a known newer name: sshd would refuse to start.`);
            filtered.push(...unknown);
            return `${k} ${names.filter((n) => known.has(n)).join(",")}`;
        })
        .join("\n");
    if (filtered.length) console.log(`sshd-audit: left out for this older OpenSSH: ${filtered.join(", ")}`);

    const keygen = requireTool("ssh-keygen");
    const key = (file: string, ...args: string[]) => {
        runToolOk(keygen, ["-q", "-N", "", "-C", file, "-f", join(work, file), ...args]);
        return join(work, file);
    };
    key("hostkey", "-t", "ed25519");
    const keys = {
        ed25519: key("user-ed25519", "-t", "ed25519"),
        rsa3072: key("user-rsa3072", "-t", "rsa", "-b", "3072"),
        rsa2048: key("user-rsa2048", "-t", "rsa", "-b", "2048"),
        ecdsa: key("user-ecdsa", "-t", "ecdsa", "-b", "256"),
    };
    // The deploy user's home: root-owned and not group/world-writable, which StrictModes accepts.
    const home = join(work, "home", USER);
    mkdirSync(join(home, ".ssh"), { recursive: true, mode: 0o755 });
    writeFileSync(join(home, ".ssh", "authorized_keys"), Object.values(keys).map((k) => readFileSync(`${k}.pub`, "utf8")).join(""), { mode: 0o644 });
    // An account sshd can find, only inside its mount namespace; a uid nothing else uses here.
    const uid = 64123;
    if (runTool("getent", ["passwd", String(uid)]).status === 0) throw new Error(`uid ${uid} is taken on this machine; pick another in sshd-audit.test.ts`);
    const accounts = {
        passwd: `${readFileSync("/etc/passwd", "utf8")}${USER}:x:${uid}:${uid}::${home}:/bin/sh\n`,
        shadow: `${readFileSync("/etc/shadow", "utf8")}${USER}:!:19000::::::\n`,
        group: `${readFileSync("/etc/group", "utf8")}${USER}:x:${uid}:\n`,
    };
    const copies = Object.fromEntries(
        Object.entries(accounts).map(([name, content]) => {
            const file = join(work, name);
            writeFileSync(file, content, { mode: name === "shadow" ? 0o600 : 0o644 });
            return [name, file];
        }),
    ) as Fixture["accounts"];
    fx = { dropIn, filtered, hostPub: readFileSync(join(work, "hostkey.pub"), "utf8"), keys, accounts: copies };
});

describe("the dev stack's sshd drop-in on a real sshd", () => {
    let server: Sshd;
    beforeAll(async () => {
        server = await startSshd("hardened", fx.dropIn);
    });

    it("is accepted by `sshd -t`, and `sshd -T` shows our values over the base config's", () => {
        expect(runTool(sshd(), ["-t", "-f", server.config]).status).toBe(0);
        const effective = new Map<string, string>();
        for (const line of runToolOk(sshd(), ["-T", "-f", server.config]).split("\n")) {
            const i = line.indexOf(" ");
            if (i > 0 && !effective.has(line.slice(0, i))) effective.set(line.slice(0, i), line.slice(i + 1));
        }
        for (const [k, list] of Object.entries(sshdLists(fx.dropIn))) expect(effective.get(k.toLowerCase()), k).toBe(list.join(","));
        expect(Object.fromEntries(["requiredrsasize", "authenticationmethods", "permitrootlogin", "passwordauthentication", "x11forwarding", "allowstreamlocalforwarding", "allowtcpforwarding", "allowagentforwarding", "loglevel", "authorizedkeysfile", "subsystem", "maxstartups", "persourcemaxstartups", "clientaliveinterval", "clientalivecountmax", "allowusers"].map((k) => [k, effective.get(k)]))).toEqual({
            requiredrsasize: "3072",
            authenticationmethods: "publickey",
            permitrootlogin: "no",
            passwordauthentication: "no",
            x11forwarding: "no", // the base config says yes: ours is read first
            allowstreamlocalforwarding: "no",
            allowtcpforwarding: "local",
            allowagentforwarding: "no",
            loglevel: "VERBOSE",
            authorizedkeysfile: ".ssh/authorized_keys",
            subsystem: "sftp internal-sftp -f AUTHPRIV -l INFO",
            maxstartups: "10:30:60",
            persourcemaxstartups: "10",
            clientaliveinterval: "60",
            clientalivecountmax: "3",
            allowusers: USER,
        });
    });

    it("ssh-audit reports no failures", () => {
        const r = runTool(requireTool("ssh-audit"), ["-n", "-p", String(server.port), "127.0.0.1"], { timeoutMs: 90_000 });
        const report = describeRun(r);
        const fails = r.stdout.split("\n").filter((l) => l.includes("-- [fail]"));
        const warns = r.stdout.split("\n").filter((l) => l.includes("-- [warn]"));
        console.log(`ssh-audit on the hardened drop-in: ${fails.length} failures, ${warns.length} warnings${warns.length ? `\n${warns.join("\n")}` : ""}`);
        // ssh-audit 2.5.0 exits 0 (good), 2 (warnings), 3 (failures), 1 (could not connect).
        expect([0, 2], report).toContain(r.status);
        expect(fails, report).toEqual([]);
        expect(r.stdout, report).toMatch(/\(kex\) curve25519-sha256/);
    });

    it("lets the OpenSSH client in with the program's own client options, for each key type we accept, and refuses the others", () => {
        const ssh = requireTool("ssh");
        const opts = sshClientOptions({ knownHostsLine: knownHostsLine(`[127.0.0.1]:${server.port}`, fx.hostPub) });
        const attempt = (key: string) => runTool(ssh, ["-F", "/dev/null", ...opts, "-o", "IdentitiesOnly=yes", "-o", "ConnectTimeout=5", "-i", key, "-p", String(server.port), `${USER}@127.0.0.1`, "true"], { timeoutMs: 20_000 });
        const results = Object.fromEntries(Object.entries(fx.keys).map(([name, key]) => [name, attempt(key)]));
        const outcome = Object.fromEntries(Object.entries(results).map(([name, r]) => [name, r.status === 0]));
        expect(outcome, Object.values(results).map(describeRun).join("\n") + server.log()).toEqual({ ed25519: true, rsa3072: true, rsa2048: false, ecdsa: false });
        // …and our validation agrees with sshd, key by key.
        const validation = Object.fromEntries(Object.entries(fx.keys).map(([name, key]) => [name, userKeyProblem(readFileSync(`${key}.pub`, "utf8")) === undefined]));
        expect(validation).toEqual(outcome);
        // LogLevel VERBOSE names the key that logged in.
        expect(server.log()).toMatch(/Accepted publickey for deploy from 127\.0\.0\.1 port \d+ ssh2: ED25519 SHA256:/);
    });

    it("lets a Go golang.org/x/crypto/ssh client (what @pulumi/command uses) in and run a command", () => {
        const go = requireTool("go");
        const goDir = join(work, "go");
        mkdirSync(goDir, { recursive: true });
        // Debian's golang-golang-x-crypto-dev, in GOPATH mode: no module download.
        const env = { ...process.env, GOPATH: "/usr/share/gocode", GO111MODULE: "off", GOFLAGS: "", GOCACHE: join(tmpdir(), "slipway-go-build-cache") };
        const bin = join(goDir, "go-ssh-probe");
        const build = spawnSyncEnv(go, ["build", "-o", bin, join(__dirname, "helpers", "go-ssh-probe.go")], env, goDir);
        expect(build.status, describeRun(build)).toBe(0);
        const base = [`127.0.0.1:${server.port}`, USER, fx.keys.ed25519, join(work, "hostkey.pub")];
        const run = runTool(bin, [...base, "run"], { timeoutMs: 20_000 });
        expect(run.status, describeRun(run) + server.log()).toBe(0);
        expect(run.stdout).toContain("ok go-client-ok");
        // Which of the server's algorithms this x/crypto negotiates, one at a time.
        const lists = sshdLists(fx.dropIn);
        const matrix: Record<string, string[]> = {};
        for (const [mode, keyword] of [["kex", "KexAlgorithms"], ["cipher", "Ciphers"], ["mac", "MACs"]] as const) {
            matrix[keyword] = lists[keyword].filter((name) => runTool(bin, [...base, mode, name], { timeoutMs: 20_000 }).status === 0);
        }
        const crypto = runTool("dpkg-query", ["-W", "-f", "${Version}", "golang-golang-x-crypto-dev"]).stdout;
        console.log(`Go client (golang.org/x/crypto from Debian's golang-golang-x-crypto-dev ${crypto}) negotiates: ${Object.entries(matrix).map(([k, v]) => `${k}: ${v.join(", ")}`).join("; ")}`);
        // The overlap the provider relies on: Curve25519, and an AEAD cipher or CTR with an EtM MAC.
        expect(matrix.KexAlgorithms).toContain("curve25519-sha256");
        expect(matrix.Ciphers.some((c) => c.startsWith("chacha20") || c.includes("gcm"))).toBe(true);
        expect(matrix.MACs).toContain("hmac-sha2-256-etm@openssh.com");
    });
});

describe("the check can fail", () => {
    it("ssh-audit reports failures for the same sshd without our algorithm lines (OpenSSH's defaults)", async () => {
        const defaults = fx.dropIn
            .split("\n")
            .filter((l) => !(l.split(" ")[0] in sshAlgorithms))
            .join("\n");
        const server = await startSshd("defaults", defaults);
        const r = runTool(requireTool("ssh-audit"), ["-n", "-p", String(server.port), "127.0.0.1"], { timeoutMs: 90_000 });
        const fails = r.stdout.split("\n").filter((l) => l.includes("-- [fail]"));
        const warns = r.stdout.split("\n").filter((l) => l.includes("-- [warn]"));
        console.log(`ssh-audit on OpenSSH's default algorithms: ${fails.length} failures, ${warns.length} warnings`);
        expect(r.status, describeRun(r)).toBe(3);
        expect(fails.join("\n")).toMatch(/ecdh-sha2-nistp/);
    });
});

/** runTool with an environment (the Go build's GOPATH mode). */
function spawnSyncEnv(tool: string, args: string[], env: NodeJS.ProcessEnv, cwd: string) {
    const r = spawnSync(tool, args, { env, cwd, encoding: "utf8", timeout: 180_000, killSignal: "SIGKILL" });
    if (r.error) throw new Error(`${tool} could not run: ${r.error.message}`);
    return { command: [tool, ...args].join(" "), status: r.status, stdout: r.stdout, stderr: r.stderr };
}
