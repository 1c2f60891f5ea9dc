import { describe, expect, it } from "vitest";
import { AWS_STACKS, DOCKER_STACKS, VPS_STACKS, renderStack, shippedStacks } from "./helpers/rendered-stacks";

/**
 * The tier 3 tests iterate fixed stack lists; this keeps them honest: together they are exactly
 * the shipped `Pulumi.<stack>.yaml` files, and each stack really has the target its list assumes
 * (so a new or retargeted stack cannot go unchecked).
 */
describe("the stacks tier 3 checks", () => {
    it("are exactly the shipped stacks", () => {
        expect([...new Set([...DOCKER_STACKS, ...AWS_STACKS])].sort()).toEqual(shippedStacks());
    });

    it.each([
        ...DOCKER_STACKS.map((stack) => ({ stack, target: (VPS_STACKS as readonly string[]).includes(stack) ? "vps" : "local" })),
        ...AWS_STACKS.map((stack) => ({ stack, target: "aws" })),
    ])("$stack has target $target", async ({ stack, target }) => {
        expect((await renderStack(stack)).target).toBe(target);
    });
});
