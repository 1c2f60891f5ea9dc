/**
 * Records a stack's resource graph with the real program under the offline mock runtime and
 * prints it as JSON on stdout: every resource with its inputs (secrets revealed: tier 5 must
 * write the real bytes), dependencies and options. Run in a child process
 * (`tsx tests/docker/harness/record-graph.ts <stack> [overrides.json]`) because Pulumi's
 * runtime state is process-global and a drill needs two graphs (before and after a change).
 *
 * overrides.json: `{ "config": { "slipway:app": {...} }, "home": "/scratch/home" }` — config
 * keys replace the stack file's, `home` is the HOME the program sees (the local target puts
 * its data directory under it).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";
import type { RecordingMonitor } from "../../../offline/recorder";
import { fromWire } from "../../../offline/recorder";
import { runOffline } from "../../../offline/run";
import { reveal } from "../../../offline/secret-value";

interface Overrides {
    config?: Record<string, unknown>;
    home?: string;
}

async function main(): Promise<void> {
    const [stack, overridesFile] = process.argv.slice(2);
    if (!stack) throw new Error("usage: record-graph.ts <stack> [overrides.json]");
    const overrides: Overrides = overridesFile ? (JSON.parse(readFileSync(overridesFile, "utf8")) as Overrides) : {};
    if (overrides.home) process.env.HOME = overrides.home;
    const stackFile = resolve(__dirname, "../../..", `Pulumi.${stack}.yaml`);
    const doc = parse(readFileSync(stackFile, "utf8")) as { config?: Record<string, unknown> };
    const config = { ...(doc.config ?? {}), ...(overrides.config ?? {}) };
    let monitor: RecordingMonitor | undefined;
    const run = await runOffline({ stack, config, stackFile: `Pulumi.${stack}.yaml`, onMonitor: (m) => (monitor = m) });
    // The provider's state after create as the program saw it (auto-generated container names,
    // command stdout): the harness must create what the program's other inputs refer to.
    const stateOf = (urn: string): unknown => {
        const entry = (monitor as unknown as { resources: Map<string, { state: unknown }> }).resources.get(urn);
        return entry ? reveal(fromWire(entry.state)) : undefined;
    };
    const resources = run.graph.resources.map((r) => ({ ...r, inputs: reveal(r.inputs), state: r.custom ? stateOf(r.urn) : undefined }));
    process.stdout.write(JSON.stringify({ stack, target: run.target, resources, outputs: reveal(run.outputs) }));
}

main().catch((e: unknown) => {
    process.stderr.write(`record-graph: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
});
