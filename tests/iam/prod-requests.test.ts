/**
 * IAM, evaluated offline: every request the prod stack's workloads make is allowed by identity,
 * resource and key policies together, and the variations that must be refused are refused.
 * The decision is @cloud-copilot/iam-simulate's, over the policies the program really plans.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { prodRun } from "../helpers/prod";
import type { Evaluated } from "./evaluate";
import { type IamModel, buildIamModel } from "./model";
import { evaluateAll, table, wrong } from "./report";
import { allowedRequests, deniedRequests } from "./requests";

let model: IamModel;
let allowed: Evaluated[];
let denied: Evaluated[];

beforeAll(async () => {
    model = buildIamModel(await prodRun());
    const allowedReqs = allowedRequests(model);
    allowed = await evaluateAll(model, allowedReqs);
    denied = await evaluateAll(model, deniedRequests(model, allowedReqs));
    console.log(table("prod: requests that must be ALLOWED", allowed));
    console.log(table("prod: requests that must be DENIED", denied));
});

describe("prod IAM, evaluated offline", () => {
    it("allows every request the workloads make (identity + resource + key policies)", () => {
        expect(allowed.length).toBeGreaterThan(30);
        expect(wrong(allowed)).toEqual([]);
    });

    it("refuses other principals and accounts, plain HTTP, public readers, other keys and wrong sources", () => {
        expect(denied.length).toBeGreaterThan(15);
        expect(wrong(denied)).toEqual([]);
    });

    it("lets the backup task write to its bucket without an SSE header (the bucket default encrypts)", () => {
        const upload = allowed.find((e) => e.request.action === "s3:PutObject" && e.request.principal.startsWith("role:"));
        expect(upload?.request.context).not.toHaveProperty("s3:x-amz-server-side-encryption");
        expect(upload?.decision).toBe("Allowed");
    });

    it("starts ECS tasks with the context AWS documents: no source keys for the execution role", () => {
        const execution = allowed.filter((e) => e.request.what === "assume the execution role");
        expect(execution.length).toBeGreaterThan(0);
        for (const e of execution) expect({ role: e.request.resource, decision: e.decision }).toEqual({ role: e.request.resource, decision: "Allowed" });
    });

    it("exercises every role and every resource policy of the graph", () => {
        const used = new Set([...allowed, ...denied].flatMap((e) => e.policies));
        const roles = model.roles.filter((r) => !allowed.some((e) => e.request.action === "sts:AssumeRole" && e.request.resource === r.arn && e.decision === "Allowed"));
        expect(roles.map((r) => `${r.name} is never assumed by an allowed request`)).toEqual([]);
        const resourcePolicies = [...model.bucketPolicies.values(), ...model.keyPolicies.values(), ...model.topicPolicies.values(), ...model.functionPolicies.values()].map((p) => p.name);
        expect(resourcePolicies.filter((p) => !used.has(p)).map((p) => `${p} is evaluated by no request`)).toEqual([]);
    });
});
