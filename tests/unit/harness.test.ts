import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { describe, expect, it } from "vitest";
import { isSecretValue } from "../../offline/secret-value";
import { recordResources, resolve } from "../helpers/record";

describe("recording mock harness", () => {
    it("records parents, options and secret inputs the way the engine sees them", async () => {
        const { graph, result } = await recordResources(() => {
            const parent = new pulumi.ComponentResource("slipway:components:Probe", "probe");
            const pw = new random.RandomPassword("probe-pw", { length: 32 }, { parent, protect: true });
            const user = new random.RandomString("probe-user", { length: 8, keepers: { pw: pw.result } }, { parent });
            return { pw, user };
        });
        const pw = graph.byName("probe-pw");
        expect(pw.parent).toBe(graph.byName("probe").urn);
        expect(pw.protect).toBe(true);
        expect(pw.additionalSecretOutputs).toContain("result");
        const user = graph.byName("probe-user");
        expect(isSecretValue((user.inputs.keepers as Record<string, unknown>).pw)).toBe(true);
        expect(graph.dependsOn(user, pw)).toBe(true);
        expect((await resolve(result.pw.result)).secret).toBe(true);
    });
});
