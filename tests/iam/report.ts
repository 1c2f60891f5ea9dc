/** Evaluating a request table and printing it, shared by the IAM tier's stack tests. */
import { type ApiRequest, type Evaluated, evaluate } from "./evaluate";
import type { IamModel } from "./model";

export const evaluateAll = (m: IamModel, reqs: ApiRequest[]): Promise<Evaluated[]> => Promise.all(reqs.map((r) => evaluate(m, r)));

export function table(title: string, rows: Evaluated[]): string {
    const lines = rows.map((e) => {
        const ctx = Object.entries(e.request.context)
            .map(([k, v]) => `${k}=${[v].flat().join(",")}`)
            .join(" ");
        const mark = e.decision === e.request.expect ? "ok " : "BAD";
        return `${mark} ${e.decision.padEnd(16)} | ${e.request.workload}: ${e.request.what}\n      ${e.request.action} ${e.request.resource}\n      by ${e.principalArn}${ctx ? `\n      context ${ctx}` : ""}\n      policies ${e.policies.join(", ") || "(none)"}`;
    });
    return `\n== ${title} (${rows.length})\n${lines.join("\n")}`;
}

export const wrong = (rows: Evaluated[]) =>
    rows.filter((e) => e.decision !== e.request.expect).map((e) => `${e.request.workload}: ${e.request.what} (${e.request.action} ${e.request.resource}) is ${e.decision}, expected ${e.request.expect}`);
