import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll } from "vitest";
import type { Graph } from "../../../offline/graph";
import { type RenderedFile, renderedFiles } from "../../../offline/rendered-files";
import { runOffline } from "../../../offline/run";

/**
 * The shipped stacks rendered the real way — the program under the offline runtime with the
 * stack's YAML, then `renderedFiles`, exactly what `npm run render` writes — into a temporary
 * directory per stack (removed after the importing test file).
 */

export const repoRoot = resolve(__dirname, "../../..");

/** The stacks the Docker payload renders files for (vps and local targets). */
export const DOCKER_STACKS = ["local", "dev"] as const;
/** The stacks of the vps target (a droplet booted from cloud-init user data). */
export const VPS_STACKS = ["dev"] as const;
/** The stacks of the aws target. */
export const AWS_STACKS = ["prod"] as const;

/** Every `Pulumi.<stack>.yaml` in the repository, so a new stack is noticed by the lists above. */
export const shippedStacks = (): string[] =>
    readdirSync(repoRoot)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();

export interface RenderedStack {
    stack: string;
    target: string;
    graph: Graph;
    /** The Docker host's data directory the files are written under (vps/local), if any. */
    dataDir?: string;
    /** Where the files were written, laid out like the host's data directory. */
    dir: string;
    files: RenderedFile[];
}

const cache = new Map<string, Promise<RenderedStack>>();
const dirs: string[] = [];
// Registered on the importing test file's root suite (vitest's forks end without an "exit" event).
afterAll(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    cache.clear();
});

async function render(stack: string): Promise<RenderedStack> {
    const run = await runOffline({ stack });
    const dataDir = typeof run.outputs.dataDir === "string" ? run.outputs.dataDir : undefined;
    const files = renderedFiles(run.graph, dataDir);
    const dir = mkdtempSync(join(tmpdir(), `slipway-tier3-${stack}-`));
    dirs.push(dir);
    for (const f of files) {
        const target = join(dir, f.path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, f.content, { mode: f.mode ? parseInt(f.mode, 8) : 0o644 });
    }
    return { stack, target: run.target, graph: run.graph, dataDir, dir, files };
}

/** A shipped stack's rendered files (rendered once per test process). */
export function renderStack(stack: string): Promise<RenderedStack> {
    let r = cache.get(stack);
    if (!r) {
        r = render(stack);
        cache.set(stack, r);
    }
    return r;
}

/** One rendered file's content; throws naming the stack when it was not rendered. */
export function renderedFile(s: RenderedStack, path: string): RenderedFile {
    const f = s.files.find((x) => x.path === path);
    if (!f) throw new Error(`stack ${s.stack} rendered no ${path} (it rendered: ${s.files.map((x) => x.path).join(", ")})`);
    return f;
}
