import { describe, expect, it } from "vitest";
import { albHardening } from "../../policy/rules/aws-edge/alb-hardening";
import { remediate } from "./aws-edge-support";
import { PREVIEW_UNKNOWN, check, messages } from "./helpers";

const LB = "aws:lb/loadBalancer:LoadBalancer";
const alb = (over: Record<string, unknown> = {}) => ({
    loadBalancerType: "application",
    accessLogs: { bucket: "logs", enabled: true, prefix: "alb" },
    dropInvalidHeaderFields: true,
    enableDeletionProtection: true,
    subnets: ["a", "b"],
    ...over,
});

describe("alb-hardening", () => {
    it("passes a hardened ALB, with desync mitigation left at the AWS default", async () => {
        expect(await messages(albHardening, LB, alb())).toEqual([]);
        expect(await messages(albHardening, LB, alb({ desyncMitigationMode: "strictest" }))).toEqual([]);
        expect(await messages(albHardening, LB, alb({ desyncMitigationMode: "defensive" }))).toEqual([]);
        expect(await messages(albHardening, LB, alb({ loadBalancerType: undefined }))).toEqual([]);
    });

    it("flags invalid header fields that are forwarded", async () => {
        expect(await messages(albHardening, LB, alb({ dropInvalidHeaderFields: false }))).toEqual([expect.stringMatching(/dropInvalidHeaderFields is false/)]);
        expect(await messages(albHardening, LB, alb({ dropInvalidHeaderFields: undefined }))).toEqual([expect.stringMatching(/dropInvalidHeaderFields is "unset"/)]);
    });

    it("flags monitor-only desync mitigation", async () => {
        expect(await messages(albHardening, LB, alb({ desyncMitigationMode: "monitor" }))).toEqual([expect.stringMatching(/desyncMitigationMode is "monitor"/)]);
    });

    it("flags missing or disabled access logs", async () => {
        expect(await messages(albHardening, LB, alb({ accessLogs: undefined }))).toEqual([expect.stringMatching(/accessLogs\.enabled is "unset"/)]);
        expect(await messages(albHardening, LB, alb({ accessLogs: { bucket: "logs" } }))).toEqual([expect.stringMatching(/accessLogs\.enabled is "unset"/)]);
        expect(await messages(albHardening, LB, alb({ accessLogs: { bucket: "logs", enabled: false } }))).toEqual([expect.stringMatching(/accessLogs\.enabled is false/)]);
    });

    it("flags missing deletion protection, on network load balancers too", async () => {
        expect(await messages(albHardening, LB, alb({ enableDeletionProtection: false }))).toEqual([expect.stringMatching(/enableDeletionProtection is false/)]);
        // The ALB-only settings do not apply to an NLB.
        expect(await messages(albHardening, LB, { loadBalancerType: "network", subnets: ["a", "b"] })).toEqual([expect.stringMatching(/enableDeletionProtection is "unset"/)]);
    });

    it("reports values unknown at preview", async () => {
        for (const key of ["dropInvalidHeaderFields", "desyncMitigationMode", "enableDeletionProtection"]) {
            expect(await messages(albHardening, LB, alb({ [key]: PREVIEW_UNKNOWN }))).toEqual([expect.stringContaining(`${key} is unknown during preview`)]);
        }
        expect(await messages(albHardening, LB, alb({ accessLogs: { bucket: "logs", enabled: PREVIEW_UNKNOWN } }))).toEqual([expect.stringMatching(/accessLogs\.enabled is unknown/)]);
        // An unknown type might be an ALB, so the ALB checks still run.
        expect(await messages(albHardening, LB, alb({ loadBalancerType: PREVIEW_UNKNOWN, dropInvalidHeaderFields: false }))).toHaveLength(1);
    });

    it("is advisory by default, registers on the alb alias and remediates the header flag", async () => {
        const [v] = await check(albHardening, [{ type: LB, props: alb({ dropInvalidHeaderFields: false }) }]);
        expect(v.level).toBe("advisory");
        expect(await messages(albHardening, "aws:alb/loadBalancer:LoadBalancer", alb({ enableDeletionProtection: false }))).toHaveLength(1);
        expect(await remediate(albHardening, LB, alb({ dropInvalidHeaderFields: false }))).toMatchObject({ dropInvalidHeaderFields: true, enableDeletionProtection: true });
        expect(await remediate(albHardening, LB, alb())).toBeUndefined();
        expect(await remediate(albHardening, LB, { loadBalancerType: "network" })).toBeUndefined();
    });
});
