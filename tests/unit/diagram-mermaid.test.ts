import { beforeAll, describe, expect, it } from "vitest";
import { renderDiagram } from "../../offline/diagram";
import { runOffline } from "../../offline/run";
import { type ParsedFlowchart, parseFlowchart } from "../helpers/mermaid-subset";

/**
 * The diagrams through Mermaid's own flowchart parser (mermaid + jsdom for the DOM its
 * sanitizer needs; happy-dom is not enough: its DOMPurify path drops the text before a <br/>;
 * jsdom 31 needs Node 22, jsdom 29 runs on Node 20). Checked with mermaid 11.17.2 and 12.3.0; pinned to 11 (12 declares Node >= 22.12).
 * Proves that what the strict reader accepts, Mermaid reads the same way: the same nodes with
 * the same text, the same edges, the same subgraph membership.
 */

interface MermaidVertex {
    id: string;
    text: string;
}
interface MermaidEdge {
    start: string;
    end: string;
    text: string;
    stroke: string;
}
interface MermaidSubgraph {
    id: string;
    title: string;
    nodes: string[];
}
interface FlowDb {
    getVertices(): Map<string, MermaidVertex>;
    getEdges(): MermaidEdge[];
    getSubGraphs(): MermaidSubgraph[];
}
interface MermaidApi {
    parse(text: string): Promise<unknown>;
    mermaidAPI: { getDiagramFromText(text: string): Promise<{ db: FlowDb }> };
}

let mermaid: MermaidApi;
beforeAll(async () => {
    try {
        const { JSDOM } = await import("jsdom");
        const dom = new JSDOM("");
        Object.assign(globalThis, { window: dom.window, document: dom.window.document });
        mermaid = (await import("mermaid")).default as unknown as MermaidApi;
    } catch (e) {
        throw new Error(`mermaid and jsdom must be installed (devDependencies; run npm ci): ${(e as Error).message}`);
    }
});

/** Mermaid keeps entity codes as placeholders until it renders; decode them like its renderer. */
const decode = (s: string): string =>
    s
        .replace(/ﬂ°°(\d+)¶ß/g, (_, n: string) => String.fromCodePoint(Number(n)))
        .replace(/ﬂ°(\w+)¶ß/g, (m, name: string) => ({ quot: '"', lt: "<", gt: ">", amp: "&" })[name] ?? m);

async function throughMermaid(text: string): Promise<FlowDb> {
    await mermaid.parse(text);
    return (await mermaid.mermaidAPI.getDiagramFromText(text)).db;
}

describe.each([["prod"], ["dev"], ["local"]])("the %s diagram in Mermaid's parser", (stack) => {
    let text: string;
    let ours: ParsedFlowchart;
    let db: FlowDb;
    beforeAll(async () => {
        text = renderDiagram((await runOffline({ stack })).graph);
        ours = parseFlowchart(text);
        db = await throughMermaid(text);
    });

    it("reads the same nodes with the same text", () => {
        // An edge to a subgraph (operators → droplet) also registers the subgraph id as a vertex.
        const vertices = [...db.getVertices().values()].filter((v) => !ours.groups.has(v.id));
        expect(vertices.map((v) => v.id).sort()).toEqual([...ours.nodes.keys()].sort());
        for (const v of vertices) expect(decode(v.text).split("<br>"), v.id).toEqual(ours.nodes.get(v.id)!.lines);
    });

    it("reads the same edges, solid and dotted, with the same labels", () => {
        const edges = db.getEdges().map((e) => `${e.start} ${e.stroke === "dotted" ? "-.->" : "-->"} ${e.end} ${decode(e.text)}`);
        expect(edges.sort()).toEqual(ours.edges.map((e) => `${e.from} ${e.style === "dotted" ? "-.->" : "-->"} ${e.to} ${e.label}`).sort());
    });

    it("reads the same subgraphs with the same members", () => {
        const subgraphs = db.getSubGraphs();
        expect(subgraphs.map((g) => g.id).sort()).toEqual([...ours.groups.keys()].sort());
        for (const g of subgraphs) {
            expect(decode(g.title), g.id).toBe(ours.groups.get(g.id)!.title);
            const members = [...ours.nodes.values(), ...ours.groups.values()].filter((x) => x.ancestors[0] === g.id).map((x) => x.id);
            expect([...g.nodes].sort(), g.id).toEqual(members.sort());
        }
    });
});

describe("Mermaid's parser", () => {
    it("rejects what the escaping prevents (so the checks above can fail)", async () => {
        await expect(mermaid.parse('flowchart LR\n  a["x" --> b\n')).rejects.toThrow(/Parse error/);
        await expect(mermaid.parse("flowchart LR\n  a --> end\n")).rejects.toThrow(/Parse error/);
    });
});
