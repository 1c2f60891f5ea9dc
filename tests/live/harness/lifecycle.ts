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
