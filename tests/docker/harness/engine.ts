import { setTimeout as sleep } from "node:timers/promises";
import { type ContainerSpec, type PortRebinding, containerSpec } from "./container-spec";
import type { DockerApi } from "./docker-api";
import { type GraphResource, type StackGraph, directDependencies, topologicalOrder } from "./graph";
import type { CommandResult, PlayedHost } from "./host";

/**
 * Applies a recorded stack graph to the harness's Docker daemon and played host the way the
 * Pulumi engine would for `pulumi up` against existing state:
 * - resources in dependency order, in parallel as the engine walks them (each starts when its
 *   dependencies are done);
 * - a resource whose inputs did not change is left alone, even if what it made is gone (the
 *   engine trusts its state unless refreshed: this is how a rebuilt droplet finds no network);
 * - a container with changed inputs is replaced (every container input forces replacement):
 *   delete-then-create with `deleteBeforeReplace`, otherwise create-then-delete, the old one
 *   deleted after every other step, in reverse dependency order, as the engine does;
 * - a command with changed `triggers` is replaced (its old `delete` runs at the end); other
 *   changed inputs re-run `create` (an update);
 * - a protected resource is never deleted or replaced: the run fails, as `pulumi up` would.
 * Cloud-side and value-only resources (DigitalOcean, random, tls, providers, components) have
 * no Docker form; their values are already in the graph. Any other type fails the run.
 */

/** Types whose values the graph already holds and that have no Docker-side effect. */
const VALUE_ONLY = ["digitalocean:", "random:", "tls:", "pulumi:providers:", "slipway:components:"];

export interface ImageProvider {
    /** The image a container runs in tier 5 for its recorded `image` input. */
    forContainer(ref: string): Promise<string>;
    /** Builds a `docker.Image` resource (a local build) and returns the image to run. */
    build(r: GraphResource): Promise<string>;
}

export interface ApplyOptions {
    /**
     * Host commands that cannot run here, by logical name, each with the reason (printed) and,
     * where later steps need its effect, a script that plays that effect instead (like the
     * played cloud-init), run as the same user.
     */
    skipCommands?: Record<string, string | { reason: string; instead: string }>;
    rebind: PortRebinding;
    /** Called before each step (drills log or time them). */
    onStep?: (step: Step) => void;
}

export interface Step {
    op: "create" | "replace" | "update" | "delete" | "same" | "skip" | "value";
    type: string;
    name: string;
    ms?: number;
    note?: string;
}

interface Applied {
    r: GraphResource;
    /** Container or network id, image reference, or command stdout. */
    ref?: string;
    spec?: ContainerSpec;
}

const stable = (v: unknown): string =>
    JSON.stringify(v, (_k, x: unknown) =>
        x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : x,
    );

function changedKeys(a: GraphResource, b: GraphResource): string[] {
    const ignore = new Set(b.ignoreChanges);
    const keys = new Set([...Object.keys(a.inputs), ...Object.keys(b.inputs)]);
    return [...keys].filter((k) => !ignore.has(k) && stable(a.inputs[k]) !== stable(b.inputs[k]));
}

export class Engine {
    /** The engine's state: what it believes exists, by URN. */
    readonly state = new Map<string, Applied>();
    readonly steps: Step[] = [];

    constructor(
        private readonly api: DockerApi,
        private readonly host: PlayedHost,
        private readonly images: ImageProvider,
    ) {}

    /** The container the state holds for a logical name (e.g. `db-postgres`). */
    container(name: string): { id: string; name: string; spec: ContainerSpec } {
        const a = [...this.state.values()].find((x) => x.r.name === name && x.r.type === "docker:index/container:Container");
        if (!a?.ref || !a.spec) throw new Error(`no container ${name} in the engine's state`);
        return { id: a.ref, name: a.spec.name, spec: a.spec };
    }

    async apply(graph: StackGraph, o: ApplyOptions): Promise<Step[]> {
        const steps: Step[] = [];
        const record = (s: Step) => {
            steps.push(s);
            this.steps.push(s);
            o.onStep?.(s);
        };
        const pendingDeletes: Applied[] = [];
        const order = topologicalOrder(graph.resources);
        const newUrns = new Set(order.map((r) => r.urn));
        const imageOf = (r: GraphResource): GraphResource | undefined =>
            (r.propertyDependencies.image ?? []).map((u) => graph.resources.find((x) => x.urn === u)).find((x) => x?.type === "docker:index/image:Image");

        // The engine's parallel walk: every resource whose dependencies are done starts at once.
        const deps = new Map(order.map((r) => [r.urn, new Set([...directDependencies(r), ...(r.parent ? [r.parent] : [])].filter((u) => newUrns.has(u) && u !== r.urn))]));
        const finished = new Set<string>();
        const running = new Map<string, Promise<void>>();
        const errors: unknown[] = [];
        const waiting = [...order];
        while (waiting.length > 0 || running.size > 0) {
            if (errors.length === 0) {
                for (const r of waiting.filter((x) => [...(deps.get(x.urn) ?? [])].every((d) => finished.has(d)))) {
                    waiting.splice(waiting.indexOf(r), 1);
                    running.set(
                        r.urn,
                        this.step(r, o, record, pendingDeletes, imageOf)
                            .catch((e: unknown) => void errors.push(e))
                            .finally(() => {
                                finished.add(r.urn);
                                running.delete(r.urn);
                            }),
                    );
                }
            }
            if (running.size === 0) break;
            await Promise.race(running.values());
        }
        if (errors.length > 0) throw errors[0];
        if (waiting.length > 0) throw new Error(`never started (a dependency failed): ${waiting.map((r) => r.name).join(", ")}`);

        // Replaced resources' old copies, then resources no longer in the graph: dependents first.
        const gone = [...this.state.values()].filter((a) => !newUrns.has(a.r.urn));
        for (const a of [...pendingDeletes.reverse(), ...topologicalOrder(gone.map((g) => g.r)).reverse().map((r) => this.state.get(r.urn) as Applied)]) {
            const started = Date.now();
            if (a.r.protect) throw new Error(`${a.r.name} is protected: the engine refuses to delete it`);
            await this.deleteOne(a);
            if (!newUrns.has(a.r.urn)) this.state.delete(a.r.urn);
            record({ op: "delete", type: a.r.type, name: a.r.name, ms: Date.now() - started });
        }
        return steps;
    }

    private async step(
        r: GraphResource,
        o: ApplyOptions,
        record: (s: Step) => void,
        pendingDeletes: Applied[],
        imageOf: (r: GraphResource) => GraphResource | undefined,
    ): Promise<void> {
        const started = Date.now();
        const old = this.state.get(r.urn);
        const done = (op: Step["op"], note?: string) => record({ op, type: r.type, name: r.name, ms: Date.now() - started, note });
        if (VALUE_ONLY.some((p) => r.type.startsWith(p))) {
            this.state.set(r.urn, { r });
            done("value");
            return;
        }
        const changed = old ? changedKeys(old.r, r) : [];
        if (old && changed.length === 0) {
            this.state.set(r.urn, { ...old, r });
            done("same");
            return;
        }
        switch (r.type) {
            case "docker:index/network:Network": {
                if (old) await this.replaceGuard(old, changed);
                if (old) await this.deleteOne(old);
                this.state.set(r.urn, { r, ref: await this.createNetwork(r) });
                done(old ? "replace" : "create", old ? `changed: ${changed.join(", ")}` : undefined);
                break;
            }
            case "docker:index/image:Image": {
                this.state.set(r.urn, { r, ref: await this.images.build(r) });
                done(old ? "replace" : "create");
                break;
            }
            case "docker:index/container:Container": {
                const built = imageOf(r);
                const image = built ? this.state.get(built.urn)?.ref : await this.images.forContainer(String(r.inputs.image));
                if (!image) throw new Error(`container ${r.name}: its image ${built?.name} is not in the engine's state`);
                const name = String(r.inputs.name ?? r.state?.name ?? "");
                if (!name) throw new Error(`container ${r.name} has no name and the graph recorded no generated one`);
                const spec = containerSpec(r.inputs, name, image, o.rebind);
                if (old) {
                    await this.replaceGuard(old, changed);
                    if (r.deleteBeforeReplace) await this.deleteOne(old);
                    else pendingDeletes.push(old);
                }
                this.state.set(r.urn, { r, spec, ref: await this.createContainer(spec) });
                done(old ? "replace" : "create", old ? `changed: ${changed.join(", ")}` : undefined);
                break;
            }
            case "command:local:Command":
            case "command:remote:Command": {
                const skip = o.skipCommands?.[r.name];
                if (skip) {
                    const played = typeof skip === "string" ? undefined : await this.host.run(skip.instead);
                    if (played && played.code !== 0) throw new CommandFailed(r, played);
                    this.state.set(r.urn, { r });
                    done("skip", typeof skip === "string" ? skip : `${skip.reason} (played: ${skip.instead.split("\n")[0]})`);
                    break;
                }
                const replace = old !== undefined && changed.includes("triggers");
                if (old && replace) pendingDeletes.push(old);
                const script = String(old && !replace ? (r.inputs.update ?? r.inputs.create) : r.inputs.create);
                const result = await this.host.run(script, r.inputs.stdin === undefined ? undefined : String(r.inputs.stdin), {
                    interpreter: r.inputs.interpreter as string[] | undefined,
                    env: r.inputs.environment as Record<string, string> | undefined,
                });
                if (result.code !== 0) throw new CommandFailed(r, result);
                const mocked = String(r.state?.stdout ?? "");
                if (mocked && result.stdout !== mocked) {
                    throw new Error(`command ${r.name} printed ${JSON.stringify(result.stdout)} but the program was planned with ${JSON.stringify(mocked)}, which other resources consume`);
                }
                this.state.set(r.urn, { r, ref: result.stdout });
                done(old ? (replace ? "replace" : "update") : "create");
                break;
            }
            default:
                throw new Error(`tier 5 does not know how to apply ${r.type} (${r.name})`);
        }
    }

    private async replaceGuard(old: Applied, changed: string[]): Promise<void> {
        if (old.r.protect) throw new Error(`${old.r.name} is protected and its inputs changed (${changed.join(", ")}): the engine refuses to replace it`);
    }

    private async createNetwork(r: GraphResource): Promise<string> {
        const i = r.inputs;
        const known = new Set(["name", "driver", "internal", "attachable", "ipv6", "labels", "options"]);
        const unknown = Object.keys(i).filter((k) => !known.has(k));
        if (unknown.length) throw new Error(`tier 5 does not know how to apply docker.Network input(s) ${unknown.join(", ")} (${r.name})`);
        const created = await this.api.ok<{ Id: string }>("POST", "/networks/create", {
            Name: i.name,
            Driver: i.driver ?? "bridge",
            Internal: i.internal === true,
            Attachable: i.attachable === true,
            EnableIPv6: i.ipv6 === true,
            CheckDuplicate: true,
            Options: i.options ?? {},
            Labels: Object.fromEntries(((i.labels as { label: string; value: string }[]) ?? []).map((l) => [l.label, l.value])),
        });
        return created.Id;
    }

    private async createContainer(spec: ContainerSpec): Promise<string> {
        const created = await this.api.ok<{ Id: string }>("POST", `/containers/create?name=${encodeURIComponent(spec.name)}`, spec.body);
        for (const n of spec.extraNetworks) {
            await this.api.ok("POST", `/networks/${encodeURIComponent(n.name)}/connect`, { Container: created.Id, EndpointConfig: { Aliases: n.aliases } });
        }
        if (spec.mustRun) await this.api.ok("POST", `/containers/${created.Id}/start`, undefined, [304]);
        if (spec.wait) await this.waitHealthy(created.Id, spec.name, spec.waitTimeoutSeconds * 1000);
        return created.Id;
    }

    /** The provider's `wait`: healthy within the timeout, or the step fails with the container's log. */
    async waitHealthy(id: string, name: string, timeoutMs: number): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const c = await this.api.inspectContainer(id);
            const health = c?.State.Health?.Status;
            if (health === "healthy") return;
            if (!c || health === "unhealthy" || (!c.State.Running && c.State.Status !== "created" && c.State.Status !== "restarting") || Date.now() > deadline) {
                const log = await this.api.logs(id, 30).catch(() => "");
                const probe = c?.State.Health?.Log?.at(-1)?.Output?.trim() ?? "";
                throw new Error(
                    `container ${name} did not become healthy (status ${c?.State.Status}, health ${health}, restarts ${c?.RestartCount}) within ${timeoutMs / 1000}s\n--- last health probe: ${probe}\n--- log:\n${log}`,
                );
            }
            await sleep(500);
        }
    }

    private async deleteOne(a: Applied): Promise<void> {
        switch (a.r.type) {
            case "docker:index/container:Container":
                if (a.ref) {
                    await this.api.call("POST", `/containers/${a.ref}/stop?t=${a.spec?.stopTimeoutSeconds ?? 10}`);
                    await this.api.call("DELETE", `/containers/${a.ref}?force=1`);
                }
                return;
            case "docker:index/network:Network":
                if (a.ref) await this.api.call("DELETE", `/networks/${a.ref}`);
                return;
            case "command:local:Command":
            case "command:remote:Command": {
                if (a.r.retainOnDelete || a.r.inputs.delete === undefined) return;
                const result = await this.host.run(String(a.r.inputs.delete));
                if (result.code !== 0) throw new CommandFailed(a.r, result);
                return;
            }
            default:
                return;
        }
    }
}

export class CommandFailed extends Error {
    constructor(
        readonly resource: GraphResource,
        readonly result: CommandResult,
    ) {
        super(`host command ${resource.name} exited ${result.code}\n--- stderr:\n${result.stderr.slice(-3000)}\n--- stdout:\n${result.stdout.slice(-1000)}`);
    }
}

/** Everything the harness's engine applied, for a summary line. */
export const summarize = (steps: Step[]): string => {
    const counts = new Map<string, number>();
    for (const s of steps) counts.set(s.op, (counts.get(s.op) ?? 0) + 1);
    return [...counts].map(([op, n]) => `${n} ${op}`).join(", ");
};

export { directDependencies };
