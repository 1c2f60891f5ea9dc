import { describe, expect, it } from "vitest";
import { followsHostInstance } from "../../policy/rules/docker/follows-host-instance";
import { PREVIEW_UNKNOWN, messages } from "./helpers";

const CONTAINER = "docker:index/container:Container";
const NETWORK = "docker:index/network:Network";
const IMAGE = "docker:index/image:Image";
const labels = (extra: Record<string, string> = {}) => Object.entries({ "slipway.stack": "dev", ...extra }).map(([label, value]) => ({ label, value }));

describe("follows-host-instance", () => {
    it("passes containers and networks labelled with the host, and host-built images with the build argument", async () => {
        expect(await messages(followsHostInstance, CONTAINER, { labels: labels({ "host.instance": "123" }) })).toEqual([]);
        expect(await messages(followsHostInstance, NETWORK, { labels: labels({ "host.instance": PREVIEW_UNKNOWN as unknown as string }) })).toEqual([]);
        expect(await messages(followsHostInstance, IMAGE, { skipPush: true, build: { context: "backup", args: { SLIPWAY_HOST_INSTANCE: "123" } } })).toEqual([]);
        // Pushed images are pulled by any new host.
        expect(await messages(followsHostInstance, IMAGE, { skipPush: false, build: { context: "app" } })).toEqual([]);
    });

    it("fails a network or container without the label (the backup's egress network did) and a host-built image without the argument", async () => {
        expect(await messages(followsHostInstance, NETWORK, { labels: labels() })).toEqual([expect.stringContaining("no host.instance label")]);
        expect(await messages(followsHostInstance, CONTAINER, {})).toEqual([expect.stringContaining("no host.instance label")]);
        expect(await messages(followsHostInstance, IMAGE, { skipPush: true, build: { context: "backup" } })).toEqual([expect.stringContaining("SLIPWAY_HOST_INSTANCE")]);
    });
});
