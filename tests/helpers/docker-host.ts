import * as docker from "@pulumi/docker";
import type { DockerHost } from "../../components/shared/docker";
import { localHostFiles } from "../../components/shared/host-files";

/**
 * A Docker host for component tests: a local provider, files under /srv/slipway, and the two
 * networks given by name. Call it inside `recordResources(() => …)` so the provider registers
 * under the mocks.
 */
export function testDockerHost(overrides: Partial<DockerHost> = {}): DockerHost {
    const root = overrides.dataDir ?? "/srv/slipway";
    return {
        provider: new docker.Provider("test-docker", {}),
        stack: "test",
        instanceId: "droplet-123",
        dataDir: root,
        files: localHostFiles(root),
        memoryMiB: 4096,
        networks: { edge: "test-edge", data: "test-data" },
        ...overrides,
    };
}
