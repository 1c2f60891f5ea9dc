import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RenderedStack, VPS_STACKS, renderStack, renderedFile } from "./helpers/rendered-stacks";
import { describeRun, requireTool, runTool } from "./helpers/tools";

/**
 * The droplet's user data validated by cloud-init's own schema (`cloud-init schema
 * --config-file`, Debian's cloud-init 22.4; the droplet image runs a newer one, whose schema
 * only grew). A failure prints cloud-init's annotated copy of the file, errors at their lines.
 */

const USER_DATA = "cloud-init/user-data.yaml";

const work = mkdtempSync(join(tmpdir(), "slipway-cloud-init-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function schemaCheck(content: string) {
    const cloudInit = requireTool("cloud-init");
    const file = join(work, "user-data.yaml");
    writeFileSync(file, content);
    const r = runTool(cloudInit, ["schema", "--config-file", file]);
    const annotated = r.status === 0 ? "" : `\n--- annotated ---\n${runTool(cloudInit, ["schema", "--config-file", file, "--annotate"]).stdout}`;
    return { r, report: `${describeRun(r)}${annotated}` };
}

describe.each(VPS_STACKS)("cloud-init schema on stack %s", (stack) => {
    let s: RenderedStack;
    beforeAll(async () => {
        s = await renderStack(stack);
    });

    it("accepts the user data as rendered", () => {
        const { r, report } = schemaCheck(renderedFile(s, USER_DATA).content);
        expect(r.status, report).toBe(0);
        expect(r.stdout).toMatch(/Valid cloud-config/);
    });

    it("rejects an invalid variant (the check can fail): `ssh_genkeytypes: []`, which the schema forbids", () => {
        const content = renderedFile(s, USER_DATA).content;
        const broken = content.replace(/^ssh_genkeytypes:\n( {2}- .*\n)+/m, "ssh_genkeytypes: []\n");
        expect(broken).not.toBe(content);
        const { r, report } = schemaCheck(broken);
        expect(r.status, report).not.toBe(0);
        expect(report).toMatch(/ssh_genkeytypes/);
    });
});
