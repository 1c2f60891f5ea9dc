import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cloudInitPaths } from "../../components/host/cloud-init";
import { type RenderedStack, VPS_STACKS, renderStack, renderedFile } from "./helpers/rendered-stacks";
import { describeRun, requireTool, runTool, runToolOk } from "./helpers/tools";

/**
 * The droplet's user data validated by cloud-init's own schema (`cloud-init schema
 * --config-file`, Debian's cloud-init 22.4; the droplet image runs a newer one, whose schema
 * only grew). A failure prints cloud-init's annotated copy of the file, errors at their lines.
 */

const USER_DATA = "cloud-init/user-data.yaml";

const work = mkdtempSync(join(tmpdir(), "slipway-cloud-init-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function schemaCheck(content: string) {
    const cloudInit = requireTool("cloud-init");
    const file = join(work, "user-data.yaml");
    writeFileSync(file, content);
    const r = runTool(cloudInit, ["schema", "--config-file", file]);
    const annotated = r.status === 0 ? "" : `\n--- annotated ---\n${runTool(cloudInit, ["schema", "--config-file", file, "--annotate"]).stdout}`;
    return { r, report: `${describeRun(r)}${annotated}` };
}

describe.each(VPS_STACKS)("cloud-init schema on stack %s", (stack) => {
    let s: RenderedStack;
    beforeAll(async () => {
        s = await renderStack(stack);
    });

    it("accepts the user data as rendered", () => {
        const { r, report } = schemaCheck(renderedFile(s, USER_DATA).content);
        expect(r.status, report).toBe(0);
        expect(r.stdout).toMatch(/Valid cloud-config/);
    });

    it("rejects an invalid variant (the check can fail): `ssh_genkeytypes: []`, which the schema forbids", () => {
        const content = renderedFile(s, USER_DATA).content;
        const broken = content.replace(/^ssh_genkeytypes:\n( {2}- .*\n)+/m, "ssh_genkeytypes: []\n");
        expect(broken).not.toBe(content);
        const { r, report } = schemaCheck(broken);
        expect(r.status, report).not.toBe(0);
        expect(report).toMatch(/ssh_genkeytypes/);
    });
});

/**
 * The sysctl file's network settings applied by procps' `sysctl -p` (what the bootstrap's
 * `sysctl --system` runs) inside a network namespace this test makes, so this machine's own
 * settings are untouched: net.* sysctls are per namespace, `vm.swappiness` is not, so only the
 * net.* lines are applied here. Every interface that exists then, and one created afterwards
 * (as Docker's bridges and veths are), sends and accepts no ICMP redirects.
 */
describe.each(VPS_STACKS)("sysctl on stack %s, in a network namespace", (stack) => {
    const ns = `slw-sysctl-${process.pid}`;
    const ip = (...args: string[]) => runToolOk(requireTool("ip"), args);
    const read = (path: string) => runToolOk(requireTool("ip"), ["netns", "exec", ns, "cat", path]).trim();
    /** Every interface's (and all/default's) value of one setting, read inside the namespace. */
    const values = (family: "ipv4" | "ipv6", key: string) => {
        const ifaces = runToolOk(requireTool("ip"), ["netns", "exec", ns, "ls", `/proc/sys/net/${family}/conf`]).split(/\s+/).filter(Boolean);
        return Object.fromEntries(ifaces.map((i) => [i, read(`/proc/sys/net/${family}/conf/${i}/${key}`)]));
    };
    let netLines: string[] = [];
    beforeAll(async () => {
        if (process.getuid?.() !== 0) throw new Error("the sysctl check makes a network namespace (CI is root); run it as root.");
        const s = await renderStack(stack);
        const doc = parse(renderedFile(s, USER_DATA).content) as { write_files: { path: string; content: string }[] };
        const content = doc.write_files.find((f) => f.path === cloudInitPaths.sysctl)?.content ?? "";
        netLines = content.split("\n").filter((l) => l.startsWith("net."));
        ip("netns", "add", ns);
        ip("-n", ns, "link", "add", "name", "before0", "type", "veth", "peer", "name", "before1");
    });
    afterAll(() => {
        runTool(requireTool("ip"), ["netns", "del", ns]);
    });

    it("starts from the kernel's defaults (redirects on), so the check can fail", () => {
        expect(values("ipv4", "send_redirects").all).toBe("1");
        expect(values("ipv6", "accept_redirects").all).toBe("1");
    });

    it("turns ICMP redirects off on every interface, including ones created later", () => {
        expect(netLines.length).toBeGreaterThanOrEqual(4);
        const file = join(work, "sysctl-net.conf");
        writeFileSync(file, `${netLines.join("\n")}\n`);
        const r = runTool(requireTool("ip"), ["netns", "exec", ns, "sysctl", "-p", file]);
        expect(r.status, describeRun(r)).toBe(0);
        ip("-n", ns, "link", "add", "name", "after0", "type", "veth", "peer", "name", "after1");
        for (const [family, key] of [["ipv4", "send_redirects"], ["ipv4", "accept_redirects"], ["ipv4", "secure_redirects"], ["ipv6", "accept_redirects"]] as const) {
            const v = values(family, key);
            expect(Object.keys(v)).toEqual(expect.arrayContaining(["all", "default", "lo", "before0", "after0"]));
            expect(Object.entries(v).filter(([, x]) => x !== "0"), `${family} ${key}`).toEqual([]);
        }
    });
});

/**
 * The unattended-upgrades file read by apt's own config parser (`apt-config -c FILE dump`, what
 * unattended-upgrades reads through python-apt): `#clear` empties the image's list and ours is
 * the whole list — the security pockets and -updates, where Ubuntu 24.04 ships docker.io.
 */
describe.each(VPS_STACKS)("unattended-upgrades on stack %s, parsed by apt", (stack) => {
    const origins = (content: string) => {
        const file = join(work, `uu-${stack}.conf`);
        // Ubuntu's 50unattended-upgrades lists these before ours (52-) is read: #clear must drop them.
        writeFileSync(file, `Unattended-Upgrade::Allowed-Origins { "\${distro_id}:\${distro_codename}"; };\n${content}`);
        const dump = runToolOk(requireTool("apt-config"), ["-c", file, "dump"]);
        return dump
            .split("\n")
            .filter((l) => l.startsWith("Unattended-Upgrade::Allowed-Origins:: "))
            .map((l) => JSON.parse(l.slice("Unattended-Upgrade::Allowed-Origins:: ".length).replace(/;$/, "")) as string);
    };

    it("allows exactly the security pockets and -updates", async () => {
        const s = await renderStack(stack);
        const doc = parse(renderedFile(s, USER_DATA).content) as { write_files: { path: string; content: string }[] };
        const content = doc.write_files.find((f) => f.path === cloudInitPaths.unattendedUpgrades)?.content ?? "";
        expect(origins(content)).toEqual([
            "${distro_id}:${distro_codename}-security",
            "${distro_id}ESMApps:${distro_codename}-apps-security",
            "${distro_id}ESM:${distro_codename}-infra-security",
            "${distro_id}:${distro_codename}-updates",
        ]);
        // The check can fail: without #clear the image's release-pocket entry stays.
        expect(origins(content.replace(/^#clear .*$/m, ""))).toContain("${distro_id}:${distro_codename}");
    });
});
