/**
 * Start/stop/restart/kill for one long-running server, shared by the PostgreSQL, Redis, app and
 * nginx harnesses: `launch` starts its process, and start waits until `ready.check()` is true,
 * failing at once (with the log tail) if the process exits first.
 */
import { GiveUp, waitFor, type ManagedProcess } from "./processes";

export interface Readiness {
    /** True once the server serves; throwing counts as not yet. */
    check(): Promise<boolean>;
    timeoutMs: number;
    /** @default 200 */
    intervalMs?: number;
    /** What is awaited, for the timeout message. */
    what: string;
}

export interface ServerControl {
    /** The running process (undefined while stopped). */
    readonly process: ManagedProcess | undefined;
    /** Starts it unless running, and waits until it is ready. */
    start(): Promise<void>;
    /** Its clean stop (the process's stop signal, SIGKILL after the bound). */
    stop(): Promise<void>;
    restart(): Promise<void>;
    /** SIGKILL, as a crash would. */
    kill(): Promise<void>;
}

export function serverControl(launch: () => ManagedProcess, ready: Readiness): ServerControl {
    let current: ManagedProcess | undefined;
    const start = async (): Promise<void> => {
        if (current?.running()) return;
        const p = launch();
        current = p;
        await waitFor(
            async () => {
                if (!p.running()) throw new GiveUp(`${p.name} exited during start-up; log tail:\n${p.log().slice(-2000)}`);
                return ready.check();
            },
            { timeoutMs: ready.timeoutMs, intervalMs: ready.intervalMs ?? 200, what: ready.what },
        );
    };
    const end = (how: "stop" | "kill") => async (): Promise<void> => {
        await current?.[how]();
        current = undefined;
    };
    const stop = end("stop");
    return {
        get process() {
            return current;
        },
        start,
        stop,
        restart: async () => {
            await stop();
            await start();
        },
        kill: end("kill"),
    };
}
