import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DockerApi } from "./docker-api";
import { type ApplyOptions, Engine, type ImageProvider, type Step, summarize } from "./engine";
import { type GraphResource, type StackGraph, recordGraph } from "./graph";
import { PlayedHost } from "./host";
import { LoopbackPorts } from "./ports";
import { realizeTls } from "./tls";

/**
 * One shipped stack applied to the harness daemon: its recorded graph (TLS made real), the
 * played host, the engine with its state, and where the edge listens on loopback.
 */
export interface Tier5Daemon {
    /** The daemon's unix socket path. */
    socket: string;
    /** The tier-5 working directory (scratch hosts live under it). */
    dir: string;
}

export interface Tier5StackOptions {
    stack: "local" | "dev";
    daemon: Tier5Daemon;
    images: (graph: StackGraph) => ImageProvider;
    /** Config keys replacing the stack file's for this run (e.g. an alert receiver the harness runs). */
    config?: Record<string, unknown>;
    /** Host commands that cannot run here, by logical name, with the reason. */
    skipCommands?: ApplyOptions["skipCommands"];
}

export class Tier5Stack {
    readonly api: DockerApi;
    readonly ports = new LoopbackPorts();
    readonly host: PlayedHost;
    engine!: Engine;
    graph!: StackGraph;
    certificates: Record<string, string> = {};

    private constructor(
        readonly o: Tier5StackOptions,
        readonly home: string,
        dataDir: string | undefined,
    ) {
        this.api = new DockerApi(o.daemon.socket);
        this.host = new PlayedHost({ scratch: join(o.daemon.dir, "hosts", o.stack), socket: o.daemon.socket, dataDir });
    }

    /** Records the stack's graph (HOME in the scratch host, so `local`'s data directory lands there). */
    static async record(o: Tier5StackOptions): Promise<Tier5Stack> {
        const home = join(o.daemon.dir, "hosts", o.stack, "home");
        mkdirSync(home, { recursive: true });
        const graph = await recordGraph(o.stack, { home, config: o.config });
        const dataDir = graph.target === "vps" ? String(graph.outputs.dataDir) : undefined;
        const s = new Tier5Stack(o, home, dataDir);
        s.host.prepare();
        s.setGraph(graph);
        s.engine = new Engine(s.api, s.host, o.images(s.graph));
        return s;
    }

    /** Another graph of the same stack (a changed config), with TLS state carried over. */
    async rerecord(config: Record<string, unknown>): Promise<StackGraph> {
        const graph = await recordGraph(this.o.stack, { home: this.home, config: { ...this.o.config, ...config } });
        return realizeTls(graph).graph;
    }

    private setGraph(graph: StackGraph): void {
        const real = realizeTls(graph);
        this.graph = real.graph;
        this.certificates = real.certificates;
    }

    /** `pulumi up` of a graph against the engine's state; prints a one-line summary and the time. */
    async apply(graph: StackGraph = this.graph, extra: Partial<ApplyOptions> = {}): Promise<{ steps: Step[]; seconds: number }> {
        const containers = graph.resources.filter((r) => r.type === "docker:index/container:Container");
        await this.ports.reserve(
            containers.flatMap((c) => ((c.inputs.ports as { ip?: string; external: number }[]) ?? []).map((p) => ({ ip: p.ip ?? "0.0.0.0", external: p.external }))),
        );
        const started = Date.now();
        const steps = await this.engine.apply(graph, { rebind: this.ports.rebind, skipCommands: this.o.skipCommands, ...extra });
        const seconds = (Date.now() - started) / 1000;
        console.log(`tier 5 ${this.o.stack}: applied in ${seconds.toFixed(1)} s (${summarize(steps)})`);
        for (const s of steps.filter((x) => x.op === "skip")) console.log(`   skipped ${s.name}: ${s.note}`);
        return { steps, seconds };
    }

    containersOf(graph: StackGraph = this.graph): GraphResource[] {
        return graph.resources.filter((r) => r.type === "docker:index/container:Container");
    }

    byName(name: string, graph: StackGraph = this.graph): GraphResource {
        const r = graph.resources.find((x) => x.name === name);
        if (!r) throw new Error(`the ${this.o.stack} graph has no resource ${name}`);
        return r;
    }

    /** The edge as clients reach it on loopback: server name, ports, the certificate to trust. */
    edge(): { serverName: string; httpPort: number; httpsPort: number; ca: string } {
        const edge = this.containersOf().find((c) => ((c.inputs.ports as unknown[]) ?? []).length > 0 && String(c.name).endsWith("edge"));
        if (!edge) throw new Error("no edge container publishes ports");
        const ports = edge.inputs.ports as { internal: number; external: number }[];
        const https = ports.find((p) => p.internal === 443) ?? ports[1];
        const http = ports.find((p) => p.internal === 80) ?? ports[0];
        const url = new URL(String(this.graph.outputs.url));
        const cert = Object.values(this.certificates)[0];
        return { serverName: url.hostname, httpPort: this.ports.boundFor(http.external), httpsPort: this.ports.boundFor(https.external), ca: cert };
    }
}
