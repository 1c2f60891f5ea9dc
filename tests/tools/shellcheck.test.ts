import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { reveal } from "../../offline/secret-value";
import { runsInShell } from "./helpers/container-layout";
import { AWS_STACKS, DOCKER_STACKS, VPS_STACKS, renderStack, renderedFile, repoRoot } from "./helpers/rendered-stacks";
import { describeRun, requireTool, runTool } from "./helpers/tools";

/**
 * shellcheck (every severity) on every shell script Slipway ships or runs: the rendered scripts
 * (backup.sh, restore.sh, …), the scripts embedded in cloud-init (write_files with a shell
 * shebang, shell runcmd/bootcmd entries), the commands the program runs on the Docker host
 * (file writes, reloads, the ACME bootstrap, …), and every shell script in the repository,
 * found by shebang or `.sh` suffix rather than a hand-kept list.
 */

const SHELL_SHEBANG = /^#!\s*(\/usr)?\/bin\/(env\s+)?(sh|bash|dash)\b/;
const work = mkdtempSync(join(tmpdir(), "slipway-shellcheck-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Script {
    /** Named after where the script comes from, so shellcheck's messages point there. */
    name: string;
    content: string;
    /** The shell that runs it when it has no shebang. */
    shell?: "sh" | "bash";
}

/** Runs shellcheck once over the scripts (written under a temp dir by name); exit 0 or the findings. */
function shellcheck(scripts: Script[], group: string) {
    const dir = join(work, group);
    const byShell = new Map<string, string[]>();
    for (const sc of scripts) {
        const file = join(dir, sc.name);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, sc.content);
        const key = SHELL_SHEBANG.test(sc.content) ? "" : (sc.shell ?? "sh");
        byShell.set(key, [...(byShell.get(key) ?? []), file]);
    }
    const tool = requireTool("shellcheck");
    return [...byShell].map(([shell, files]) => runTool(tool, ["--format=gcc", "--external-sources", ...(shell ? [`--shell=${shell}`] : []), ...files], { cwd: dir }));
}

function expectClean(scripts: Script[], group: string): void {
    expect(scripts.length, `no scripts found for ${group}`).toBeGreaterThan(0);
    for (const r of shellcheck(scripts, group)) expect(r.status, describeRun(r)).toBe(0);
}

describe.each(DOCKER_STACKS)("stack %s", (stack) => {
    it("every rendered script (by shebang) is clean, backup.sh and restore.sh among them", async () => {
        const s = await renderStack(stack);
        const scripts = s.files.filter((f) => SHELL_SHEBANG.test(f.content)).map((f) => ({ name: f.path, content: f.content }));
        expect(scripts.map((sc) => sc.name)).toEqual(expect.arrayContaining([renderedFile(s, "backup/backup.sh").path, renderedFile(s, "backup/restore.sh").path]));
        expectClean(scripts, `${stack}-rendered`);
    });

    it("every shell command the program runs on the Docker host is clean", async () => {
        const s = await renderStack(stack);
        const scripts: Script[] = [];
        for (const r of s.graph.ofType("command:remote:Command", "command:local:Command")) {
            // The local `vps-ssh-wait` is a node script; everything else runs in a POSIX shell
            // (`/bin/sh -c` locally; the same command builders serve the remote login shell).
            if (!runsInShell(r)) continue;
            for (const phase of ["create", "update", "delete"] as const) {
                const cmd = reveal(r.inputs[phase]);
                if (typeof cmd === "string") scripts.push({ name: `${r.name}.${phase}.sh`, content: cmd, shell: "sh" });
            }
        }
        expectClean(scripts, `${stack}-host-commands`);
    });
});

describe.each(VPS_STACKS)("stack %s cloud-init", (stack) => {
    it("every script embedded in the user data (write_files, runcmd, bootcmd) is clean", async () => {
        const s = await renderStack(stack);
        const doc = parse(renderedFile(s, "cloud-init/user-data.yaml").content) as {
            write_files?: { path: string; content?: string }[];
            runcmd?: (string | string[])[];
            bootcmd?: (string | string[])[];
        };
        const scripts: Script[] = (doc.write_files ?? [])
            .filter((f) => SHELL_SHEBANG.test(f.content ?? ""))
            .map((f) => ({ name: `write_files${f.path}`, content: f.content ?? "" }));
        for (const key of ["runcmd", "bootcmd"] as const) {
            (doc[key] ?? []).forEach((entry, i) => {
                // A string entry runs under `sh -c`; a list is an argv, a script only behind `sh -c`.
                if (typeof entry === "string") scripts.push({ name: `${key}-${i}.sh`, content: entry, shell: "sh" });
                else if (/(^|\/)(ba|da)?sh$/.test(entry[0]) && entry[1] === "-c") scripts.push({ name: `${key}-${i}.sh`, content: entry[2], shell: entry[0].endsWith("bash") ? "bash" : "sh" });
            });
        }
        expectClean(scripts, `${stack}-cloud-init`);
    });
});

describe.each(AWS_STACKS)("stack %s backup task", (stack) => {
    it("the scripts the backup task runs (the dispatcher and both rendered scripts in its environment) are clean", async () => {
        const s = await renderStack(stack);
        const scripts: Script[] = [];
        for (const f of s.files.filter((x) => /^aws\/.*-container-definitions\.json$/.test(x.path))) {
            for (const c of JSON.parse(f.content) as { name: string; entryPoint?: string[]; environment?: { name: string; value: string }[] }[]) {
                // `sh -c SCRIPT NAME …`: the script is the entry point's third element.
                if (c.entryPoint?.[0] === "/bin/sh" && c.entryPoint[1] === "-c") scripts.push({ name: `${c.name}-entrypoint.sh`, content: c.entryPoint[2], shell: "sh" });
                for (const e of c.environment ?? []) if (/^SLIPWAY_.*_SH$/.test(e.name)) scripts.push({ name: `${c.name}-${e.name}.sh`, content: e.value });
            }
        }
        expect(scripts.map((sc) => sc.name).sort()).toEqual(["backup-SLIPWAY_BACKUP_SH.sh", "backup-SLIPWAY_RESTORE_SH.sh", "backup-entrypoint.sh"]);
        expectClean(scripts, `${stack}-backup-task`);
    });
});

describe("the repository", () => {
    /** Tracked and new (not ignored) files: other helpers' scripts count before they are committed. */
    const repoFiles = (): string[] =>
        execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: repoRoot, encoding: "utf8" })
            .split("\0")
            .filter((f) => f && statSync(join(repoRoot, f), { throwIfNoEntry: false })?.isFile());

    // No exceptions: tier 5's stand-in entrypoints and their hooks are ours too (tests/docker/standins).
    it("every shell script (by shebang or .sh suffix) is clean", () => {
        const scripts = repoFiles()
            .map((f) => ({ name: f, content: readFileSync(join(repoRoot, f), "utf8").slice(0, 200_000) }))
            .filter((sc) => sc.name.endsWith(".sh") || SHELL_SHEBANG.test(sc.content));
        expect(scripts.map((sc) => sc.name)).toEqual(
            expect.arrayContaining([
                "scripts/install-test-deps",
                "scripts/build-test-nginx",
                ".ci/run",
                "backup/entrypoint.sh",
                "tests/docker/standins/postgres/docker-entrypoint.sh",
                "tests/docker/standins/redis/docker-entrypoint.sh",
                "tests/docker/standins/nginx/docker-entrypoint.sh",
                "tests/docker/standins/nginx/15-local-resolvers.envsh",
                "tests/docker/standins/node/docker-entrypoint.sh",
                "tests/docker/standins/common/install",
            ]),
        );
        expectClean(scripts, "repo");
    });

    it("shellcheck reports a broken script (the check can fail)", () => {
        const [r] = shellcheck([{ name: "broken.sh", content: '#!/bin/sh\nfor f in $(ls *.txt); do rm $f; done\n[[ -n "$x" ]] && echo ok\n' }], "negative");
        expect(r.status, describeRun(r)).not.toBe(0);
        expect(r.stdout).toMatch(/SC2045|SC2086|SC3010/);
    });
});
