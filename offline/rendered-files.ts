import { FILE_MARKER } from "../components/shared/host-files";
import type { Graph } from "./graph";
import type { RecordedResource } from "./recorder";
import { reveal } from "./secret-value";

export interface RenderedFile {
    /** Path relative to the output directory. */
    path: string;
    content: string;
    /** Octal mode the program gives the file on the server, when it sets one. */
    mode?: string;
}

const text = (v: unknown): string => String(reveal(v) ?? "");

/** The host file a command writes (absolute path, content, mode), or undefined for other commands. */
export function hostFileOf(r: RecordedResource): RenderedFile | undefined {
    if (r.type !== "command:remote:Command" && r.type !== "command:local:Command") return undefined;
    const create = text(r.inputs.create);
    if (!create.startsWith(FILE_MARKER)) return undefined;
    const mode = /^chmod (0[0-7]{3}) /m.exec(create)?.[1];
    return { path: create.slice(FILE_MARKER.length).split("\n")[0], content: text(r.inputs.stdin), mode };
}

/** Every rendered file in a stack's graph. `dataDir` is stripped from host-file paths. */
export function renderedFiles(graph: Graph, dataDir?: string): RenderedFile[] {
    const files: RenderedFile[] = [];
    for (const file of graph.resources.map(hostFileOf)) {
        if (!file) continue;
        const absolute = file.path;
        const relative = dataDir && absolute.startsWith(`${dataDir}/`) ? absolute.slice(dataDir.length + 1) : absolute.replace(/^\/+/, "");
        files.push({ ...file, path: relative });
    }
    for (const d of graph.ofType("digitalocean:index/droplet:Droplet")) {
        files.push({ path: "cloud-init/user-data.yaml", content: text(d.inputs.userData), mode: "0600" });
    }
    for (const t of graph.ofType("aws:ecs/taskDefinition:TaskDefinition")) {
        files.push({ path: `aws/${t.name}-container-definitions.json`, content: pretty(text(t.inputs.containerDefinitions)) });
    }
    for (const d of graph.ofType("aws:cloudwatch/dashboard:Dashboard")) {
        files.push({ path: `aws/${d.name}.json`, content: pretty(text(d.inputs.dashboardBody)) });
    }
    const seen = new Set<string>();
    for (const f of files) {
        if (seen.has(f.path)) throw new Error(`Two rendered files share the path ${f.path}`);
        seen.add(f.path);
    }
    return files.sort((a, b) => a.path.localeCompare(b.path));
}

const pretty = (json: string): string => `${JSON.stringify(JSON.parse(json), null, 2)}\n`;
