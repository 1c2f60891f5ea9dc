import { describe, expect, it } from "vitest";
import { albSubnets } from "../../policy/rules/aws-edge/alb-subnets";
import { PREVIEW_UNKNOWN, check, messages } from "./helpers";

const LB = "aws:lb/loadBalancer:LoadBalancer";

describe("alb-subnets", () => {
    it("passes a load balancer in two or more subnets (or subnet mappings)", async () => {
        expect(await messages(albSubnets, LB, { subnets: ["a", "b", "c"] })).toEqual([]);
        expect(await messages(albSubnets, LB, { subnetMappings: [{ subnetId: "a" }, { subnetId: "b" }] })).toEqual([]);
    });

    it("fails one subnet or none", async () => {
        expect(await messages(albSubnets, LB, { subnets: ["a"] })).toEqual([expect.stringMatching(/subnets lists 1 subnet\(s\); .*at least 2/)]);
        expect(await messages(albSubnets, LB, { subnetMappings: [{ subnetId: "a" }] })).toEqual([expect.stringMatching(/subnetMappings lists 1/)]);
        expect(await messages(albSubnets, LB, {})).toEqual([expect.stringMatching(/lists 0 subnet/)]);
    });

    it("counts subnet ids that are unknown at preview but reports a wholly unknown list", async () => {
        expect(await messages(albSubnets, LB, { subnets: [PREVIEW_UNKNOWN, PREVIEW_UNKNOWN] })).toEqual([]);
        expect(await messages(albSubnets, LB, { subnets: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/subnets is unknown during preview/)]);
        expect(await messages(albSubnets, LB, { subnetMappings: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/subnetMappings is unknown during preview/)]);
    });

    it("is mandatory, registers on the alb alias and ignores other types", async () => {
        expect((await check(albSubnets, [{ type: LB, props: { subnets: ["a"] } }]))[0].level).toBe("mandatory");
        expect(await messages(albSubnets, "aws:alb/loadBalancer:LoadBalancer", { subnets: ["a"] })).toHaveLength(1);
        expect(await messages(albSubnets, "aws:ecs/service:Service", { subnets: ["a"] })).toEqual([]);
    });
});
