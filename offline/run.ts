import * as pulumi from "@pulumi/pulumi";
import { existsSync } from "node:fs";
import { basename, resolve as resolvePath } from "node:path";
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
    const file = opts.configFile ?? resolvePath(projectRoot, `Pulumi.${opts.stack}.yaml`);
    if (!existsSync(file)) throw new Error(`No stack file ${file}: pass --config-file or create Pulumi.${opts.stack}.yaml`);
    return { loaded: loadStackFile(file), stackFile: opts.stackFile ?? basename(file) };
}

/**
 * Runs the real Slipway program under the recording mock runtime with a stack's config and
 * returns the resource graph and outputs. Config errors propagate as `ConfigError`.
 */
export async function runOffline(opts: OfflineRunOptions): Promise<OfflineRun> {
    const { loaded, stackFile } = loadConfig(opts);
    pulumi.runtime.setAllConfig(loaded.config, loaded.secretKeys);
    const region = loaded.config["aws:region"] ?? OFFLINE_DEFAULT_REGION;
    const monitor = installRecordingMocks(offlineMocks(region), PROJECT, opts.stack);
    opts.onMonitor?.(monitor);
    // Imported after the mocks are in place, as Pulumi's testing guide requires.
    const { program } = await import("../stacks/program");
    const { target, outputs } = await program({ stackFile });
    const settled: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(outputs)) settled[k] = await settleOutput(v);
    await drainRegistrations();
    return { stack: opts.stack, target, graph: new Graph(monitor.recorded), outputs: settled };
}
