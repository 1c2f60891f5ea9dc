import { describe, expect, it } from "vitest";
import { dataVolumeProtected } from "../../policy/rules/stack/data-volume-protected";
import { awsStack, dropletStack } from "./stack-fixtures";
import { type Node, run } from "./stack-graph";

const rule = dataVolumeProtected;
const setProtect = (nodes: Node[], name: string, protect: boolean | undefined) => nodes.map((n) => (n.name === name ? { ...n, protect } : n));

describe("data-volume-protected", () => {
    it("passes a droplet stack whose data volume is protected, whatever the environment", async () => {
        expect(await run(rule, setProtect(dropletStack(), "vps-data", true))).toEqual([]);
    });

    it("fails an unprotected data volume, in development too", async () => {
        expect(await run(rule, setProtect(dropletStack(), "vps-data", false))).toEqual([expect.stringMatching(/^vps-data: .*is not protected \(protect: false\)/)]);
        expect(await run(rule, setProtect(dropletStack(), "vps-data", undefined))).toEqual([expect.stringMatching(/^vps-data: .*is not protected/)]);
    });

    it("is not applicable without a volume", async () => {
        expect(await run(rule, awsStack())).toEqual([]);
    });
});
