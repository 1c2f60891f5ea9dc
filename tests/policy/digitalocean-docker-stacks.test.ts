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
 * Generated secrets the Docker payload still passes through the environment (advisory
 * ops-hygiene-env-files: each should become a mounted file; none is a literal, so the mandatory
 * rule passes). Remove an entry when its container moves to a file; the
 * test then fails until the list matches again, so the list cannot go stale.
 */
const knownLiteralEnvSecrets: Record<string, string[]> = {
    dev: [
        "backups-container AWS_ACCESS_KEY_ID",
        "backups-container AWS_SECRET_ACCESS_KEY",
        "backups-container PGPASSWORD",
        "backups-container RESTIC_PASSWORD",
        "monitoring-postgres-exporter DATA_SOURCE_NAME",
        "monitoring-redis-exporter REDIS_PASSWORD",
        "web-app-0 DATABASE_URL",
        "web-app-0 REDIS_URL",
        "web-app-1 DATABASE_URL",
        "web-app-1 REDIS_URL",
    ],
    local: [
        "backups-container PGPASSWORD",
        "backups-container RESTIC_PASSWORD",
        "monitoring-postgres-exporter DATA_SOURCE_NAME",
        "monitoring-redis-exporter REDIS_PASSWORD",
        "web-app-0 DATABASE_URL",
        "web-app-0 REDIS_URL",
        "web-app-1 DATABASE_URL",
        "web-app-1 REDIS_URL",
    ],
    prod: [],
};

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

    it("track the generated secrets still passed through the environment (advisory)", () => {
        const envSecrets = verdicts[stack]
            .filter((v) => v.policy === "ops-hygiene-env-files")
            .map((v) => `${resource(v)} ${/envs entry (\S+)/.exec(v.message)?.[1]}`)
            .sort();
        expect(envSecrets).toEqual(knownLiteralEnvSecrets[stack]);
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
