/**
 * The database bootstrap function's requests (components/database/bootstrap): Lambda assumes its
 * role, creates the function's network interfaces in the VPC, and at each invocation the function
 * reads the RDS-managed master secret and the two role secrets, each decrypted through Secrets
 * Manager with that secret in the encryption context, and writes its logs. Then what must be
 * refused: another secret, the key outside Secrets Manager, and the app's and backup job's
 * execution roles reading the master secret.
 */
import type { RecordedResource } from "../../offline/recorder";
import type { ApiRequest } from "./evaluate";
import type { IamModel } from "./model";

const TLS = { "aws:SecureTransport": "true" };
const STREAM = "2025/01/31/[$LATEST]0123456789abcdef0123456789abcdef";

interface BootstrapInput {
    masterSecretArn: string;
    roles: { name: string; secretArn: string }[];
}

/** The functions an `aws.lambda.Invocation` runs at deploy (the bootstrap), with what it passes them. */
export function invokedFunctions(m: IamModel): { fn: RecordedResource; input: BootstrapInput }[] {
    return m.graph.ofType("aws:lambda/invocation:Invocation").map((inv) => {
        const fn = m.graph.ofType("aws:lambda/function:Function").find((f) => String(m.stateOf(f).name) === String(inv.inputs.functionName));
        if (!fn) throw new Error(`${inv.name} invokes ${String(inv.inputs.functionName)}, which is not in the graph`);
        return { fn, input: JSON.parse(String(inv.inputs.input)) as BootstrapInput };
    });
}

/** The key a secret is encrypted with: a secret of the graph's, or RDS's own master secret (the instance names its key). */
function secretKey(m: IamModel, secretArn: string): string {
    const s = m.graph.ofType("aws:secretsmanager/secret:Secret").find((r) => m.stateOf(r).arn === secretArn);
    if (s) return String(s.inputs.kmsKeyId);
    const db = m.graph.ofType("aws:rds/instance:Instance").find((r) => (m.stateOf(r).masterUserSecrets as { secretArn: string }[] | undefined)?.[0]?.secretArn === secretArn);
    if (!db) throw new Error(`no secret or RDS master secret with ARN ${secretArn}`);
    return String(db.inputs.masterUserSecretKmsKeyId);
}

const roleName = (arn: string): string => arn.split("/").pop() as string;

export function bootstrapRequests(m: IamModel, fn: RecordedResource, input: BootstrapInput): ApiRequest[] {
    const { region, accountId: acct } = m;
    const workload = `Lambda ${String(fn.inputs.name)} (database bootstrap)`;
    const role = String(fn.inputs.role);
    const principal = `role:${roleName(role)}`;
    const as = (what: string, action: string, resource: string, context: Record<string, string> = {}): ApiRequest => ({ workload, what, principal, action, resource, context: { ...TLS, ...context }, expect: "Allowed" });
    const group = `arn:aws:logs:${region}:${acct}:log-group:${(fn.inputs.loggingConfig as { logGroup: string }).logGroup}`;
    const out: ApiRequest[] = [
        { workload, what: "Lambda assumes the function's role", principal: "lambda.amazonaws.com", action: "sts:AssumeRole", resource: role, context: {}, expect: "Allowed" },
        // Lambda creates and manages the function's VPC network interfaces with the function's role.
        as("create its network interface in a private subnet", "ec2:CreateNetworkInterface", `arn:aws:ec2:${region}:${acct}:network-interface/*`),
        as("describe network interfaces", "ec2:DescribeNetworkInterfaces", "*"),
        as("delete its network interface", "ec2:DeleteNetworkInterface", `arn:aws:ec2:${region}:${acct}:network-interface/eni-0123456789abcdef0`),
        as("create its log stream", "logs:CreateLogStream", `${group}:log-stream:${STREAM}`),
        as("write its logs", "logs:PutLogEvents", `${group}:log-stream:${STREAM}`),
    ];
    for (const [what, arn] of [["the RDS-managed master secret", input.masterSecretArn], ...input.roles.map((r) => [`the ${r.name} role's secret`, r.secretArn])]) {
        out.push(
            as(`read ${what}`, "secretsmanager:GetSecretValue", arn),
            as(`decrypt ${what} (through Secrets Manager)`, "kms:Decrypt", secretKey(m, arn), {
                "kms:ViaService": `secretsmanager.${region}.amazonaws.com`,
                "kms:CallerAccount": acct,
                "kms:EncryptionContext:SecretARN": arn,
            }),
        );
    }
    return out;
}

/** What must be refused around the bootstrap: nothing long-running reads the master secret, and the function reads nothing else. */
export function bootstrapDenied(m: IamModel, allowed: ApiRequest[]): ApiRequest[] {
    const out: ApiRequest[] = [];
    const vary = (r: ApiRequest, what: string, change: Partial<ApiRequest>, expect: ApiRequest["expect"]): ApiRequest => ({ ...r, what, ...change, expect });
    for (const { input } of invokedFunctions(m)) {
        const master = allowed.find((r) => r.action === "secretsmanager:GetSecretValue" && r.resource === input.masterSecretArn);
        const masterDecrypt = allowed.find((r) => r.action === "kms:Decrypt" && r.context["kms:EncryptionContext:SecretARN"] === input.masterSecretArn);
        if (!master || !masterDecrypt) throw new Error("the bootstrap's master-secret requests are missing");
        // The app's and the backup job's execution roles (the ECS agent reads their secrets): never the master's.
        for (const agent of allowed.filter((r) => r.action === "secretsmanager:GetSecretValue" && r.workload.endsWith("(ECS agent)"))) {
            if (out.some((o) => o.principal === agent.principal)) continue;
            out.push(vary(agent, `the ${agent.workload} execution role reads the RDS master secret`, { resource: input.masterSecretArn }, "ImplicitlyDenied"));
        }
        const other = allowed.find((r) => r.action === "secretsmanager:GetSecretValue" && r.principal !== master.principal && !input.roles.some((x) => x.secretArn === r.resource));
        if (other) out.push(vary(master, "the bootstrap reads another workload's secret", { resource: other.resource }, "ImplicitlyDenied"));
        out.push(
            vary(masterDecrypt, "the bootstrap decrypts with the database key outside Secrets Manager", { context: { ...masterDecrypt.context, "kms:ViaService": `rds.${m.region}.amazonaws.com` } }, "ImplicitlyDenied"),
            vary(masterDecrypt, "the bootstrap decrypts another secret's data key", { context: { ...masterDecrypt.context, "kms:EncryptionContext:SecretARN": `arn:aws:secretsmanager:${m.region}:${m.accountId}:secret:someone-else-AbCdEf` } }, "ImplicitlyDenied"),
        );
    }
    return out;
}
