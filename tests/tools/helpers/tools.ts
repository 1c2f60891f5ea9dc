import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";

/**
 * Running the real consumers of rendered files. A missing tool fails the test with the command
 * that installs it: a check that could not run is not a check that passed.
 */

export const INSTALL_HINT = "run `bash scripts/install-test-deps` (as root) to install it";

/** The nginx the edge image runs (1.27.3+), which scripts/build-test-nginx provides. */
export const TEST_NGINX = "/opt/slipway-test/nginx/sbin/nginx";

/** Resolves a tool on PATH (or an absolute path); throws naming scripts/install-test-deps when absent. */
export function requireTool(tool: string): string {
    if (tool.startsWith("/")) {
        try {
            accessSync(tool, constants.X_OK);
            return tool;
        } catch {
            throw new Error(`${tool} is missing: ${INSTALL_HINT}`);
        }
    }
    const found = spawnSync("sh", ["-c", 'command -v "$1"', "sh", tool], { encoding: "utf8" });
    if (found.status !== 0 || !found.stdout.trim()) throw new Error(`${tool} is not installed: ${INSTALL_HINT}`);
    return found.stdout.trim();
}

export interface ToolResult {
    command: string;
    status: number | null;
    stdout: string;
    stderr: string;
}

/** Runs a tool to completion, bounded in time (killed after `timeoutMs`). */
export function runTool(tool: string, args: string[], opts: { cwd?: string; input?: string; timeoutMs?: number } = {}): ToolResult {
    const r = spawnSync(tool, args, {
        cwd: opts.cwd,
        input: opts.input,
        encoding: "utf8",
        timeout: opts.timeoutMs ?? 60_000,
        killSignal: "SIGKILL",
        maxBuffer: 16 * 1024 * 1024,
    });
    if (r.error) throw new Error(`${tool} could not run: ${r.error.message}`);
    return { command: [tool, ...args].join(" "), status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The tool's whole output, for assertion messages. */
export const describeRun = (r: ToolResult): string => `$ ${r.command}\nexit ${r.status}\n${r.stdout}${r.stderr}`;

/** Runs a tool and throws with its output unless it exits 0; returns stdout + stderr. */
export function runToolOk(tool: string, args: string[], opts: { cwd?: string; input?: string; timeoutMs?: number } = {}): string {
    const r = runTool(tool, args, opts);
    if (r.status !== 0) throw new Error(describeRun(r));
    return `${r.stdout}${r.stderr}`;
}
