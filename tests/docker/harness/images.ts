import type { Daemon } from "./daemon";
import type { ImageProvider } from "./engine";
import type { GraphResource, StackGraph } from "./graph";
import { STANDIN_NAMESPACE, buildAppImage, buildBackupImage, buildStandins, parseImageRef, standinFor } from "./standins";

/**
 * What the engine runs for each image the graph names: the stand-in of an official image
 * (built once per process, warm from the daemon's cache), the sample app built from app/ for
 * the app image a stack pulls from its registry, and the graph's own `docker.Image` builds
 * (backup/, app/) built from their Dockerfiles onto the stand-ins.
 */
let built: Promise<{ hash: string }> | undefined;
let tool: string | undefined;

/** An image with python3, busybox wget and a shell, for the harness's own helper containers. */
export function toolImage(): string {
    if (!tool) throw new Error("the stand-ins are not built yet (tier5Images builds them on first use)");
    return tool;
}

export async function ensureStandins(daemon: Daemon): Promise<void> {
    built ??= buildStandins(daemon);
    // The common layer: the base plus busybox's wget and the other Alpine-style tools.
    tool = `${STANDIN_NAMESPACE}/common:${(await built).hash}`;
}

export function tier5Images(daemon: Daemon, graph: StackGraph): ImageProvider {
    const appImage = typeof graph.outputs.appImage === "string" ? graph.outputs.appImage : undefined;
    const apps = new Map<string, Promise<string>>();
    return {
        async forContainer(ref) {
            await ensureStandins(daemon);
            const app = ref === appImage || (appImage !== undefined && parseImageRef(ref).repository === parseImageRef(appImage).repository);
            if (app) {
                // The registry's app image, played by app/ built onto the node stand-in, one tag per reference.
                const { repository, tag } = parseImageRef(ref);
                const standin = `${STANDIN_NAMESPACE}/${repository.replace(/\//g, "-")}:${tag}`;
                if (!apps.has(standin)) apps.set(standin, buildAppImage(daemon, standin));
                return await (apps.get(standin) as Promise<string>);
            }
            return standinFor(ref);
        },
        async build(r: GraphResource) {
            await ensureStandins(daemon);
            const build = r.inputs.build as { context?: string } | undefined;
            const context = String(build?.context ?? "");
            const name = String(r.inputs.imageName);
            const tag = `slipway-t5/${name.replace(/[:/]/g, "-")}:${Date.now().toString(36)}`;
            if (/(^|\/)backup$/.test(context)) return await buildBackupImage(daemon, tag);
            if (/(^|\/)app$/.test(context)) return await buildAppImage(daemon, tag);
            throw new Error(`tier 5 does not know how to build the image ${r.name} (context ${context})`);
        },
    };
}
