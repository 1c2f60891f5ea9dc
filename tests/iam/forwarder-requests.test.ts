/**
 * IAM, evaluated offline, for the alarm forwarder: the prod stack with a Slack and a generic
 * webhook set (as `pulumi config set --secret` leaves them: `secure:` values). SNS may invoke the
 * forwarder for its own topic only; the forwarder reads its one secret, decrypted through
 * Secrets Manager only, and writes its own logs; nobody else reads the webhook URLs.
 */
import { readFileSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { runOffline } from "../../offline/run";
import type { Evaluated } from "./evaluate";
import { type IamModel, buildIamModel } from "./model";
import { evaluateAll, table, wrong } from "./report";
import { allowedRequests, deniedRequests } from "./requests";

let model: IamModel;
let allowed: Evaluated[];
let denied: Evaluated[];

beforeAll(async () => {
    const prod = parse(readFileSync(resolvePath(__dirname, "../../Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
    const config = { ...prod.config, "slipway:alertSlackWebhookUrl": { secure: "v1:offline" }, "slipway:alertWebhookUrl": { secure: "v1:offline" } };
    model = buildIamModel(await runOffline({ stack: "prod", config, stackFile: "Pulumi.prod-webhooks.yaml" }));
    const reqs = allowedRequests(model);
    allowed = await evaluateAll(model, reqs);
    denied = await evaluateAll(model, deniedRequests(model, reqs));
    const mine = (rows: Evaluated[]) => rows.filter((e) => /Lambda|forwarder|SNS \(/.test(`${e.request.workload} ${e.request.what}`) && !/bootstrap/.test(e.request.workload));
    console.log(table("prod with webhooks: forwarder requests that must be ALLOWED", mine(allowed)));
    console.log(table("prod with webhooks: forwarder requests that must be DENIED", mine(denied)));
}, 300_000);

describe("the alarm forwarder's IAM, evaluated offline", () => {
    it("has one forwarder, subscribed to the alarm topic", () => {
        // The forwarder, beside the database bootstrap function (tests/iam/bootstrap-requests.test.ts).
        expect(model.graph.ofType("aws:lambda/function:Function").filter((f) => !String(f.inputs.name).includes("bootstrap"))).toHaveLength(1);
        expect(model.functionPolicies.size).toBe(1);
    });

    it("allows what it does: SNS invokes it, it reads and decrypts its secret, it writes its logs", () => {
        const forwarder = allowed.filter((e) => (e.request.workload.startsWith("Lambda ") && !e.request.workload.includes("bootstrap")) || e.request.action === "lambda:InvokeFunction");
        expect(forwarder.map((e) => e.request.action).sort()).toEqual(
            ["kms:Decrypt", "lambda:InvokeFunction", "logs:CreateLogStream", "logs:PutLogEvents", "secretsmanager:GetSecretValue", "sts:AssumeRole"].sort(),
        );
        expect(wrong(allowed)).toEqual([]);
    });

    it("refuses other topics, other accounts, other secrets and the key outside Secrets Manager", () => {
        const forwarder = denied.filter((e) => /forwarder|webhook secret/.test(e.request.what));
        expect(forwarder.length).toBeGreaterThanOrEqual(5);
        expect(wrong(denied)).toEqual([]);
    });

    it("evaluates every role and resource policy, the function's included", () => {
        const used = new Set([...allowed, ...denied].flatMap((e) => e.policies));
        const policies = [...model.keyPolicies.values(), ...model.topicPolicies.values(), ...model.functionPolicies.values()].map((p) => p.name);
        expect(policies.filter((p) => !used.has(p))).toEqual([]);
        const unassumed = model.roles.filter((r) => !allowed.some((e) => e.request.action === "sts:AssumeRole" && e.request.resource === r.arn && e.decision === "Allowed"));
        expect(unassumed.map((r) => r.name)).toEqual([]);
    });
});
