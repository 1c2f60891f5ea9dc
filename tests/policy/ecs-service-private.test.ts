import { describe, expect, it } from "vitest";
import { ecsServicePrivate } from "../../policy/rules/aws-edge/ecs-service-private";
import { PREVIEW_UNKNOWN, check, messages } from "./helpers";

const SERVICE = "aws:ecs/service:Service";
const service = (network: Record<string, unknown> = {}) => ({
    launchType: "FARGATE",
    networkConfiguration: { assignPublicIp: false, securityGroups: ["sg-task"], subnets: ["private-1", "private-2", "private-3"], ...network },
});

describe("ecs-service-private", () => {
    it("passes private tasks over several subnets, and services without awsvpc networking", async () => {
        expect(await messages(ecsServicePrivate, SERVICE, service())).toEqual([]);
        expect(await messages(ecsServicePrivate, SERVICE, service({ assignPublicIp: undefined }))).toEqual([]);
        expect(await messages(ecsServicePrivate, SERVICE, { launchType: "EC2" })).toEqual([]);
    });

    it("fails tasks with public IPs", async () => {
        expect(await messages(ecsServicePrivate, SERVICE, service({ assignPublicIp: true }))).toEqual([expect.stringMatching(/assignPublicIp is true/)]);
    });

    it("fails fewer than two subnets", async () => {
        expect(await messages(ecsServicePrivate, SERVICE, service({ subnets: ["private-1"] }))).toEqual([expect.stringMatching(/subnets lists 1 subnet/)]);
        expect(await messages(ecsServicePrivate, SERVICE, service({ subnets: [] }))).toEqual([expect.stringMatching(/subnets lists 0 subnet/)]);
    });

    it("reports decisive values unknown at preview but counts unknown subnet ids", async () => {
        expect(await messages(ecsServicePrivate, SERVICE, { networkConfiguration: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/networkConfiguration is unknown/)]);
        expect(await messages(ecsServicePrivate, SERVICE, service({ assignPublicIp: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/assignPublicIp is unknown/)]);
        expect(await messages(ecsServicePrivate, SERVICE, service({ subnets: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/subnets is unknown/)]);
        expect(await messages(ecsServicePrivate, SERVICE, service({ subnets: [PREVIEW_UNKNOWN, PREVIEW_UNKNOWN] }))).toEqual([]);
    });

    it("is mandatory and ignores other types", async () => {
        expect((await check(ecsServicePrivate, [{ type: SERVICE, props: service({ assignPublicIp: true }) }]))[0].level).toBe("mandatory");
        expect(await messages(ecsServicePrivate, "aws:ecs/cluster:Cluster", service({ assignPublicIp: true }))).toEqual([]);
    });
});
