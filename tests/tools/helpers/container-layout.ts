import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RecordedResource } from "../../../offline/recorder";
import { reveal } from "../../../offline/secret-value";
import { FILE_MARKER, shellQuote } from "../../../components/shared/host-files";
import type { RenderedStack } from "./rendered-stacks";
import { type ToolResult, requireTool, runTool } from "./tools";

/**
 * Runs a tool against the rendered files *unchanged*, at the absolute paths they name, by
 * reproducing the container's filesystem in a private mount namespace (`unshare --mount --net`;
 * the tests run as root, as CI does):
 *
 * - The root is the host's `/` under an overlayfs whose writable layer is a tmpfs, entered with
 *   chroot: the host's tools and libraries are all there, and every mkdir, passwd line or
 *   mountpoint (even a new top-level one such as /prometheus) lands in that layer, never on
 *   the host. /dev, /proc and /sys are bound in.
 * - The host's data directory (`/mnt/slipway` on vps) is a bind mount of a fresh copy of the
 *   stack's rendered files, and the host commands the container depends on (creating the ACME
 *   dirs, installing the placeholder certificate) run there, as the deploy does.
 * - The container's volumes (host path → container path, read-only where Docker mounts them so)
 *   and tmpfs mounts are made exactly as the graph's docker.Container declares them.
 * - Users the image has (`nginx`) are added to the overlaid /etc/passwd and /etc/group.
 * - `--net` gives the tool an empty network namespace (loopback only, down): nothing it does can
 *   reach or listen on anything outside.
 * Everything disappears with the namespace when the tool exits.
 */

export interface ContainerLayout {
    /** docker.Container name (e.g. `dev-edge`). */
    name: string;
    volumes: { hostPath: string; containerPath: string; readOnly: boolean }[];
    tmpfs: Record<string, string>;
}

/** Whether a recorded host command runs in a shell (the default) rather than, say, `node -e`. */
export const runsInShell = (command: RecordedResource): boolean => {
    const argv = reveal(command.inputs.interpreter);
    return !Array.isArray(argv) || /(^|\/)(ba|da)?sh$/.test(String(argv[0]));
};

/** The recorded docker.Container whose Pulumi resource name is `resourceName` (e.g. `web-edge`). */
function containerResource(s: RenderedStack, resourceName: string): RecordedResource {
    const c = s.graph.ofType("docker:index/container:Container").find((r) => r.name === resourceName);
    if (!c) throw new Error(`stack ${s.stack} has no container resource ${resourceName}`);
    return c;
}

/** A container's mounts, as its docker.Container declares them. */
export function containerLayout(s: RenderedStack, resourceName: string): ContainerLayout {
    const c = containerResource(s, resourceName);
    const volumes = ((reveal(c.inputs.volumes) as { hostPath: string; containerPath: string; readOnly?: boolean }[] | undefined) ?? []).map((v) => ({
        hostPath: v.hostPath,
        containerPath: v.containerPath,
        readOnly: v.readOnly === true,
    }));
    return { name: String(reveal(c.inputs.name)), volumes, tmpfs: (reveal(c.inputs.tmpfs) as Record<string, string> | undefined) ?? {} };
}

/** The host shell commands (not file writes, which are already rendered) a container depends on. */
export function hostSetupCommands(s: RenderedStack, resourceName: string): string[] {
    const c = containerResource(s, resourceName);
    const deps = new Set([...c.dependencies, ...Object.values(c.propertyDependencies).flat()]);
    return s.graph
        .ofType("command:remote:Command", "command:local:Command")
        .filter((r) => deps.has(r.urn) && runsInShell(r))
        .map((r) => String(reveal(r.inputs.create)))
        .filter((cmd) => !cmd.startsWith(FILE_MARKER));
}

/**
 * The validation the deploy itself runs inside the container before reloading it
 * (`docker exec <container> <check> && docker kill --signal=HUP …`), as an argv.
 */
export function deployCheck(s: RenderedStack, containerName: string): string[] {
    const prefix = `docker exec ${containerName} `;
    const found = s.graph
        .ofType("command:remote:Command", "command:local:Command")
        .map((r) => String(reveal(r.inputs.create)))
        .filter((cmd) => cmd.startsWith(prefix));
    if (found.length !== 1) throw new Error(`stack ${s.stack}: expected one host command starting "${prefix}", found ${found.length}`);
    const check = found[0].split(" && ")[0].slice(prefix.length);
    // Plain words only: anything that needs a shell to split would be misread here.
    if (!/^[\w./=:-]+( [\w./=:-]+)*$/.test(check)) throw new Error(`unexpected check command: ${check}`);
    return check.split(" ");
}

export interface RunInLayoutOptions {
    /** The container's mounts. */
    layout: ContainerLayout;
    /** Host commands to run (as the deploy does) before the container's mounts are made. */
    hostCommands?: string[];
    /** Users (and same-named groups) the image defines: name → uid (= gid). */
    users?: Record<string, number>;
    argv: string[];
    /** Rendered files (path under the data directory → content) replaced in the copy: TLS
     *  material minted for the mock's placeholders, broken variants in negative tests. */
    replaceFiles?: Record<string, string>;
    timeoutMs?: number;
}

/** Runs `argv` in a mount namespace laid out like the container on the stack's host. */
export function runInContainerLayout(s: RenderedStack, o: RunInLayoutOptions): ToolResult {
    requireTool("unshare");
    requireTool("chroot");
    if (!s.dataDir) throw new Error(`stack ${s.stack} has no Docker host data directory`);
    const dataDir = s.dataDir;
    const work = mkdtempSync(join(tmpdir(), "slipway-layout-"));
    try {
        // A fresh copy per run: host commands write into it (certificates, directories).
        const hostData = join(work, "host-data");
        cpSync(s.dir, hostData, { recursive: true });
        for (const [path, content] of Object.entries(o.replaceFiles ?? {})) writeFileSync(join(hostData, path), content);

        const q = shellQuote;
        const root = join(work, "root");
        const layer = join(work, "layer");
        const inRoot = (p: string): string => q(join(root, p));
        const script = [
            "set -eu",
            // The overlay's writable layer lives on its own tmpfs: overlayfs refuses an upper
            // directory inside its lower one (/).
            `mkdir -p ${q(root)} ${q(layer)}`,
            `mount -t tmpfs -o size=256m,mode=0755 tmpfs ${q(layer)}`,
            `mkdir -p ${q(`${layer}/upper`)} ${q(`${layer}/work`)}`,
            `mount -t overlay overlay -o ${q(`lowerdir=/,upperdir=${layer}/upper,workdir=${layer}/work`)} ${q(root)}`,
            ...["/dev", "/proc", "/sys"].map((d) => `mount --rbind ${d} ${inRoot(d)}`),
            `mkdir -p ${inRoot(dataDir)}`,
            `mount --bind ${q(hostData)} ${inRoot(dataDir)}`,
            ...(o.hostCommands ?? []).map((cmd) => `chroot ${q(root)} /bin/sh -c ${q(cmd)} >&2`),
            ...Object.entries(o.users ?? {}).flatMap(([name, id]) => [
                `grep -q ${q(`^${name}:`)} ${inRoot("/etc/group")} || echo ${q(`${name}:x:${id}:`)} >> ${inRoot("/etc/group")}`,
                `grep -q ${q(`^${name}:`)} ${inRoot("/etc/passwd")} || echo ${q(`${name}:x:${id}:${id}:${name}:/nonexistent:/usr/sbin/nologin`)} >> ${inRoot("/etc/passwd")}`,
            ]),
            // Docker creates a missing bind source as an empty directory; so does this.
            ...o.layout.volumes.flatMap((v) => [
                `[ -e ${inRoot(v.hostPath)} ] || mkdir -p ${inRoot(v.hostPath)}`,
                `mkdir -p ${inRoot(v.containerPath)}`,
                `mount --bind ${inRoot(v.hostPath)} ${inRoot(v.containerPath)}`,
                ...(v.readOnly ? [`mount -o remount,bind,ro ${inRoot(v.containerPath)}`] : []),
            ]),
            ...Object.entries(o.layout.tmpfs).flatMap(([path, opts]) => [`mkdir -p ${inRoot(path)}`, `mount -t tmpfs -o ${q(opts)} tmpfs ${inRoot(path)}`]),
            // Regular files rather than Node's stdio sockets, which cannot be reopened through
            // /dev/stdout and /dev/stderr (the rendered configs log there, as containers do).
            `exec chroot ${q(root)} "$@" >${q(join(work, "stdout"))} 2>${q(join(work, "stderr"))}`,
        ].join("\n");
        const r = runTool("unshare", ["--mount", "--net", "--propagation", "private", "sh", "-c", script, "sh", ...o.argv], { timeoutMs: o.timeoutMs ?? 60_000 });
        const captured = (f: string): string => (existsSync(join(work, f)) ? readFileSync(join(work, f), "utf8") : "");
        // The setup's own messages (a failed mount) come first, then the tool's output.
        return { command: o.argv.join(" "), status: r.status, stdout: `${r.stdout}${captured("stdout")}`, stderr: `${r.stderr}${captured("stderr")}` };
    } finally {
        rmSync(work, { recursive: true, force: true });
    }
}

/**
 * Where each rendered file appears inside the container, through its bind mounts: container
 * path → rendered file path (relative to the stack's data directory).
 */
export function containerView(s: RenderedStack, layout: ContainerLayout): Map<string, string> {
    const view = new Map<string, string>();
    if (!s.dataDir) return view;
    for (const v of layout.volumes) {
        if (v.hostPath !== s.dataDir && !v.hostPath.startsWith(`${s.dataDir}/`)) continue;
        const rel = v.hostPath.slice(s.dataDir.length + 1);
        for (const f of s.files) {
            if (f.path === rel) view.set(v.containerPath, f.path);
            else if (rel === "" || f.path.startsWith(`${rel}/`)) view.set(`${v.containerPath}/${f.path.slice(rel ? rel.length + 1 : 0)}`, f.path);
        }
    }
    return view;
}

/** The container's environment as a map (`envs` are `NAME=value` strings). */
export function containerEnv(s: RenderedStack, resourceName: string): Record<string, string> {
    const c = containerResource(s, resourceName);
    const envs = (reveal(c.inputs.envs) as string[] | undefined) ?? [];
    return Object.fromEntries(envs.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}
