/**
 * The IAM picture of a planned stack: every role (trust policy, inline and attached identity
 * policies) and every resource policy (bucket, key, topic), read from the recorded graph.
 *
 * The graph records inputs only; ARNs and names the provider computes come from the same offline
 * mock that answered the program (`offlineMocks(region).newResource`), re-run on the recorded
 * inputs, so every ARN here is the one the program saw and wrote into its policy documents
 * (account 123456789012, the stack's region). References by id (`role: "<name>-id"`) resolve
 * through the recorded ids.
 */
import type { Graph } from "../../offline/graph";
import { OFFLINE_ACCOUNT_ID } from "../../offline/lookups";
import { offlineMocks } from "../../offline/mocks";
import type { RecordedResource } from "../../offline/recorder";
import type { OfflineRun } from "../../offline/run";
import { reveal } from "../../offline/secret-value";
import { type PolicyDocument, managedPolicies } from "./managed-policies";

export interface NamedPolicy {
    /** Where the document comes from: `inline:<resource name>`, `managed:<ARN>`, `bucket:<name>`… */
    name: string;
    policy: PolicyDocument;
}

export interface RoleModel {
    resource: RecordedResource;
    name: string;
    arn: string;
    trust: PolicyDocument;
    identityPolicies: NamedPolicy[];
}

export interface IamModel {
    graph: Graph;
    accountId: string;
    region: string;
    partition: string;
    roles: RoleModel[];
    /** Bucket policies by bucket ARN. */
    bucketPolicies: Map<string, NamedPolicy>;
    /** Key policies by key ARN. */
    keyPolicies: Map<string, NamedPolicy>;
    /** Topic policies by topic ARN. */
    topicPolicies: Map<string, NamedPolicy>;
    /** Lambda function policies (their `Permission` statements) by function ARN. */
    functionPolicies: Map<string, NamedPolicy>;
    /** Every policy document in the graph (identity, trust and resource policies), for the catalog check. */
    allPolicies: NamedPolicy[];
    /** The provider-computed state of a recorded resource (`arn`, `name`, …), as the mock returned it. */
    stateOf(r: RecordedResource): Record<string, any>;
    /** The recorded resource with this id (what `role: x.id` references hold). */
    byId(id: unknown): RecordedResource;
}

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const CUSTOMER_POLICY = "aws:iam/policy:Policy";
const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_V2 = "aws:s3/bucketV2:BucketV2";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const KEY = "aws:kms/key:Key";
const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";
const FUNCTION = "aws:lambda/function:Function";
const PERMISSION = "aws:lambda/permission:Permission";

/** Resource types that carry a resource policy this harness does not read yet: fail, never skip. */
const UNREAD_POLICY_TYPES = [
    "aws:ecr/repositoryPolicy:RepositoryPolicy",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
    "aws:secretsmanager/secretPolicy:SecretPolicy",
    "aws:sqs/queuePolicy:QueuePolicy",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
    "aws:iam/policyAttachment:PolicyAttachment",
];

export function parsePolicy(v: unknown, where: string): PolicyDocument {
    const raw = reveal(v);
    const doc = typeof raw === "string" ? JSON.parse(raw) : raw;
    if (!doc || typeof doc !== "object" || !("Statement" in doc)) throw new Error(`${where}: not a policy document: ${JSON.stringify(raw)}`);
    return doc as PolicyDocument;
}

export function buildIamModel(run: OfflineRun): IamModel {
    const graph = run.graph;
    const provider = graph.ofType("pulumi:providers:aws")[0];
    const region = String(provider?.inputs.region ?? "us-east-1");
    const mocks = offlineMocks(region);
    const states = new Map<string, Record<string, any>>();
    const stateOf = (r: RecordedResource): Record<string, any> => {
        let s = states.get(r.urn);
        if (!s) {
            const inputs = reveal(r.inputs) as Record<string, any>;
            // The offline mocks answer synchronously (a Promise would be a change to offline/mocks.ts).
            const result = mocks.newResource({ type: r.type, name: r.name, inputs, provider: "", custom: true, id: "" } as never) as { state: Record<string, any> };
            s = result.state;
            states.set(r.urn, s);
        }
        return s as Record<string, any>;
    };
    const byId = (id: unknown): RecordedResource => {
        const found = graph.resources.find((r) => r.custom && r.id === id);
        if (!found) throw new Error(`no recorded resource has id ${JSON.stringify(id)}`);
        return found;
    };

    const unread = graph.resources.filter((r) => UNREAD_POLICY_TYPES.includes(r.type));
    if (unread.length > 0) throw new Error(`the IAM harness does not read ${unread.map((r) => `${r.type} ${r.name}`).join(", ")} yet: add it to tests/iam/model.ts`);

    const allPolicies: NamedPolicy[] = [];
    const roles: RoleModel[] = graph.ofType(ROLE).map((r) => {
        const s = stateOf(r);
        const trust = parsePolicy(r.inputs.assumeRolePolicy, `role ${r.name}`);
        allPolicies.push({ name: `trust:${s.name}`, policy: trust });
        return { resource: r, name: String(s.name), arn: String(s.arn), trust, identityPolicies: [] };
    });
    // `role` inputs hold a role's id or its name, depending on which output the program passed.
    const roleFor = (ref: unknown, where: string): RoleModel => {
        const role = roles.find((x) => x.resource.id === ref || x.name === ref);
        if (!role) throw new Error(`${where} names role ${JSON.stringify(ref)}, which is not in the graph`);
        return role;
    };
    for (const p of graph.ofType(ROLE_POLICY)) {
        const named = { name: `inline:${p.name}`, policy: parsePolicy(p.inputs.policy, p.name) };
        roleFor(p.inputs.role, p.name).identityPolicies.push(named);
        allPolicies.push(named);
    }
    const customerPolicies = new Map(graph.ofType(CUSTOMER_POLICY).map((p) => [String(stateOf(p).arn), p]));
    for (const a of graph.ofType(ATTACHMENT)) {
        const arn = String(a.inputs.policyArn);
        const managed = /^arn:[^:]+:iam::aws:policy\/(.+)$/.exec(arn);
        let policy: PolicyDocument;
        if (managed) {
            const entry = managedPolicies[managed[1]];
            if (!entry) throw new Error(`${a.name} attaches ${arn}: copy its document into tests/iam/managed-policies.ts`);
            policy = entry.document;
        } else {
            const customer = customerPolicies.get(arn);
            if (!customer) throw new Error(`${a.name} attaches ${arn}, which is neither AWS managed nor in the graph`);
            policy = parsePolicy(customer.inputs.policy, customer.name);
        }
        const named = { name: `managed:${arn}`, policy };
        roleFor(a.inputs.role, a.name).identityPolicies.push(named);
        allPolicies.push(named);
    }

    const bucketArnByName = new Map(graph.ofType(BUCKET, BUCKET_V2).map((b) => [String(stateOf(b).bucket), String(stateOf(b).arn)]));
    const bucketPolicies = new Map<string, NamedPolicy>();
    for (const p of graph.ofType(BUCKET_POLICY)) {
        const arn = bucketArnByName.get(String(p.inputs.bucket));
        if (!arn) throw new Error(`${p.name} is on bucket ${String(p.inputs.bucket)}, which is not in the graph`);
        const named = { name: `bucket:${p.inputs.bucket}`, policy: parsePolicy(p.inputs.policy, p.name) };
        bucketPolicies.set(arn, named);
        allPolicies.push(named);
    }
    const keyPolicies = new Map<string, NamedPolicy>();
    for (const k of graph.ofType(KEY)) {
        // A key without a policy gets AWS's default one (the account administers it through IAM).
        const policy = k.inputs.policy
            ? parsePolicy(k.inputs.policy, k.name)
            : { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OFFLINE_ACCOUNT_ID}:root` }, Action: "kms:*", Resource: "*" }] };
        const named = { name: `key:${k.name}`, policy };
        keyPolicies.set(String(stateOf(k).arn), named);
        allPolicies.push(named);
    }
    const topicPolicies = new Map<string, NamedPolicy>();
    for (const p of graph.ofType(TOPIC_POLICY)) {
        const named = { name: `topic:${p.name}`, policy: parsePolicy(p.inputs.policy, p.name) };
        topicPolicies.set(String(p.inputs.arn), named);
        allPolicies.push(named);
    }
    // Lambda keeps one resource policy per function, a statement per `Permission`, in the form
    // AddPermission writes it: the source ARN as `ArnLike AWS:SourceArn`, the source account as
    // `StringEquals AWS:SourceAccount`.
    const functionPolicies = new Map<string, NamedPolicy>();
    for (const p of graph.ofType(PERMISSION)) {
        const fn = graph.ofType(FUNCTION).find((f) => f.inputs.name === p.inputs.function || stateOf(f).arn === p.inputs.function);
        if (!fn) throw new Error(`${p.name} is on function ${String(p.inputs.function)}, which is not in the graph`);
        const arn = String(stateOf(fn).arn);
        const condition: Record<string, Record<string, string>> = {};
        if (p.inputs.sourceArn) condition.ArnLike = { "AWS:SourceArn": String(p.inputs.sourceArn) };
        if (p.inputs.sourceAccount) condition.StringEquals = { "AWS:SourceAccount": String(p.inputs.sourceAccount) };
        const statement = {
            Sid: p.name,
            Effect: "Allow",
            Principal: String(p.inputs.principal).includes(".amazonaws.com") ? { Service: String(p.inputs.principal) } : { AWS: String(p.inputs.principal) },
            Action: String(p.inputs.action),
            Resource: arn,
            ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
        };
        const existing = functionPolicies.get(arn);
        if (existing) existing.policy.Statement = [...[existing.policy.Statement].flat(), statement] as PolicyDocument["Statement"];
        else functionPolicies.set(arn, { name: `function:${stateOf(fn).name}`, policy: { Version: "2012-10-17", Statement: [statement] } as PolicyDocument });
    }
    allPolicies.push(...functionPolicies.values());
    return { graph, accountId: OFFLINE_ACCOUNT_ID, region, partition: "aws", roles, bucketPolicies, keyPolicies, topicPolicies, functionPolicies, allPolicies, stateOf, byId };
}
