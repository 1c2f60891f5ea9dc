import { describe, expect, it } from "vitest";
import { ecsTaskLeastPrivilege } from "../../policy/rules/aws-edge/ecs-task-least-privilege";
import { PREVIEW_UNKNOWN, check, messages } from "./helpers";

const TASK = "aws:ecs/taskDefinition:TaskDefinition";
const task = (over: Record<string, unknown> = {}) => ({
    containerDefinitions: JSON.stringify([{ name: "app", image: "app:1.0.0", user: "10001", readonlyRootFilesystem: true, ...over }]),
});

describe("ecs-task-least-privilege", () => {
    it("passes a read-only container running as a non-root user", async () => {
        expect(await messages(ecsTaskLeastPrivilege, TASK, task())).toEqual([]);
        expect(await messages(ecsTaskLeastPrivilege, TASK, task({ user: "app:app" }))).toEqual([]);
    });

    it("flags a writable root file system", async () => {
        expect(await messages(ecsTaskLeastPrivilege, TASK, task({ readonlyRootFilesystem: false }))).toEqual([expect.stringMatching(/readonlyRootFilesystem is false/)]);
        expect(await messages(ecsTaskLeastPrivilege, TASK, task({ readonlyRootFilesystem: undefined }))).toEqual([expect.stringMatching(/readonlyRootFilesystem is "unset"/)]);
    });

    it("flags an unset or root user", async () => {
        expect(await messages(ecsTaskLeastPrivilege, TASK, task({ user: undefined }))).toEqual([expect.stringMatching(/user is unset/)]);
        for (const user of ["root", "0", "0:0", "root:wheel"]) {
            expect(await messages(ecsTaskLeastPrivilege, TASK, task({ user }))).toEqual([expect.stringContaining(`user is ${JSON.stringify(user)}`)]);
        }
    });

    it("reports definitions unknown at preview, and is advisory", async () => {
        expect(await messages(ecsTaskLeastPrivilege, TASK, { containerDefinitions: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/unknown during preview/)]);
        expect((await check(ecsTaskLeastPrivilege, [{ type: TASK, props: task({ user: "root" }) }]))[0].level).toBe("advisory");
    });
});
