import * as pulumi from "@pulumi/pulumi";
import { existsSync, statSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { YAMLParseError } from "yaml";
import { ComponentArgError } from "../components/shared/errors";
import { ConfigError } from "../stacks/config-errors";
import { Graph } from "./graph";
import { OFFLINE_DEFAULT_REGION } from "./lookups";
import { offlineMocks } from "./mocks";
import { type RecordingMonitor, drainRegistrations, installRecordingMocks } from "./recorder";
import { SecretValue } from "./secret-value";
import { type LoadedConfig, loadStackFile, toRuntimeConfig } from "./stack-config";

export const PROJECT = "slipway";
const projectRoot = resolvePath(__dirname, "..");

export interface OfflineRunOptions {
    /** Stack name (`prod`, `dev`, `local`, …). */
    stack: string;
    /** A stack file to read instead of `Pulumi.<stack>.yaml`. */
    configFile?: string;
    /** The `config:` section as an object, instead of a file (tests). */
    config?: Record<string, unknown>;
    /** The file name used in messages when `config` is given. */
    stackFile?: string;
    /** Receives the monitor before the program runs (tests inspect it when the run throws). */
    onMonitor?: (monitor: RecordingMonitor) => void;
}

export interface OfflineRun {
    stack: string;
    target: string;
    graph: Graph;
    /** Stack outputs; secret ones as `SecretValue`. */
    outputs: Record<string, unknown>;
}

/** Resolves a stack output, keeping whether it was secret. */
async function settleOutput(value: unknown): Promise<unknown> {
    const out = pulumi.output(value as pulumi.Input<string>) as unknown as pulumi.Output<unknown>;
    const secret = await pulumi.isSecret(out);
    const plain = await new Promise<unknown>((r) => out.apply((v) => r(v)));
    return secret ? new SecretValue(plain) : plain;
}

function loadConfig(opts: OfflineRunOptions): { loaded: LoadedConfig; stackFile: string } {
    if (opts.config) return { loaded: toRuntimeConfig(opts.config), stackFile: opts.stackFile ?? `Pulumi.${opts.stack}.yaml` };
    // Messages name the file as the user gave it (`./stacks/Pulumi.prod.yaml` stays that), so
    // they can find it; without --config-file, the stack's own file by its usual name.
    const given = opts.configFile;
    const stackFile = opts.stackFile ?? given ?? `Pulumi.${opts.stack}.yaml`;
    const file = given ?? resolvePath(projectRoot, `Pulumi.${opts.stack}.yaml`);
    if (!existsSync(file)) {
        throw new ConfigError(
            given !== undefined
                ? `${given}: no such file; expected the path of an existing stack file (absolute, or relative to the current directory)`
                : `${stackFile}: no such file; expected the stack file of stack ${opts.stack} in ${projectRoot} (create it with \`pulumi stack init ${opts.stack}\`) or --config-file PATH`,
        );
    }
    if (!statSync(file).isFile()) throw new ConfigError(`${stackFile}: is a directory; expected the path of a stack file such as Pulumi.${opts.stack}.yaml`);
    try {
        return { loaded: loadStackFile(file), stackFile };
    } catch (e) {
        throw yamlError(stackFile, e);
    }
}

/** A YAML syntax error as one line, `file:line:column: what; expected …` (the parser's own message spans several lines). */
function yamlError(stackFile: string, e: unknown): unknown {
    if (!(e instanceof YAMLParseError)) return e;
    const pos = e.linePos?.[0];
    const what = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    return new ConfigError(`${stackFile}${pos ? `:${pos.line}:${pos.col}` : ""}: YAML syntax error: ${what}; expected a valid YAML stack file`);
}

/**
 * Runs the real Slipway program under the recording mock runtime with a stack's config and
 * returns the resource graph and outputs. Every bad input propagates as one `ConfigError` line:
 * the config's own checks, a component's `ComponentArgError` (naming the config key that fed
 * it), a missing stack file and a YAML syntax error.
 */
export async function runOffline(opts: OfflineRunOptions): Promise<OfflineRun> {
    const { loaded, stackFile } = loadConfig(opts);
    pulumi.runtime.setAllConfig(loaded.config, loaded.secretKeys);
    const region = loaded.config["aws:region"] ?? OFFLINE_DEFAULT_REGION;
    const monitor = installRecordingMocks(offlineMocks(region), PROJECT, opts.stack);
    opts.onMonitor?.(monitor);
    // A bad component argument thrown later, inside an `apply`, surfaces as a rejected
    // registration no caller awaits: caught here so it exits like any other bad input.
    // The caller's own handlers (the plan CLI's "plan failed") still see every other rejection.
    let late: ComponentArgError | undefined;
    const saved = process.listeners("unhandledRejection");
    const onRejection = (e: unknown, p: Promise<unknown>): void => {
        if (e instanceof ComponentArgError) late ??= e;
        else if (saved.length === 0) throw e; // what Node does with no handler: crash loudly
        else for (const l of saved) l(e, p);
    };
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", onRejection);
    try {
        // Imported after the mocks are in place, as Pulumi's testing guide requires.
        const { program } = await import("../stacks/program");
        const { target, outputs } = await program({ stackFile });
        const settled: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(outputs)) settled[k] = await settleOutput(v);
        await drainRegistrations();
        if (late) throw late;
        return { stack: opts.stack, target, graph: new Graph(monitor.recorded), outputs: settled };
    } catch (e) {
        // A component's bad argument is a bad input like a config error: exit 2, its one line.
        if (e instanceof ComponentArgError) throw new ConfigError(e.message);
        throw e;
    } finally {
        process.removeListener("unhandledRejection", onRejection);
        for (const l of saved) process.on("unhandledRejection", l);
    }
}
