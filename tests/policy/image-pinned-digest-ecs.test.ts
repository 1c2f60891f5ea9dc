/**
 * image-pinned-digest covers ECS task definitions as well as Docker containers: the prod web task
 * runs `ghcr.io/slipway-dev/sample-app:1.0.0`, which the plan used to warn about on the side while
 * its policy summary said 0 advisory findings.
 */
import { describe, expect, it } from "vitest";
import { runOffline } from "../../offline/run";
import { runPolicies } from "../../offline/policy-run";
import { imagePinnedDigest } from "../../policy/rules/docker/image-pinned-digest";
import { PREVIEW_UNKNOWN, check, messages } from "./helpers";

const TASK = "aws:ecs/taskDefinition:TaskDefinition";
const DIGEST = `sha256:${"cd".repeat(32)}`;
const task = (...images: string[]) => ({
    family: "web",
    containerDefinitions: JSON.stringify(images.map((image, i) => ({ name: i === 0 ? "web" : `side-${i}`, image, logConfiguration: { logDriver: "awslogs" } }))),
});

describe("image-pinned-digest on ECS task definitions", () => {
    it("reports each container whose image has a tag and no digest, by container name", async () => {
        expect(await messages(imagePinnedDigest, TASK, task("ghcr.io/acme/app:1.4.2", `ghcr.io/acme/proxy:2@${DIGEST}`))).toEqual([
            'container "web": image "ghcr.io/acme/app:1.4.2" has no digest; add @sha256:… so a re-pushed tag cannot change what runs.',
        ]);
        const [v] = await check(imagePinnedDigest, [{ type: TASK, props: task("redis:7") }]);
        expect(v).toMatchObject({ level: "advisory", policy: "image-pinned-digest" });
    });

    it("passes digests and image ids", async () => {
        expect(await messages(imagePinnedDigest, TASK, task(`ghcr.io/acme/app:1.4.2@${DIGEST}`, DIGEST))).toEqual([]);
    });

    it("defers definitions that are unknown during preview instead of passing them", async () => {
        const [v] = await check(imagePinnedDigest, [{ type: TASK, props: { family: "web", containerDefinitions: PREVIEW_UNKNOWN } }]);
        expect(v).toMatchObject({ level: "advisory", message: expect.stringMatching(/can't run policy 'image-pinned-digest' during preview/) });
    });

    it("reports the shipped prod web task, whose image is pinned by tag only", async () => {
        const run = await runOffline({ stack: "prod" });
        const found = (await runPolicies(run.graph, [imagePinnedDigest])).map((v) => `${v.urn.split("::").pop()}: ${v.message}`);
        expect(found).toEqual([expect.stringMatching(/^web-task: container "app": image "ghcr\.io\/slipway-dev\/sample-app:1\.0\.0" has no digest/)]);
    });
});
