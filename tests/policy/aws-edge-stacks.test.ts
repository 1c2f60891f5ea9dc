import { beforeAll, describe, expect, it } from "vitest";
import { Graph } from "../../offline/graph";
import { runPolicies } from "../../offline/policy-run";
import { type OfflineRun, runOffline } from "../../offline/run";
import { awsEdgeRules } from "../../policy/rules/aws-edge";
import { types } from "../../policy/rules/kit";

const runs: Record<string, OfflineRun> = {};

beforeAll(async () => {
    for (const stack of ["prod", "dev", "local"]) runs[stack] = await runOffline({ stack });
});

/** The prod graph with one resource's inputs changed (or the resource removed). */
function prodWith(name: string, change: ((inputs: Record<string, unknown>) => Record<string, unknown>) | "remove"): Graph {
    const resources = runs.prod.graph.resources.flatMap((r) => (r.name !== name ? [r] : change === "remove" ? [] : [{ ...r, inputs: change(r.inputs) }]));
    return new Graph(resources);
}

describe("aws-edge rules on the shipped stacks", () => {
    it("report nothing, mandatory or advisory, on prod, dev and local", async () => {
        for (const stack of ["prod", "dev", "local"]) expect(await runPolicies(runs[stack].graph, awsEdgeRules), stack).toEqual([]);
    });

    it("meet every resource type they check in prod, so the clean result is not vacuous", () => {
        const seen = new Set(runs.prod.graph.resources.map((r) => r.type));
        for (const list of [types.lbListener, types.loadBalancer, types.wafAssociation, types.wafAcl, types.sgIngressRule, types.sgEgressRule, types.securityGroup, types.taskDefinition, types.ecsService, types.metricAlarm, types.snsTopic]) {
            expect(list.some((t) => seen.has(t)), list[0]).toBe(true);
        }
    });

    it("catch a weakened prod: no WAF association, an HTTP listener that forwards, a public task", async () => {
        const noWaf = await runPolicies(prodWith("web-waf-association", "remove"), awsEdgeRules);
        expect(noWaf.map((v) => v.policy)).toEqual(["alb-waf"]);
        const https = runs.prod.graph.byName("web-https").inputs.defaultActions;
        const forwards = await runPolicies(prodWith("web-http", (i) => ({ ...i, defaultActions: https })), awsEdgeRules);
        expect(forwards.map((v) => v.policy)).toEqual(["alb-http-redirect-only"]);
        const publicTask = await runPolicies(
            prodWith("web-service", (i) => ({ ...i, networkConfiguration: { ...(i.networkConfiguration as object), assignPublicIp: true } })),
            awsEdgeRules,
        );
        expect(publicTask.map((v) => v.policy)).toEqual(["ecs-service-private"]);
    });

    it("catch the issue 12 regressions in prod: a WAF without logging, a listener on the pending certificate", async () => {
        const noLogging = await runPolicies(prodWith("web-waf-logging", "remove"), awsEdgeRules);
        expect(noLogging.map((v) => v.policy)).toEqual(["waf-logging"]);
        // The listener as the web tier built it without a zone: certificateArn straight from the certificate.
        const certificate = runs.prod.graph.byName("web-certificate");
        const validation = runs.prod.graph.byName("web-certificate-validation");
        const pending = new Graph(
            runs.prod.graph.resources.map((r) =>
                r.name === "web-https"
                    ? { ...r, dependencies: [...r.dependencies.filter((u) => u !== validation.urn), certificate.urn], propertyDependencies: { ...r.propertyDependencies, certificateArn: [certificate.urn] } }
                    : r,
            ),
        );
        const violations = await runPolicies(pending, awsEdgeRules);
        expect(violations.map((v) => v.policy)).toEqual(["alb-certificate-validated"]);
    });
});
