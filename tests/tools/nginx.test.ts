import { beforeAll, describe, expect, it } from "vitest";
import { containerLayout, deployCheck, hostSetupCommands, runInContainerLayout } from "./helpers/container-layout";
import { DOCKER_STACKS, type RenderedStack, renderStack, renderedFile } from "./helpers/rendered-stacks";
import { providerTlsFiles } from "./helpers/tls-material";
import { TEST_NGINX, describeRun, requireTool, runToolOk } from "./helpers/tools";

/**
 * `nginx -t` on each Docker stack's nginx.conf exactly as rendered, run the way the deploy runs it
 * (the edge's own reload command: `nginx -c /etc/slipway/nginx/nginx.conf -t`), by the mainline
 * nginx the edge image runs (scripts/build-test-nginx; bookworm's 1.22 rejects `http2 on;` and
 * `server … resolve`), inside the edge container's filesystem layout: the rendered nginx dir
 * read-only at /etc/slipway/nginx, the placeholder certificate installed by the deploy's own
 * host command, tmpfs at /run and /var/cache/nginx, and the image's `nginx` user. Only the
 * certificate and key differ from the rendered files: offline they are the tls mock's
 * placeholders, so they are minted from the recorded tls inputs (helpers/tls-material.ts).
 */

const EDGE = "web-edge";
/** The official nginx image's user and group id. */
const IMAGE_USERS = { nginx: 101 };

function nginxT(s: RenderedStack, replaceFiles: Record<string, string> = {}) {
    const layout = containerLayout(s, EDGE);
    const [tool, ...args] = deployCheck(s, layout.name);
    expect(tool).toBe("nginx");
    return runInContainerLayout(s, {
        layout,
        hostCommands: hostSetupCommands(s, EDGE),
        users: IMAGE_USERS,
        argv: [TEST_NGINX, ...args],
        replaceFiles: { ...providerTlsFiles(s), ...replaceFiles },
    });
}

describe("the test nginx", () => {
    it("is installed and is 1.27.3 or newer, like the edge image (scripts/build-test-nginx)", () => {
        requireTool(TEST_NGINX);
        const version = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(runToolOk(TEST_NGINX, ["-v"]));
        expect(version, "nginx -v printed no version").not.toBeNull();
        const [major, minor, patch] = version!.slice(1).map(Number);
        expect(major * 1e6 + minor * 1e3 + patch, `nginx ${version![0]} is older than 1.27.3`).toBeGreaterThanOrEqual(1_027_003);
    });
});

describe.each(DOCKER_STACKS)("nginx -t on stack %s", (stack) => {
    let s: RenderedStack;
    beforeAll(async () => {
        s = await renderStack(stack);
    });

    it("accepts nginx.conf as rendered, in the edge container's layout", () => {
        const r = nginxT(s);
        expect(r.status, describeRun(r)).toBe(0);
        expect(r.stderr).toMatch(/configuration file \/etc\/slipway\/nginx\/nginx\.conf test is successful/);
    });

    it("rejects a broken variant (the check can fail)", () => {
        const conf = renderedFile(s, "nginx/nginx.conf").content;
        const broken = conf.replace("keepalive_timeout 30s;", "keepalive_timeout 30s;\n    proxy_pass_everything on;");
        expect(broken).not.toBe(conf);
        const r = nginxT(s, { "nginx/nginx.conf": broken });
        expect(r.status, describeRun(r)).not.toBe(0);
        expect(r.stderr).toMatch(/unknown directive "proxy_pass_everything"/);
    });
});
