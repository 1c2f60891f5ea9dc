import { beforeAll, describe, expect, it } from "vitest";
import type { Graph } from "../../offline/graph";
import { type Violation, runPolicies } from "../../offline/policy-run";
import { runOffline } from "../../offline/run";
import { digitaloceanRules } from "../../policy/rules/digitalocean";
import { dockerRules } from "../../policy/rules/docker";

const rules = [...digitaloceanRules, ...dockerRules];
const verdicts: Record<string, Violation[]> = {};
let devGraph: Graph;

/**
 * The Docker payload passes every credential as a mounted file (issue 11): no container on any
 * shipped stack may carry one in its environment, so both env rules (mandatory
 * ops-hygiene-env-secrets, advisory ops-hygiene-env-files) stay silent.
 */
beforeAll(async () => {
    // Sequential: the mock runtime is process-global. The dev stack's SSH allow-list, as in
    // policy/config.example.json.
    for (const stack of ["dev", "local", "prod"]) {
        const run = await runOffline({ stack });
        if (stack === "dev") devGraph = run.graph;
        verdicts[stack] = await runPolicies(run.graph, rules, { config: { "do-firewall-ingress": { sshAllowedCidrs: ["203.0.113.7/32"] } } });
    }
}, 180_000);

describe.each(["dev", "local", "prod"])("DigitalOcean and Docker rules on the shipped %s stack", (stack) => {
    const resource = (v: Violation) => v.urn.split("::").pop();

    it("report no mandatory violation", () => {
        const mandatory = verdicts[stack].filter((v) => v.level === "mandatory");
        expect(mandatory.map((v) => `${v.policy} ${resource(v)}: ${v.message}`)).toEqual([]);
    });

    it("passes no credential through any container's environment (neither env rule reports)", () => {
        const envSecrets = verdicts[stack]
            .filter((v) => v.policy === "ops-hygiene-env-files" || v.policy === "ops-hygiene-env-secrets")
            .map((v) => `${v.policy} ${resource(v)} ${/envs entry (\S+)/.exec(v.message)?.[1]}`);
        expect(envSecrets).toEqual([]);
    });

    it("can decide every rule offline (no value left unknown)", () => {
        expect(verdicts[stack].filter((v) => /can't run policy|unknown during preview/.test(v.message))).toEqual([]);
    });
});

it("the dev droplet's pinned host key is the only private key in its userData, and it is accepted", async () => {
    const userDataRule = digitaloceanRules.filter((r) => r.meta.name === "do-userdata-no-secrets");
    expect(await runPolicies(devGraph, userDataRule)).toEqual([]);
    const strict = await runPolicies(devGraph, userDataRule, { config: { "do-userdata-no-secrets": { allowHostKeys: false } } });
    expect(strict.map((v) => v.message)).toEqual([expect.stringMatching(/contains a private key block \(OPENSSH\)/)]);
});
