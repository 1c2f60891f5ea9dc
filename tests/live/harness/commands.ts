/**
 * One-shot commands (initdb, psql, openssl, curl, testssl.sh…): run to completion with a time
 * bound, output captured. A missing binary fails with the install hint, never a skip.
 */
import { spawn } from "node:child_process";

export interface RunOptions {
    /** Killed (whole process group) after this long. @default 60_000 */
    timeoutMs?: number;
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    uid?: number;
    gid?: number;
    /** Written to stdin, which is then closed. */
    input?: string;
}

export interface RunResult {
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
    timedOut: boolean;
}

export function missingTool(command: string): Error {
    return new Error(`${command} is not installed; run \`bash scripts/install-test-deps\` (as root) first.`);
}

/** Runs a command and resolves with its exit status and output, whatever the status. */
export function run(command: string, args: string[], o: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, {
            cwd: o.cwd,
            env: o.env ?? process.env,
            uid: o.uid,
            gid: o.gid,
            detached: true,
            stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        let timedOut = false;
        child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
        child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
        const timer = setTimeout(() => {
            timedOut = true;
            if (child.pid !== undefined) {
                try {
                    process.kill(-child.pid, "SIGKILL");
                } catch {
                    /* already gone */
                }
            }
        }, o.timeoutMs ?? 60_000);
        child.once("error", (e: NodeJS.ErrnoException) => {
            clearTimeout(timer);
            reject(e.code === "ENOENT" ? missingTool(command) : e);
        });
        child.once("close", (code, signal) => {
            clearTimeout(timer);
            resolve({ code, signal, stdout, stderr, timedOut });
        });
        child.stdin.on("error", () => undefined); // a command that exits without reading stdin
        child.stdin.end(o.input ?? "");
    });
}

/** Runs a command and returns its stdout; fails with the output when it exits non-zero or times out. */
export async function runOk(command: string, args: string[], o: RunOptions = {}): Promise<string> {
    const r = await run(command, args, o);
    if (r.code !== 0) {
        const why = r.timedOut ? `timed out after ${o.timeoutMs ?? 60_000} ms` : `exited ${r.code ?? r.signal}`;
        throw new Error(`${command} ${args.join(" ")} ${why}:\n${r.stderr.slice(-3000)}${r.stdout.slice(-1000)}`);
    }
    return r.stdout;
}
