import type { EnforcementLevel, Policy, PolicyPackArgs } from "@pulumi/policy";
import { existsSync, readFileSync } from "node:fs";
import Module from "node:module";
import { isAbsolute, join, resolve as resolvePath } from "node:path";
import { parse } from "yaml";
import type { Graph } from "./graph";
import type { PolicyConfigFile, PolicyContext } from "./policy-args";
import { type PolicyPackRun, type Violation, runPack } from "./policy-run";

/**
 * Loads a CrossGuard policy pack directory (what `pulumi preview --policy-pack DIR` takes) into
 * this process without serving it. A pack's program ends in `new PolicyPack(name, args,
 * initialConfig)`, whose constructor starts the gRPC policy server (node_modules/@pulumi/policy/
 * policy.js → server.js `serve`). While the pack loads, every copy of `@pulumi/policy` it
 * reaches gets a `PolicyPack` that records its arguments instead, so offline/policy-run.ts can
 * run the same policies on a recorded graph.
 */

interface Captured {
    name: string;
    args: PolicyPackArgs;
    initialConfig?: PolicyConfigFile;
}

const loaded = new Map<string, PolicyPackRun>();

/** The file a pack runs: its package.json `main`, else index.js or index.ts (the CLI runs TypeScript packs too). */
function entryOf(dir: string): string {
    const pkgFile = join(dir, "package.json");
    const main = existsSync(pkgFile) ? (JSON.parse(readFileSync(pkgFile, "utf8")) as { main?: string }).main : undefined;
    const candidates = [main, "index.js", "index.ts"].filter((c): c is string => !!c).map((c) => join(dir, c));
    const found = candidates.find((c) => existsSync(c)) ?? candidates.map((c) => `${c}.js`).find((c) => existsSync(c));
    if (!found) throw new Error(`policy pack ${dir}: no entry file (package.json main, index.js or index.ts)`);
    return found;
}

/** The packs constructed during the current load (see `capturingPolicyPacks`). */
let capturing: Captured[] | undefined;

/**
 * Stands in for PolicyPack while a pack loads. One class for the whole process: a pack class
 * that extends PolicyPack (AwsGuard does) keeps the base it was defined with, so a later load of
 * another directory that reuses it must still be recorded.
 */
class RecordedPolicyPack {
    constructor(
        public readonly name: string,
        args: PolicyPackArgs,
        initialConfig?: PolicyConfigFile,
    ) {
        if (!capturing) throw new Error(`PolicyPack ${name} constructed outside a policy pack load`);
        capturing.push({ name, args, initialConfig });
    }
}

type ModuleInternals = {
    _load: (request: string, parent: unknown, isMain: boolean) => unknown;
    _resolveFilename: (request: string, parent: unknown) => string;
};

/** Runs `load` with every `@pulumi/policy` copy's PolicyPack replaced by the recorder. */
function capturingPolicyPacks(load: () => void): Captured[] {
    const mod = Module as unknown as ModuleInternals;
    const originalLoad = mod._load;
    const patched = new Map<Record<string, unknown>, unknown>();
    // PolicyPack is defined in @pulumi/policy/policy.js; the package index re-exports it through
    // a getter, so replacing it on policy.js's exports covers `require("@pulumi/policy")` too.
    const patchBeside = (filename: string, parent: unknown) => {
        const e = originalLoad.call(mod, filename.replace(/(index|policy)\.js$/, "policy.js"), parent, false) as Record<string, unknown>;
        if (!patched.has(e) && typeof e.PolicyPack === "function") {
            patched.set(e, e.PolicyPack);
            e.PolicyPack = RecordedPolicyPack;
        }
    };
    mod._load = function (request: string, parent: unknown, isMain: boolean) {
        if (request.includes("policy")) {
            let filename = "";
            try {
                filename = mod._resolveFilename(request, parent);
            } catch {
                // Not resolvable here: the real load below reports it.
            }
            if (/@pulumi[\\/]policy[\\/](index|policy)\.js$/.test(filename)) patchBeside(filename, parent);
        }
        return originalLoad.call(this, request, parent, isMain);
    };
    capturing = [];
    const captured = capturing;
    try {
        load();
    } finally {
        capturing = undefined;
        mod._load = originalLoad;
        for (const [e, original] of patched) e.PolicyPack = original;
    }
    return captured;
}

/** Loads the pack in `dir` (relative to `cwd`). Each directory is loaded once per process. */
export function loadPolicyPack(dir: string, cwd = process.cwd()): PolicyPackRun {
    const abs = isAbsolute(dir) ? dir : resolvePath(cwd, dir);
    const cached = loaded.get(abs);
    if (cached) return cached;
    const yamlFile = join(abs, "PulumiPolicy.yaml");
    if (!existsSync(yamlFile)) throw new Error(`--policy-pack ${dir}: not a policy pack (no PulumiPolicy.yaml in ${abs})`);
    const runtime = (parse(readFileSync(yamlFile, "utf8")) as { runtime?: string | { name?: string } } | null)?.runtime;
    const runtimeName = typeof runtime === "string" ? runtime : runtime?.name;
    if (runtimeName !== "nodejs") throw new Error(`--policy-pack ${dir}: runtime ${runtimeName ?? "(none)"} cannot run in-process; only nodejs packs can`);
    const entry = entryOf(abs);
    if (entry.endsWith(".ts")) {
        // The Pulumi CLI runs TypeScript packs through ts-node; tsx's CommonJS hook does the same here.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require("tsx/cjs/api") as { register: () => void }).register();
    }
    const captured = capturingPolicyPacks(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(entry);
    });
    if (captured.length !== 1) {
        throw new Error(`--policy-pack ${dir}: expected one \`new PolicyPack(...)\` when ${entry} loads, found ${captured.length}`);
    }
    const [{ name, args, initialConfig }] = captured;
    const pkgFile = join(abs, "package.json");
    // The server reports the version from the pack's package.json (its working directory's).
    const version = existsSync(pkgFile) ? String((JSON.parse(readFileSync(pkgFile, "utf8")) as { version?: string }).version ?? "") : "";
    const pack: PolicyPackRun = {
        name,
        version: version.replace(/^v/, ""),
        enforcementLevel: (args.enforcementLevel ?? "advisory") as EnforcementLevel,
        policies: (args.policies ?? []) as Policy[],
        initialConfig,
    };
    loaded.set(abs, pack);
    return pack;
}

/** A bad `--policy-pack` or `--policy-pack-config` (the plan exits 2 on it, like any bad input). */
export class PolicyPackError extends Error {
    override name = "PolicyPackError";
}

/** Slipway's own pack: the plan runs it already, so `--policy-pack policy` does not run it twice. */
const ownPack = resolvePath(__dirname, "..", "policy");

/**
 * Runs every `--policy-pack DIR` over the graph beside Slipway's rules, each with the
 * `--policy-pack-config FILE` at the same position (as the Pulumi CLI pairs them): none at all,
 * or one per pack.
 */
export async function runPolicyPacks(graph: Graph, dirs: readonly string[], configFiles: readonly string[] = [], ctx: PolicyContext = {}): Promise<Violation[]> {
    if (configFiles.length > 0 && configFiles.length !== dirs.length) {
        throw new PolicyPackError(`--policy-pack-config given ${configFiles.length} times for ${dirs.length} --policy-pack: give one per pack, in the same order, or none`);
    }
    const out: Violation[] = [];
    for (const [i, dir] of dirs.entries()) {
        if (resolvePath(dir) === ownPack) {
            if (configFiles[i]) throw new PolicyPackError(`--policy-pack ${dir} is Slipway's own pack, which the plan runs already: give its config with --policy-config`);
            continue;
        }
        let pack: PolicyPackRun;
        let config: PolicyConfigFile | undefined;
        try {
            pack = loadPolicyPack(dir);
            config = configFiles[i] ? (JSON.parse(readFileSync(configFiles[i], "utf8")) as PolicyConfigFile) : undefined;
        } catch (e) {
            throw new PolicyPackError((e as Error).message, { cause: e });
        }
        out.push(...(await runPack(graph, pack, { ...ctx, config }, configFiles[i])));
    }
    return out;
}
