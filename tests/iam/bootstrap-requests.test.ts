/**
 * IAM, evaluated offline, for the database bootstrap (issue 12, defect 4) on the shipped prod
 * stack: the function may create its VPC network interfaces, read the RDS-managed master secret
 * and the two role secrets (each decrypted through Secrets Manager, the secret named in the
 * encryption context) and write its logs; the app's and the backup job's execution roles may
 * not read the master secret; the function reads no other secret and uses the key nowhere else.
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
const bootstrap = (rows: Evaluated[]) => rows.filter((e) => (e.request.workload.startsWith("Lambda ") && e.request.workload.includes("bootstrap")) || /RDS master secret/.test(e.request.what));

beforeAll(async () => {
    model = buildIamModel(await prodRun());
    const reqs = allowedRequests(model);
    allowed = await evaluateAll(model, reqs);
    denied = await evaluateAll(model, deniedRequests(model, reqs));
    console.log(table("prod: database bootstrap requests that must be ALLOWED", bootstrap(allowed)));
    console.log(table("prod: requests around the master secret that must be DENIED", bootstrap(denied)));
}, 300_000);

describe("the database bootstrap's IAM, evaluated offline", () => {
    it("allows what it does: its role, its network interfaces, the three secrets through Secrets Manager, its logs", () => {
        const mine = bootstrap(allowed);
        expect([...new Set(mine.map((e) => e.request.action))].sort()).toEqual(
            ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "kms:Decrypt", "logs:CreateLogStream", "logs:PutLogEvents", "secretsmanager:GetSecretValue", "sts:AssumeRole"].sort(),
        );
        expect(mine.filter((e) => e.request.action === "secretsmanager:GetSecretValue")).toHaveLength(3);
        expect(mine.find((e) => /master secret/.test(e.request.what) && e.request.action === "kms:Decrypt")?.request.context).toMatchObject({ "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" });
        expect(wrong(mine)).toEqual([]);
    });

    it("denies the app's and the backup job's execution roles the master secret, and the function anything else", () => {
        const mine = bootstrap(denied);
        expect(mine.filter((e) => /execution role reads the RDS master secret/.test(e.request.what)).map((e) => e.request.workload).sort()).toEqual(
            ["schedule backups-job-schedule (ECS agent)", "service web-service (ECS agent)"].sort(),
        );
        expect(mine.length).toBeGreaterThanOrEqual(5);
        expect(wrong(mine)).toEqual([]);
    });
});
