/**
 * The vitest lifecycle of a live test file: start the payload in beforeAll, note any failed
 * test, and in afterAll stop everything and remove the run directory (kept, with its logs,
 * when something failed).
 *
 *     const payload = usePayload({ label: "edge" });
 *     it("…", async () => { await edgeRequest(payload().edge, "/health"); });
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import { startPayload, stopPayload, type Payload, type PayloadOptions } from "./payload";
import { stopAll } from "./processes";
import { createRunDir, type RunDir } from "./rundir";

/**
 * The same lifecycle for a file that starts its own servers rather than the whole payload: a
 * run directory created in beforeAll (call this before the file's own beforeAll), kept when a
 * test failed, and every started process stopped in afterAll.
 */
export function useRunDir(label: string): () => RunDir {
    let runDir: RunDir | undefined;
    beforeAll(() => {
        runDir = createRunDir(label);
    });
    afterEach((ctx) => {
        if (ctx.task.result?.state === "fail") runDir?.markFailed();
    });
    afterAll(async () => {
        await stopAll();
        runDir?.remove();
    });
    return () => {
        if (!runDir) throw new Error(`The run directory for "${label}" does not exist yet (call it inside a hook or test).`);
        return runDir;
    };
}

export function usePayload(o: PayloadOptions): () => Payload {
    let payload: Payload | undefined;
    let failed = false;
    beforeAll(async () => {
        payload = await startPayload(o);
        console.log(`payload "${o.label ?? "payload"}" started in ${JSON.stringify(payload.startupSeconds)} s; run dir ${payload.runDir.path}`);
    });
    afterEach((ctx) => {
        if (ctx.task.result?.state === "fail") failed = true;
    });
    afterAll(async () => {
        await stopPayload(payload, { failed });
    });
    return () => {
        if (!payload) throw new Error("The payload did not start (see the beforeAll error).");
        return payload;
    };
}
