import { describe, expect, it } from "vitest";
import { durationSeconds, waitOutlastsFirstProbe } from "../../policy/rules/docker/wait-outlasts-first-probe";
import { PREVIEW_UNKNOWN, messages } from "./helpers";

const CONTAINER = "docker:index/container:Container";
const c = (healthcheck: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}) => ({ wait: true, waitTimeout: 120, healthcheck, ...extra });

describe("wait-outlasts-first-probe", () => {
    it("passes a probe that comes before the wait runs out, and containers that do not wait", async () => {
        expect(await messages(waitOutlastsFirstProbe, CONTAINER, c({ tests: ["CMD", "true"], interval: "30s" }))).toEqual([]);
        expect(await messages(waitOutlastsFirstProbe, CONTAINER, c({ tests: ["CMD", "true"], interval: "300s" }, { wait: false }))).toEqual([]);
        expect(await messages(waitOutlastsFirstProbe, CONTAINER, c({ tests: ["CMD", "true"], interval: PREVIEW_UNKNOWN }))).toEqual([]);
    });

    it("fails the certbot container's 300 s interval against a 120 s wait", async () => {
        expect(await messages(waitOutlastsFirstProbe, CONTAINER, c({ tests: ["CMD", "true"], interval: "300s" }))).toEqual([expect.stringContaining("interval is 300 s but waitTimeout is 120 s")]);
        expect(await messages(waitOutlastsFirstProbe, CONTAINER, c({ tests: ["CMD", "true"], interval: "2m" }))).toEqual([expect.stringContaining("interval is 120 s")]);
    });

    it("reads Go durations", () => {
        expect(durationSeconds("1m30s")).toBe(90);
        expect(durationSeconds("500ms")).toBe(0.5);
        expect(durationSeconds("soon")).toBeUndefined();
    });
});
