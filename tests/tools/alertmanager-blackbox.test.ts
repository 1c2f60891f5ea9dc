import { beforeAll, describe, expect, it } from "vitest";
import { containerLayout, deployCheck, runInContainerLayout } from "./helpers/container-layout";
import { DOCKER_STACKS, type RenderedStack, renderStack, renderedFile } from "./helpers/rendered-stacks";
import { describeRun, requireTool } from "./helpers/tools";

/**
 * alertmanager.yml and blackbox.yml checked the way the deploy checks them before a reload
 * (`amtool check-config …`, `blackbox_exporter --config.check …`), inside each container's
 * layout, by Debian's binaries (blackbox_exporter is `prometheus-blackbox-exporter` there).
 */

const DEBIAN_BINARY: Record<string, string> = { amtool: "amtool", blackbox_exporter: "prometheus-blackbox-exporter" };

const checks = [
    { container: "monitoring-alertmanager", file: "alertmanager/alertmanager.yml", success: /SUCCESS/, broken: "route:\n  receiver: nowhere\nreceivers: []\n" },
    { container: "monitoring-blackbox-exporter", file: "blackbox/blackbox.yml", success: /Config file is ok/, broken: "modules:\n  http_2xx:\n    prober: http\n    timeout: soon\n" },
];

function deployConfigCheck(s: RenderedStack, container: string, replaceFiles?: Record<string, string>) {
    const layout = containerLayout(s, container);
    const [tool, ...args] = deployCheck(s, layout.name);
    const binary = DEBIAN_BINARY[tool];
    expect(binary, `no Debian binary known for the deploy's check tool ${tool}`).toBeDefined();
    return runInContainerLayout(s, { layout, argv: [requireTool(binary), ...args], replaceFiles });
}

describe.each(DOCKER_STACKS)("stack %s", (stack) => {
    let s: RenderedStack;
    beforeAll(async () => {
        s = await renderStack(stack);
    });

    it.each(checks)("$file passes the deploy's own check", ({ container, file, success }) => {
        renderedFile(s, file);
        const r = deployConfigCheck(s, container);
        expect(r.status, describeRun(r)).toBe(0);
        expect(`${r.stdout}${r.stderr}`).toMatch(success);
    });

    it.each(checks)("a broken $file fails it (the check can fail)", ({ container, file, broken }) => {
        const r = deployConfigCheck(s, container, { [file]: broken });
        expect(r.status, describeRun(r)).not.toBe(0);
    });
});
