import fc from "fast-check";
import { spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { normalizeDropletHostArgs } from "../../components/host/digitalocean";
import { dnsRecordName } from "../../components/host/dns-record";
import { dropletMemoryMiB } from "../../components/host/droplet-sizes";
import { anywhere, checkSshAllowedCidrs, inboundRules, outboundRules } from "../../components/host/firewall-rules";
import { normalizeHostArgs } from "../../components/host/index";
import { readinessScript, sshWaitEnv, waitForSshScript } from "../../components/host/readiness";
import { authorizedKeysFile, authorizedKeysScript, knownHostsLine, sshClientOptions, sshCommandLine } from "../../components/host/ssh";
import { vpsSchema } from "../../stacks/config-schema";
import { expectArgError } from "../helpers/arg-error";
import { minRsaBits, pubkeyAcceptedAlgorithms, rsaKeyBits, userKeyProblem, userKeyTypes } from "../../components/host/ssh-keys";

const has = (cmd: string): boolean => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const hostPub = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostHostHostHostHostHostHostHostHostHostHost";

describe("firewall rules", () => {
    it("opens 80 and 443 to the world, 22 to the allow-list, and nothing else", () => {
        const rules = inboundRules({ sshAllowedCidrs: ["203.0.113.7/32", "2001:db8::/48"], allowPing: false });
        expect(rules).toEqual([
            { protocol: "tcp", portRange: "80", sourceAddresses: ["0.0.0.0/0", "::/0"] },
            { protocol: "tcp", portRange: "443", sourceAddresses: ["0.0.0.0/0", "::/0"] },
            { protocol: "tcp", portRange: "22", sourceAddresses: ["203.0.113.7/32", "2001:db8::/48"] },
        ]);
        const ping = inboundRules({ sshAllowedCidrs: ["203.0.113.7"], allowPing: true });
        expect(ping).toHaveLength(4);
        expect(ping[3]).toEqual({ protocol: "icmp", sourceAddresses: ["0.0.0.0/0", "::/0"] });
    });

    it("lets everything out (images, apt, ACME, backups)", () => {
        expect(outboundRules().map((r) => [r.protocol, r.portRange])).toEqual([
            ["tcp", "1-65535"],
            ["udp", "1-65535"],
            ["icmp", undefined],
        ]);
        for (const r of outboundRules()) expect(r.destinationAddresses).toEqual([...anywhere]);
    });

    it("never opens SSH to the world", () => {
        for (const bad of ["0.0.0.0/0", "::/0", "10.0.0.0/0", "2001:db8::/0", "0.0.0.0", "::", "0.0.0.0/32"]) {
            expectArgError(() => checkSshAllowedCidrs([bad]), { key: "sshAllowedCidrs", value: bad, allowed: /do not open SSH to the whole internet/ });
        }
        expectArgError(() => checkSshAllowedCidrs(["203.0.113.7/32", " 0.0.0.0/0 "]), { key: "sshAllowedCidrs", value: "0.0.0.0/0", allowed: /whole internet.*203\.0\.113\.7\/32/ });
        expectArgError(() => checkSshAllowedCidrs(["128.0.0.0/1"]), { key: "sshAllowedCidrs", value: "128.0.0.0/1", allowed: /no wider than a \/8/ });
        expectArgError(() => checkSshAllowedCidrs(["2000::/3"]), { key: "sshAllowedCidrs", value: "2000::/3", allowed: /no wider than a \/16/ });
        expectArgError(() => checkSshAllowedCidrs([]), { key: "sshAllowedCidrs", value: [], allowed: /at least one address/ });
        for (const bad of ["203.0.113.7/33", "not-an-ip", "203.0.113.7/24/1", "2001:db8::/129", "203.0.113.7/x"]) {
            expectArgError(() => checkSshAllowedCidrs([bad]), { key: "sshAllowedCidrs", value: bad, allowed: /IPv4 or IPv6 addresses or CIDR blocks/ });
        }
        expect(checkSshAllowedCidrs(["203.0.113.7/32", "203.0.113.7/32", "10.0.0.0/8"])).toEqual(["203.0.113.7/32", "10.0.0.0/8"]);
    });

    it("property: the SSH rule never holds a world-wide source, whatever the input", () => {
        const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(32)).map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`);
        const v6 = fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.nat(128)).map(([g, p]) => `${g.toString(16)}::/${p}`);
        fc.assert(
            fc.property(fc.array(fc.oneof(v4, v6, fc.constantFrom(...anywhere)), { minLength: 1, maxLength: 5 }), (cidrs) => {
                let rules;
                try {
                    rules = inboundRules({ sshAllowedCidrs: cidrs, allowPing: false });
                } catch {
                    return true; // refused: fine
                }
                const ssh = rules.filter((r) => r.portRange === "22");
                expect(ssh).toHaveLength(1);
                for (const src of ssh[0].sourceAddresses) {
                    const bits = Number(src.split("/")[1] ?? 128);
                    expect(bits).toBeGreaterThanOrEqual(src.includes(":") ? 16 : 8);
                }
                expect(rules.map((r) => r.portRange)).toEqual(["80", "443", "22"]);
                return true;
            }),
        );
    });
});

describe("readiness gate script", () => {
    /** Runs the gate with stub cloud-init / mountpoint / docker commands on PATH. */
    function runGate(env: { cloudInit: number; mounted: boolean; docker: boolean; readOnlyData?: boolean }) {
        const bin = mkdtempSync(join(tmpdir(), "slipway-gate-"));
        const data = mkdtempSync(join(tmpdir(), "slipway-data-"));
        if (env.readOnlyData) writeFileSync(join(data, "nginx"), "a file where a directory should be");
        const stub = (name: string, body: string) => {
            writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
            chmodSync(join(bin, name), 0o755);
        };
        stub("cloud-init", `[ "$1 $2" = "status --wait" ] && exit ${env.cloudInit}; echo "status: error"; exit 0`);
        stub("mountpoint", `[ "$1 $2" = "-q ${data}" ] || exit 9; exit ${env.mounted ? 0 : 1}`);
        stub("docker", env.docker ? `[ "$1" = info ] && echo 27.5.1` : "exit 1");
        const r = spawnSync("sh", ["-c", readinessScript({ dataDir: data, dataSubdirs: ["nginx", "postgres"] })], {
            encoding: "utf8",
            env: { PATH: `${bin}:/usr/bin:/bin` },
        });
        return { ...r, data };
    }

    it("passes when cloud-init is done, the volume is mounted and docker answers", () => {
        const r = runGate({ cloudInit: 0, mounted: true, docker: true });
        expect(r.status).toBe(0);
        expect(r.stdout.trim()).toBe("slipway: ready (docker 27.5.1)");
        for (const d of ["nginx", "postgres"]) expect(statSync(join(r.data, d)).isDirectory()).toBe(true);
    });

    it("accepts cloud-init's exit 2 (done with recoverable errors), with a warning", () => {
        const r = runGate({ cloudInit: 2, mounted: true, docker: true });
        expect(r.status).toBe(0);
        expect(r.stderr).toMatch(/recoverable errors/);
    });

    it("fails on a cloud-init failure, a missing volume, or no docker", () => {
        const failed = runGate({ cloudInit: 1, mounted: true, docker: true });
        expect(failed.status).toBe(1);
        expect(failed.stderr).toMatch(/cloud-init failed \(exit 1\)/);
        expect(failed.stderr).toMatch(/status: error/);
        const unmounted = runGate({ cloudInit: 0, mounted: false, docker: true });
        expect(unmounted.status).toBe(1);
        expect(unmounted.stderr).toMatch(/not mounted/);
        expect(existsSync(join(unmounted.data, "nginx"))).toBe(false); // nothing written to the root disk
        const noDocker = runGate({ cloudInit: 0, mounted: true, docker: false });
        expect(noDocker.status).toBe(1);
        expect(noDocker.stderr).toMatch(/docker info failed/);
        const noDirs = runGate({ cloudInit: 0, mounted: true, docker: true, readOnlyData: true });
        expect(noDirs.status).toBe(1);
        expect(noDirs.stderr).toMatch(/cannot create the data directories/);
        expect(() => readinessScript({ dataDir: "/mnt/slipway", dataSubdirs: ["../etc"] })).toThrow(/the readiness script: dataSubdirs is "\.\.\/etc"; expected plain directory names/);
    });

    it.skipIf(!has("shellcheck"))("passes shellcheck", () => {
        for (const script of [readinessScript({ dataDir: "/mnt/slipway", dataSubdirs: ["nginx"] }), authorizedKeysScript(hostPub)]) {
            const r = spawnSync("shellcheck", ["-s", "sh", "-"], { input: script, encoding: "utf8" });
            expect(r.stdout).toBe("");
            expect(r.status).toBe(0);
        }
    });
});

describe("SSH wait script", () => {
    const servers: Server[] = [];
    afterEach(() => {
        for (const s of servers.splice(0)) s.close();
    });

    function listen(onConnection: (socket: import("node:net").Socket) => void, port = 0): Promise<number> {
        const server = createServer(onConnection);
        servers.push(server);
        return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
    }

    function wait(port: number, timeoutSeconds: number): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
        const started = Date.now();
        return new Promise((resolve) => {
            const child = spawn("node", ["-e", waitForSshScript()], {
                env: { ...process.env, [sshWaitEnv.host]: "127.0.0.1", [sshWaitEnv.port]: String(port), [sshWaitEnv.timeoutSeconds]: String(timeoutSeconds) },
            });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d) => (stdout += d));
            child.stderr.on("data", (d) => (stderr += d));
            child.on("close", (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
        });
    }

    it("returns once sshd sends its banner, even when it answers late", async () => {
        const port = await listen((s) => setTimeout(() => s.write("SSH-2.0-OpenSSH_9.6\r\n"), 300));
        const r = await wait(port, 30);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain(`sshd answered on 127.0.0.1:${port}`);
    });

    it("keeps retrying while the port is closed, then succeeds when sshd starts", async () => {
        const probe = createServer();
        const port = await new Promise<number>((r) => probe.listen(0, "127.0.0.1", () => r((probe.address() as AddressInfo).port)));
        probe.close();
        const waiting = wait(port, 30);
        await new Promise((r) => setTimeout(r, 1000));
        await listen((s) => s.write("SSH-2.0-OpenSSH_9.6\r\n"), port);
        const r = await waiting;
        expect(r.code).toBe(0);
        expect(r.ms).toBeGreaterThan(1000);
    });

    it("gives up with exit 1 after the timeout, naming the last error", async () => {
        const port = await listen((s) => s.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
        const r = await wait(port, 1);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/did not answer in time \(last: (not an SSH banner|closed before the SSH banner)\)/);
        expect(r.ms).toBeLessThan(8000);
    });
});

describe("SSH client options", () => {
    const line = knownHostsLine("203.0.113.10", `${hostPub}\n`);

    it("builds the known_hosts line from the address and the key, dropping any comment", () => {
        expect(line).toBe(`203.0.113.10 ${hostPub}`);
        expect(knownHostsLine("203.0.113.10", `${hostPub} root@host`)).toBe(line);
        expect(() => knownHostsLine("203.0.113.10", "ssh-rsa AAAAB3")).toThrow(/ssh-ed25519/);
    });

    it("trusts exactly the pinned key and no known_hosts file", () => {
        const opts = sshClientOptions({ knownHostsLine: line });
        const o = opts.filter((_, i) => opts[i - 1] === "-o");
        expect(o).toEqual(
            expect.arrayContaining([
                "StrictHostKeyChecking=yes",
                "UserKnownHostsFile=/dev/null",
                "GlobalKnownHostsFile=/dev/null",
                `KnownHostsCommand=/bin/echo ${line}`,
                "BatchMode=yes",
            ]),
        );
        expect(opts).not.toContain("-i");
        const withKey = sshClientOptions({ knownHostsLine: line, identityFile: "~/.ssh/slipway" });
        expect(withKey.slice(-4)).toEqual(["-o", "IdentitiesOnly=yes", "-i", "~/.ssh/slipway"]);
        expect(() => sshClientOptions({ knownHostsLine: `${line} %h` })).toThrow(/ssh options: knownHostsLine is ".*; expected a known_hosts line without %, \$ or a newline/);
    });

    it("KnownHostsCommand prints exactly the pinned line", () => {
        const cmd = sshClientOptions({ knownHostsLine: line }).find((a) => a.startsWith("KnownHostsCommand="))!;
        const [program, ...argv] = cmd.slice("KnownHostsCommand=".length).split(" ");
        expect(program).toBe("/bin/echo"); // ssh requires an absolute path
        expect(spawnSync(program, argv, { encoding: "utf8" }).stdout).toBe(`${line}\n`);
    });

    it.skipIf(!has("ssh"))("is accepted by the OpenSSH client as given (one option per argv element)", () => {
        const r = spawnSync("ssh", ["-G", ...sshClientOptions({ knownHostsLine: line }), "deploy@203.0.113.10"], { encoding: "utf8" });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toContain(`knownhostscommand /bin/echo ${line}`);
        expect(r.stdout).toMatch(/^stricthostkeychecking (true|yes)$/m);
        expect(r.stdout).toMatch(/^userknownhostsfile \/dev\/null$/m);
        expect(r.stdout).toMatch(/^hostkeyalgorithms ssh-ed25519$/m);
    });

    it("the ssh command line survives shell parsing", () => {
        const cmdline = sshCommandLine("203.0.113.10", { knownHostsLine: line });
        expect(cmdline.startsWith("ssh ")).toBe(true);
        expect(cmdline.endsWith(" deploy@203.0.113.10")).toBe(true);
        const argv = spawnSync("sh", ["-c", `printf '%s\\n' ${cmdline.slice(4)}`], { encoding: "utf8" }).stdout.trimEnd().split("\n");
        expect(argv).toEqual([...sshClientOptions({ knownHostsLine: line }), "deploy@203.0.113.10"]);
    });
});

/** An OpenSSH `ssh-rsa` public key line for a fresh RSA key of `bits` (the wire blob built from the JWK); one key per size. */
const rsaLines = new Map<number, string>();
function sshRsaLine(bits: number): string {
    const cached = rsaLines.get(bits);
    if (cached) return cached;
    const jwk = generateKeyPairSync("rsa", { modulusLength: bits }).publicKey.export({ format: "jwk" });
    const mpint = (b64url: string) => {
        const raw = Buffer.from(b64url, "base64url");
        return raw[0] & 0x80 ? Buffer.concat([Buffer.from([0]), raw]) : raw;
    };
    const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, 0].map((_, i) => (b.length >>> (24 - 8 * i)) & 0xff)), b]);
    const blob = Buffer.concat([field(Buffer.from("ssh-rsa")), field(mpint(jwk.e as string)), field(mpint(jwk.n as string))]);
    const line = `ssh-rsa ${blob.toString("base64")} rsa-${bits}@test`;
    rsaLines.set(bits, line);
    return line;
}

describe("accepted user keys (one table for the schema, the host args, authorized_keys and sshd)", () => {
    it("accepts Ed25519, Ed25519-on-FIDO and RSA of 3072+ bits", () => {
        expect(userKeyTypes).toEqual(["ssh-ed25519", "sk-ssh-ed25519@openssh.com", "ssh-rsa"]);
        expect(userKeyProblem("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIYouYouYou you@laptop")).toBeUndefined();
        expect(userKeyProblem("sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t you@token")).toBeUndefined();
        expect(userKeyProblem(sshRsaLine(3072))).toBeUndefined();
    });

    it("refuses what sshd would refuse: short RSA, ECDSA, DSA, garbage — each with the fix", () => {
        expect(userKeyProblem(sshRsaLine(2048))).toMatch(/2048-bit RSA key; .*at least 3072 bits \(RequiredRSASize\)/);
        expect(userKeyProblem("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= me")).toMatch(/ecdsa-sha2-nistp256 key.*ssh-keygen -t ed25519/);
        expect(userKeyProblem("ssh-dss AAAAB3NzaC1kc3M= me")).toMatch(/ssh-dss key/);
        expect(userKeyProblem("ssh-rsa AAAAB3NzaC1yc2E= me")).toMatch(/not a valid ssh-rsa public key/);
        expect(userKeyProblem("ssh-ed25519")).toMatch(/not a single OpenSSH public key line/);
    });

    it("reads the RSA modulus size from the key blob", () => {
        expect(rsaKeyBits(sshRsaLine(3072).split(" ")[1])).toBe(3072);
        expect(rsaKeyBits(sshRsaLine(2048).split(" ")[1])).toBe(2048);
        expect(rsaKeyBits("AAAAC3NzaC1lZDI1NTE5AAAAIA==")).toBeUndefined();
        expect(minRsaBits).toBe(3072);
    });

    it("derives sshd's PubkeyAcceptedAlgorithms from the same table: SHA-2 RSA signatures only", () => {
        expect(pubkeyAcceptedAlgorithms).toEqual(["ssh-ed25519", "sk-ssh-ed25519@openssh.com", "rsa-sha2-512", "rsa-sha2-256"]);
    });

    it("the config schema's vps.sshPublicKeys takes the same keys", () => {
        const keys = vpsSchema.shape.sshPublicKeys;
        expect(keys.safeParse(["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIYou you@laptop", sshRsaLine(3072)]).success).toBe(true);
        const short = keys.safeParse([sshRsaLine(2048)]);
        expect(short.success).toBe(false);
        expect(JSON.stringify(short.error?.issues)).toMatch(/2048-bit RSA key/);
        expect(keys.safeParse(["ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= me"]).success).toBe(false);
    });

    it("authorized_keys refuses a key sshd would refuse", () => {
        const deployPub = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDeployDeployDeployDeployDeployDeployDeploy";
        expect(() => authorizedKeysFile(deployPub, [sshRsaLine(2048)])).toThrow(/2048-bit RSA key/);
        expect(() => authorizedKeysFile(deployPub, ["ecdsa-sha2-nistp384 AAAAE2VjZHNh me"])).toThrow(/ecdsa-sha2-nistp384 key/);
        expect(authorizedKeysFile(deployPub, [sshRsaLine(3072)])).toMatch(/^ssh-ed25519 .*\nssh-rsa /);
    });
});

describe("authorized keys", () => {
    const deployPub = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDeployDeployDeployDeployDeployDeployDeploy";
    const mine = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIYouYouYouYouYouYouYouYouYouYouYouYouYouYo you@laptop";

    function install(content: string) {
        const home = mkdtempSync(join(tmpdir(), "slipway-home-"));
        const r = spawnSync("sh", ["-c", authorizedKeysScript(deployPub)], { input: content, encoding: "utf8", env: { HOME: home, PATH: "/usr/bin:/bin" } });
        return { ...r, file: join(home, ".ssh", "authorized_keys") };
    }

    it("lists the deploy key first, then people's keys, once each", () => {
        expect(authorizedKeysFile(`${deployPub}\n`, [mine, mine])).toBe(`${deployPub}\n${mine}\n`);
        expect(() => authorizedKeysFile(deployPub, ["not a key"])).toThrow(/not a single OpenSSH public key line/);
    });

    it("installs the file 0600, replacing the old one", () => {
        const r = install(authorizedKeysFile(deployPub, [mine]));
        expect(r.status, r.stderr).toBe(0);
        expect(readFileSync(r.file, "utf8")).toBe(`${deployPub}\n${mine}\n`);
        expect(statSync(r.file).mode & 0o777).toBe(0o600);
        expect(r.stdout).toMatch(/2 authorized keys/);
    });

    it("refuses a file without the deploy key, leaving the old one in place", () => {
        const r = install(`${mine}\n`);
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(/without the deploy key/);
        expect(existsSync(r.file)).toBe(false);
        expect(existsSync(`${r.file}.slipway-tmp`)).toBe(false);
    });
});

describe("droplet memory", () => {
    it("reads the memory spelled in the slug, or the table for c-N slugs", () => {
        expect(dropletMemoryMiB("s-2vcpu-4gb")).toBe(4096);
        expect(dropletMemoryMiB("s-1vcpu-512mb-10gb")).toBe(512);
        expect(dropletMemoryMiB("s-4vcpu-8gb-intel")).toBe(8192);
        expect(dropletMemoryMiB("s-8vcpu-16gb-480gb-intel")).toBe(16384);
        expect(dropletMemoryMiB("m-2vcpu-16gb")).toBe(16384);
        expect(dropletMemoryMiB("so1_5-2vcpu-16gb")).toBe(16384);
        expect(dropletMemoryMiB("c-4")).toBe(8192);
    });

    it("throws for a slug it cannot read", () => {
        for (const size of ["gpu-h100x1-80gb", "c-3", "s-2vcpu-0gb"]) {
            expectArgError(() => dropletMemoryMiB(size), { key: "size", value: size, allowed: /a droplet size Slipway can read the memory of: a slug such as "s-2vcpu-4gb"/ });
        }
    });
});

describe("dnsRecordName", () => {
    it("names the record relative to the zone", () => {
        expect(dnsRecordName("dev.example.com", "example.com")).toBe("dev");
        expect(dnsRecordName("a.b.example.com.", "Example.com")).toBe("a.b");
        expect(dnsRecordName("example.com", "example.com")).toBe("@");
        expectArgError(() => dnsRecordName("example.org", "example.com"), { key: "dnsZone", value: "example.com", allowed: /the DNS zone that holds domain "example\.org"/ });
        expectArgError(() => dnsRecordName("badexample.com", "example.com"), { key: "dnsZone", value: "example.com", allowed: /the DNS zone that holds domain "badexample\.com"/ });
    });
});

describe("normalizeHostArgs / normalizeDropletHostArgs", () => {
    const ssh = { sshAllowedCidrs: ["203.0.113.7/32"] };

    it("applies the production defaults", () => {
        expect(normalizeHostArgs("vps", ssh)).toEqual({
            size: "s-2vcpu-4gb",
            region: "nyc3",
            image: "ubuntu-24-04-x64",
            volumeSizeGb: 50,
            swapGb: 2,
            backups: true,
            sshPublicKeys: [],
            sshAllowedCidrs: ["203.0.113.7/32"],
        });
        const d = normalizeDropletHostArgs("vps", { ...ssh, stack: "dev" });
        expect(d).toMatchObject({ protect: true, allowPing: false, memoryMiB: 4096, stack: "dev" });
        expect(d.dnsRecordName).toBeUndefined();
        expect(normalizeDropletHostArgs("vps", { ...ssh, stack: "dev", domain: "dev.example.com", dnsZone: "example.com" }).dnsRecordName).toBe("dev");
    });

    it("refuses bad values with a sentence naming the key and the fix", () => {
        const host = { component: "the vps host" };
        const droplet = { component: "the vps droplet" };
        expectArgError(() => normalizeHostArgs("vps", { sshAllowedCidrs: ["0.0.0.0/0"] }), { ...host, key: "sshAllowedCidrs", value: "0.0.0.0/0", allowed: /do not open SSH to the whole internet/ });
        expectArgError(() => normalizeHostArgs("vps", { sshAllowedCidrs: [] }), { ...host, key: "sshAllowedCidrs", value: [], allowed: /at least one address/ });
        expectArgError(() => normalizeHostArgs("vps", { ...ssh, volumeSizeGb: 0 }), { ...host, key: "volumeSizeGb", value: 0, allowed: /from 1 to 16384/ });
        expectArgError(() => normalizeHostArgs("vps", { ...ssh, volumeSizeGb: 10.5 }), { ...host, key: "volumeSizeGb", value: 10.5, allowed: /a whole number of GiB/ });
        expectArgError(() => normalizeHostArgs("vps", { ...ssh, swapGb: -1 }), { ...host, key: "swapGb", value: -1, allowed: /from 0 \(no swap\) to 64/ });
        expectArgError(() => normalizeHostArgs("vps", { ...ssh, region: "Frankfurt 1" }), { ...host, key: "region", value: "Frankfurt 1", allowed: /a slug of lowercase letters/ });
        expectArgError(() => normalizeHostArgs("vps", { ...ssh, sshPublicKeys: ["-----BEGIN OPENSSH PRIVATE KEY-----"] }), { ...host, key: "sshPublicKeys", allowed: /not a single OpenSSH public key line/ });
        expectArgError(() => normalizeHostArgs("vps", { ...ssh, sshPublicKeys: [sshRsaLine(2048)] }), { ...host, key: "sshPublicKeys", allowed: /2048-bit RSA key.*at least 3072/ });
        expectArgError(() => normalizeHostArgs("vps", { ...ssh, sshPublicKeys: ["ecdsa-sha2-nistp256 AAAAE2VjZHNh you@laptop"] }), {
            ...host,
            key: "sshPublicKeys",
            value: "ecdsa-sha2-nistp256 AAAAE2VjZHNh you@lap…",
            allowed: /ecdsa-sha2-nistp256 key.*ssh-keygen -t ed25519/,
        });
        expectArgError(() => normalizeDropletHostArgs("vps", { ...ssh, stack: "" }), { ...droplet, key: "stack", value: undefined, allowed: /the stack name/ });
        expectArgError(() => normalizeDropletHostArgs("vps", { ...ssh, stack: "dev", size: "gpu-h100x1-80gb" }), { key: "size", value: "gpu-h100x1-80gb", allowed: /a droplet size/ });
        expectArgError(() => normalizeDropletHostArgs("vps", { ...ssh, stack: "dev", dnsZone: "example.com" }), { ...droplet, key: "domain", value: undefined, allowed: /a name inside dnsZone "example\.com".*or drop dnsZone/ });
        expectArgError(() => normalizeDropletHostArgs("vps", { ...ssh, stack: "dev", domain: "app.example.org", dnsZone: "example.com" }), {
            key: "dnsZone",
            value: "example.com",
            allowed: /the DNS zone that holds domain "app\.example\.org"/,
        });
        expectArgError(() => normalizeDropletHostArgs("vps", { ...ssh, stack: "dev", vpcIpRange: "8.8.0.0/16" }), { ...droplet, key: "vpcIpRange", value: "8.8.0.0/16", allowed: /a private IPv4 CIDR from \/16 to \/24/ });
        expectArgError(() => normalizeDropletHostArgs("vps", { ...ssh, stack: "dev", sshIdentityFile: "id_ed25519" }), { ...droplet, key: "sshIdentityFile", value: "id_ed25519", allowed: /an absolute path or one that starts with ~\// });
    });
});
