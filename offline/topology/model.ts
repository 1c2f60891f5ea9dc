/**
 * The topology a diagram draws, independent of Mermaid: nested groups (network boundaries and,
 * inside them, components), nodes for the main resources, and edges for traffic and data flows.
 * Target-specific readers (aws.ts, docker.ts) fill a `TopologyBuilder`; mermaid.ts prints it.
 */

export type NodeShape = "box" | "rounded" | "cylinder" | "circle" | "stadium";

/**
 * `traffic`: a request path, drawn solid, pointing from client to server.
 * `data`: backups, metrics, alerts, logs, secrets, drawn dotted, pointing the way the data moves.
 */
export type FlowKind = "traffic" | "data";

export interface TopologyGroup {
    id: string;
    title: string;
    /** A network boundary (VPC, subnet tier, firewall, host, Docker network) or a component. */
    kind: "boundary" | "component";
    parent?: string;
}

export interface TopologyNode {
    id: string;
    /** Lines of the label, plain text (escaped when printed). */
    lines: string[];
    shape: NodeShape;
    group?: string;
}

export interface TopologyEdge {
    from: string;
    to: string;
    kind: FlowKind;
    /** Label parts; the same edge found twice keeps each distinct part once. */
    labels: string[];
}

export interface Topology {
    groups: TopologyGroup[];
    nodes: TopologyNode[];
    edges: TopologyEdge[];
}

/** Mermaid-safe id from any name: letters, digits and `_`, always starting with a letter. */
export const safeId = (prefix: string, name: string): string => `${prefix}_${name.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "")}`;

/** Collects groups, nodes and edges; adding the same group or edge twice merges them. */
export class TopologyBuilder {
    private readonly groups = new Map<string, TopologyGroup>();
    private readonly nodes = new Map<string, TopologyNode>();
    private readonly edges = new Map<string, TopologyEdge>();

    group(g: TopologyGroup): string {
        const known = this.groups.get(g.id);
        if (known && (known.title !== g.title || known.parent !== g.parent)) {
            throw new Error(`topology group ${g.id} declared twice with different titles or parents`);
        }
        this.groups.set(g.id, g);
        return g.id;
    }

    /**
     * The subgraph of a component inside a boundary (or at the top level): one per pair, so a
     * component whose resources sit in several boundaries appears once in each.
     */
    componentGroup(boundary: string | undefined, component: { type: string; name: string } | undefined): string | undefined {
        if (!component) return boundary;
        const type = component.type.split(":").pop() ?? component.type;
        return this.group({
            id: safeId("c", `${(boundary ?? "top").replace(/^g_/, "")}_${component.name}`),
            title: `${type} ${component.name}`,
            kind: "component",
            parent: boundary,
        });
    }

    node(n: TopologyNode): string {
        if (this.nodes.has(n.id)) throw new Error(`topology node ${n.id} declared twice`);
        this.nodes.set(n.id, n);
        return n.id;
    }

    hasNode(id: string): boolean {
        return this.nodes.has(id);
    }

    edge(from: string, to: string, kind: FlowKind, label?: string): void {
        if (from === to) return;
        const key = `${from}\u0000${to}\u0000${kind}`;
        const e = this.edges.get(key) ?? { from, to, kind, labels: [] };
        if (label && !e.labels.includes(label)) e.labels.push(label);
        this.edges.set(key, e);
    }

    build(): Topology {
        const ids = new Set([...this.groups.keys(), ...this.nodes.keys()]);
        for (const e of this.edges.values()) {
            for (const end of [e.from, e.to]) if (!ids.has(end)) throw new Error(`topology edge ${e.from} → ${e.to}: unknown end ${end}`);
        }
        // A group shows only when something is inside it (or an edge points at it).
        const used = new Set<string>();
        const mark = (id: string | undefined): void => {
            for (let g = id; g && !used.has(g); g = this.groups.get(g)?.parent) used.add(g);
        };
        for (const n of this.nodes.values()) mark(n.group);
        for (const e of this.edges.values()) [e.from, e.to].filter((x) => this.groups.has(x)).forEach(mark);
        return {
            groups: [...this.groups.values()].filter((g) => used.has(g.id)),
            nodes: [...this.nodes.values()],
            edges: [...this.edges.values()].map((e) => ({ ...e, labels: [...e.labels].sort() })),
        };
    }
}
