/**
 * A steady stream of real requests through the edge for the drills: `concurrency` clients, each
 * sending one request after another (a fresh TLS connection each, as separate users would),
 * bounded by time and by count. Every request is recorded with when it started and ended (ms
 * since the stream began), so a drill can count failures inside and outside its fault window.
 *
 *     const traffic = startTraffic(payload.edge, { paths: ["/health"], concurrency: 5, durationMs: 10_000 });
 *     await sleep(4_000); const at = traffic.elapsed(); await replica.kill();
 *     const samples = await traffic.done;
 *     expect(samples.filter(failed)).toEqual([]);
 */
import { edgeRequest, type EdgeAddress, type LoopbackSource } from "./clients";

export interface TrafficOptions {
    /** Paths requested in turn (GET). */
    paths: string[];
    /** Clients sending at the same time. @default 5 */
    concurrency?: number;
    /** The stream stops after this long (or at `stop()`). */
    durationMs: number;
    /** …or after this many requests in all. @default 50_000 */
    maxRequests?: number;
    /** Per request. @default 10_000 */
    timeoutMs?: number;
    /** Pause between one client's requests. @default 0 */
    pauseMs?: number;
    /** @default "127.0.0.1" */
    from?: LoopbackSource;
}

export interface TrafficSample {
    path: string;
    /** Milliseconds since the stream started. */
    startMs: number;
    endMs: number;
    /** The HTTP status, absent when the request failed below HTTP (refused, reset, timed out…). */
    status?: number;
    error?: string;
}

export interface Traffic {
    /** Every request finished so far, in order of completion. */
    readonly samples: readonly TrafficSample[];
    /** Resolves with every sample once all clients have stopped. */
    readonly done: Promise<TrafficSample[]>;
    /** Milliseconds since the stream started: marks a drill's events on the samples' clock. */
    elapsed(): number;
    /** Ends the stream early (clients finish their request in flight); resolves like `done`. */
    stop(): Promise<TrafficSample[]>;
}

/** A request a user would count as failed: no HTTP answer, or any status but 200. */
export const failed = (s: TrafficSample): boolean => s.status !== 200;

/** Counts by outcome (`200`, `503`, `error: ECONNRESET`…), for messages and reports. */
export function outcomes(samples: readonly TrafficSample[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const s of samples) {
        const key = s.status !== undefined ? String(s.status) : `error: ${s.error ?? "unknown"}`;
        counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
}

/** The samples that started inside [fromMs, toMs). */
export const startedBetween = (samples: readonly TrafficSample[], fromMs: number, toMs = Infinity): TrafficSample[] =>
    samples.filter((s) => s.startMs >= fromMs && s.startMs < toMs);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The error's code (ECONNRESET) when it has one, else its message: short and groupable. */
const describeError = (e: unknown): string => {
    const err = e as NodeJS.ErrnoException;
    return err.code ?? (err instanceof Error ? err.message : String(e));
};

export function startTraffic(edge: EdgeAddress, o: TrafficOptions): Traffic {
    if (o.paths.length === 0) throw new Error("startTraffic needs at least one path.");
    const t0 = performance.now();
    const elapsed = (): number => performance.now() - t0;
    const maxRequests = o.maxRequests ?? 50_000;
    const samples: TrafficSample[] = [];
    let sent = 0;
    let stopped = false;
    const more = (): boolean => !stopped && elapsed() < o.durationMs && sent < maxRequests;

    const client = async (): Promise<void> => {
        while (more()) {
            const path = o.paths[sent % o.paths.length];
            sent++;
            const startMs = elapsed();
            try {
                const res = await edgeRequest(edge, path, { from: o.from, timeoutMs: o.timeoutMs ?? 10_000 });
                samples.push({ path, startMs, endMs: elapsed(), status: res.status });
            } catch (e) {
                samples.push({ path, startMs, endMs: elapsed(), error: describeError(e) });
            }
            if (o.pauseMs) await sleep(o.pauseMs);
        }
    };
    const done = Promise.all(Array.from({ length: o.concurrency ?? 5 }, client)).then(() => samples);
    return {
        samples,
        done,
        elapsed,
        stop: () => {
            stopped = true;
            return done;
        },
    };
}
