import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import type { RecordedResource } from "../../../offline/recorder";

/** A recorded resource with its secrets revealed and the provider state the program saw. */
export interface GraphResource extends Omit<RecordedResource, "inputs"> {
    inputs: Record<string, unknown>;
    /** What the (mock) provider returned after create: auto-generated names, command stdout. */
    state?: Record<string, unknown>;
}

export interface StackGraph {
    stack: string;
    target: string;
    resources: GraphResource[];
    outputs: Record<string, unknown>;
}

export interface RecordOptions {
    /** Config keys that replace the stack file's (e.g. another app image for a rollout). */
    config?: Record<string, unknown>;
    /** HOME the program sees (the local target's data directory lives under it). */
    home?: string;
}

const repoRoot = resolve(__dirname, "../../..");

/** A shipped stack file's `config:` section (for overrides that keep the rest of a key). */
export function stackConfig(stack: string): Record<string, Record<string, unknown>> {
    const doc = parse(readFileSync(join(repoRoot, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, Record<string, unknown>> };
    return doc.config ?? {};
}

/**
 * Records a stack's graph with the real program under the offline runtime, in a child process
 * (Pulumi's runtime is process-global; a drill needs a graph before and after a change).
 */
export async function recordGraph(stack: string, opts: RecordOptions = {}): Promise<StackGraph> {
    const dir = mkdtempSync(join(tmpdir(), "slipway-t5-graph-"));
    const overrides = join(dir, "overrides.json");
    writeFileSync(overrides, JSON.stringify(opts));
    const tsx = join(repoRoot, "node_modules", ".bin", "tsx");
    const child = spawn(tsx, [join(__dirname, "record-graph.ts"), stack, overrides], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    const code = await new Promise<number>((r) => child.on("close", (c) => r(c ?? 1)));
    if (code !== 0) throw new Error(`recording the ${stack} graph failed (exit ${code}): ${Buffer.concat(err).toString().slice(0, 4000)}`);
    return JSON.parse(Buffer.concat(out).toString("utf8")) as StackGraph;
}

/** Resources in an order where every dependency comes first (Kahn's algorithm, stable by graph order). */
export function topologicalOrder(resources: GraphResource[]): GraphResource[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const deps = new Map<string, Set<string>>();
    for (const r of resources) {
        const all = new Set<string>([...r.dependencies, ...Object.values(r.propertyDependencies).flat()]);
        if (r.parent) all.add(r.parent);
        deps.set(r.urn, new Set([...all].filter((u) => byUrn.has(u) && u !== r.urn)));
    }
    const done = new Set<string>();
    const order: GraphResource[] = [];
    while (order.length < resources.length) {
        const ready = resources.filter((r) => !done.has(r.urn) && [...(deps.get(r.urn) ?? [])].every((d) => done.has(d)));
        if (ready.length === 0) {
            const left = resources.filter((r) => !done.has(r.urn)).map((r) => r.name);
            throw new Error(`dependency cycle among: ${left.join(", ")}`);
        }
        for (const r of ready) {
            done.add(r.urn);
            order.push(r);
        }
    }
    return order;
}

/** Everything `r` depends on, directly (dependsOn or an input). */
export const directDependencies = (r: GraphResource): string[] => [...new Set([...r.dependencies, ...Object.values(r.propertyDependencies).flat()])];

/**
 * The graph of a rebuilt droplet: the new droplet's id replaces the old one in every input that
 * carries it, as the engine passes the replacement's id to everything that reads it.
 */
export function withReplacedDroplet(graph: StackGraph, newId: string): StackGraph {
    const droplet = graph.resources.find((r) => r.type === "digitalocean:index/droplet:Droplet");
    if (!droplet) throw new Error(`the ${graph.stack} graph has no droplet`);
    const oldId = droplet.id;
    const swap = (v: unknown): unknown => {
        if (typeof v === "string") return v.split(oldId).join(newId);
        if (Array.isArray(v)) return v.map(swap);
        if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
        return v;
    };
    return {
        ...graph,
        resources: graph.resources.map((r) => (r.urn === droplet.urn ? { ...r, id: newId } : { ...r, inputs: swap(r.inputs) as Record<string, unknown> })),
    };
}
