/**
 * Child processes for the live tests: each server runs in its own process group (so a stop
 * reaches everything it forked), writes stdout and stderr to `<logDir>/<name>.log`, and is
 * registered so that `stopAll()` (afterAll) and the exit/signal hooks below never leave one
 * running, even when a test fails or the worker is interrupted.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

export interface StartOptions {
    /** Directory the log file `<name>.log` is appended to (created if missing). */
    logDir: string;
    cwd?: string;
    /** Environment for the child; nothing from this process is inherited unless passed here. */
    env?: NodeJS.ProcessEnv;
    /** Run as this user and group (PostgreSQL refuses to run as root). */
    uid?: number;
    gid?: number;
    /** The signal that asks for a clean stop: SIGTERM for most servers, SIGINT for PostgreSQL's fast shutdown. @default "SIGTERM" */
    stopSignal?: NodeJS.Signals;
    /** How long a stop waits after `stopSignal` before SIGKILL. @default 10_000 */
    stopTimeoutMs?: number;
}

export interface Exit {
    code: number | null;
    signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
    readonly name: string;
    readonly pid: number;
    readonly logFile: string;
    readonly child: ChildProcess;
    /** Resolves when the process has exited (never rejects). */
    readonly exited: Promise<Exit>;
    /** True until the process has exited. */
    running(): boolean;
    /** `stopSignal` to the whole group, then SIGKILL after `stopTimeoutMs`; resolves once it has exited. Idempotent. */
    stop(): Promise<Exit>;
    /** SIGKILL to the whole group at once: a crash, for drills. */
    kill(): Promise<Exit>;
    /** The log so far (for failure messages). */
    log(): string;
}

const registry = new Set<ManagedProcess>();

/** Signals a process group; a group that is already gone is not an error. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
    try {
        process.kill(-pid, signal);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
    }
}

/** Starts `command args` in its own process group with its output in `<logDir>/<name>.log`. */
export function startProcess(name: string, command: string, args: string[], o: StartOptions): ManagedProcess {
    fs.mkdirSync(o.logDir, { recursive: true });
    const logFile = path.join(o.logDir, `${name}.log`);
    const fd = fs.openSync(logFile, "a");
    fs.writeSync(fd, `--- ${new Date().toISOString()} ${command} ${args.join(" ")}\n`);
    let child: ChildProcess;
    try {
        child = spawn(command, args, {
            cwd: o.cwd,
            env: o.env ?? { PATH: process.env.PATH },
            uid: o.uid,
            gid: o.gid,
            detached: true, // setsid: a new process group whose id is the child's pid
            stdio: ["ignore", fd, fd],
        });
    } finally {
        fs.closeSync(fd); // the child holds its own copy
    }
    if (child.pid === undefined) {
        // spawn failed synchronously (e.g. ENOENT); the 'error' event carries the reason.
        throw new Error(`${name}: could not start ${command}; is it installed? (bash scripts/install-test-deps)`);
    }
    const pid = child.pid;
    let done = false;
    const exited = new Promise<Exit>((resolve) => {
        child.once("exit", (code, signal) => {
            done = true;
            resolve({ code, signal });
        });
        child.once("error", () => {
            done = true;
            resolve({ code: null, signal: null });
        });
    });
    const stopTimeoutMs = o.stopTimeoutMs ?? 10_000;
    const terminate = async (first: NodeJS.Signals): Promise<Exit> => {
        if (!done) {
            signalGroup(pid, first);
            const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), first === "SIGKILL" ? 0 : stopTimeoutMs);
            await exited;
            clearTimeout(timer);
        }
        // Anything the leader forked that ignored the signal goes with the group.
        signalGroup(pid, "SIGKILL");
        registry.delete(managed);
        return exited;
    };
    const managed: ManagedProcess = {
        name,
        pid,
        logFile,
        child,
        exited,
        running: () => !done,
        stop: () => terminate(o.stopSignal ?? "SIGTERM"),
        kill: () => terminate("SIGKILL"),
        log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : ""),
    };
    registry.add(managed);
    return managed;
}

/** Stops every process still registered, in reverse start order (clients before the servers they use). */
export async function stopAll(): Promise<void> {
    const all = [...registry].reverse();
    for (const p of all) await p.stop();
}

// Last resort when the worker exits without afterAll having run: 'exit' handlers must be
// synchronous, so the groups get SIGKILL directly.
process.on("exit", () => {
    for (const p of registry) signalGroup(p.pid, "SIGKILL");
});
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(sig, () => {
        void stopAll().finally(() => process.exit(128 + (sig === "SIGINT" ? 2 : sig === "SIGTERM" ? 15 : 1)));
    });
}

export interface WaitOptions {
    timeoutMs: number;
    /** Pause between attempts. @default 100 */
    intervalMs?: number;
    /** What is awaited, for the timeout message. */
    what?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Thrown from a `waitFor` callback to stop waiting at once: the condition can no longer come true. */
export class GiveUp extends Error {}

/**
 * Calls `fn` until it returns a value other than `undefined`, `null` or `false` and returns that
 * value; an attempt that throws counts as not yet (except `GiveUp`, which fails at once). Fails
 * after `timeoutMs` with the last error.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, o: WaitOptions): Promise<Exclude<T, undefined | null | false>> {
    const deadline = Date.now() + o.timeoutMs;
    let last: unknown;
    for (;;) {
        try {
            const v = await fn();
            if (v !== undefined && v !== null && v !== false) return v as Exclude<T, undefined | null | false>;
            last = undefined;
        } catch (e) {
            if (e instanceof GiveUp) throw e;
            last = e;
        }
        if (Date.now() >= deadline) {
            const why = last instanceof Error ? `: ${last.message}` : "";
            throw new Error(`Timed out after ${o.timeoutMs} ms waiting for ${o.what ?? "a condition"}${why}`);
        }
        await sleep(o.intervalMs ?? 100);
    }
}

/** True when a TCP connection to host:port is accepted within `timeoutMs`. */
export function canConnect(port: number, host = "127.0.0.1", timeoutMs = 1000): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect({ port, host });
        const finish = (ok: boolean): void => {
            socket.destroy();
            resolve(ok);
        };
        socket.setTimeout(timeoutMs, () => finish(false));
        socket.once("connect", () => finish(true));
        socket.once("error", () => finish(false));
    });
}

/**
 * Waits until host:port accepts connections. With `process`, fails at once (with its log tail)
 * if that process exits first, instead of waiting out the timeout.
 */
export async function waitForPort(port: number, o: WaitOptions & { host?: string; process?: ManagedProcess }): Promise<void> {
    const host = o.host ?? "127.0.0.1";
    await waitFor(
        async () => {
            if (o.process && !o.process.running()) {
                throw new GiveUp(`${o.process.name} exited before listening on ${host}:${port}; log tail:\n${o.process.log().slice(-2000)}`);
            }
            return canConnect(port, host);
        },
        { ...o, what: o.what ?? `${host}:${port} to accept connections` },
    );
}
