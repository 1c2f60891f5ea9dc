/**
 * Issue 12, defect 4, on the shipped prod graph: RDS owns the master password (no password
 * input, none in state), the app and the backup job use their own roles' secrets, and no stack
 * output holds a credential: every output is walked, and none is a secret or contains any
 * generated password or any secret's value.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Graph } from "../../offline/graph";
import type { OfflineRun } from "../../offline/run";
import { containsSecret, isSecretValue, reveal } from "../../offline/secret-value";
import { prodRun } from "../helpers/prod";
import { buildIamModel } from "../iam/model";

let run: OfflineRun;
let graph: Graph;

beforeAll(async () => {
    run = await prodRun();
    graph = run.graph;
});

/** Every credential value the graph holds: generated passwords and tokens, and each secret's value (and its JSON fields). */
function credentials(): string[] {
    const out = new Set<string>();
    const add = (v: unknown) => {
        if (typeof v === "string" && v.length >= 8) out.add(v);
    };
    // The provider-computed result, as the offline mock gave it to the program.
    const model = buildIamModel(run);
    for (const r of graph.ofType("random:index/randomPassword:RandomPassword")) add(model.stateOf(r).result);
    for (const v of graph.ofType("aws:secretsmanager/secretVersion:SecretVersion")) {
        const text = String(reveal(v.inputs.secretString));
        add(text);
        try {
            const json = JSON.parse(text) as Record<string, unknown>;
            add(json.password);
            add(json.url);
        } catch {
            // not JSON: the whole value is the credential
        }
    }
    return [...out];
}

/** Every leaf of an output value, with its path. */
function leaves(v: unknown, path: string): [string, unknown][] {
    if (isSecretValue(v)) return [[path, v]];
    if (Array.isArray(v)) return v.flatMap((x, i) => leaves(x, `${path}[${i}]`));
    if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => leaves(x, `${path}.${k}`));
    return [[path, v]];
}

describe("prod: credentials stay out of state inputs and stack outputs", () => {
    it("lets RDS manage the master password: manageMasterUserPassword, its key, no password input", () => {
        const primary = graph.ofType("aws:rds/instance:Instance").find((r) => !r.inputs.replicateSourceDb)!;
        expect(primary.inputs).toMatchObject({ manageMasterUserPassword: true, username: "slipway_admin" });
        expect(primary.inputs).not.toHaveProperty("password");
        expect(String(primary.inputs.masterUserSecretKmsKeyId)).toBe(String(primary.inputs.kmsKeyId));
    });

    it("has no output that is a secret or contains a credential", () => {
        const values = credentials();
        // The check has teeth: the two role passwords, the restic password and the Redis token at least.
        expect(values.length).toBeGreaterThanOrEqual(4);
        const found: string[] = [];
        for (const [name, value] of Object.entries(run.outputs)) {
            for (const [path, leaf] of leaves(value, name)) {
                if (isSecretValue(leaf) || containsSecret(leaf)) found.push(`${path} is a secret`);
                const text = typeof leaf === "string" ? leaf : JSON.stringify(leaf ?? null);
                for (const c of values) if (text.includes(c)) found.push(`${path} contains a credential`);
            }
        }
        expect(found).toEqual([]);
        for (const gone of ["databasePassword", "databaseUrl", "cacheAuthToken", "cacheUrl", "resticPassword"]) expect(run.outputs).not.toHaveProperty(gone);
    });

    it("names the secrets a runbook needs instead", () => {
        for (const k of ["databaseAppSecretArn", "databaseBackupSecretArn", "resticPasswordSecretArn"]) {
            expect(String(run.outputs[k]), k).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:/);
        }
        expect(String(run.outputs.databaseMasterSecretArn)).toMatch(/:secret:rds!db-/);
    });

    it("gives the app task DATABASE_URL from the app role's secret, and the backup task PGPASSWORD from the backup role's", () => {
        const defs = graph.ofType("aws:ecs/taskDefinition:TaskDefinition").map((td) => JSON.parse(String(reveal(td.inputs.containerDefinitions))) as { name: string; secrets?: { name: string; valueFrom: string }[] }[]);
        const secretsOf = (name: string) => defs.flat().find((c) => c.name === name)!.secrets ?? [];
        const app = String(run.outputs.databaseAppSecretArn);
        const backup = String(run.outputs.databaseBackupSecretArn);
        expect(secretsOf("app").find((s) => s.name === "DATABASE_URL")!.valueFrom).toMatch(new RegExp(`^${app.replace(/[$]/g, "\\$")}:url::[0-9a-f-]+$`));
        expect(secretsOf("backup").find((s) => s.name === "PGPASSWORD")!.valueFrom).toMatch(new RegExp(`^${backup}:password::[0-9a-f-]+$`));
    });

    it("starts no task before the bootstrap has created the roles: every task definition waits for the Invocation", () => {
        const run = graph.one("aws:lambda/invocation:Invocation");
        for (const td of graph.ofType("aws:ecs/taskDefinition:TaskDefinition")) expect(graph.dependsOn(td, run), td.name).toBe(true);
    });
});
