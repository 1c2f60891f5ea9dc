import type * as pulumi from "@pulumi/pulumi";
import type { Target } from "./config-schema";
import { type ReadOptions, readStackConfig } from "./read-config";

export interface ProgramResult {
    target: Target;
    /** The stack outputs; credentials among them are secret Outputs. */
    outputs: Record<string, pulumi.Input<unknown>>;
}

/**
 * The Slipway program: validates the whole stack config first (a bad value throws one
 * `ConfigError` line before any resource is registered), then composes the target's stack.
 * Each target's composition is loaded on demand so a stack only loads its own providers.
 */
export async function program(opts: ReadOptions = {}): Promise<ProgramResult> {
    const config = readStackConfig(opts);
    switch (config.target) {
        case "aws": {
            const { awsStack } = await import("./aws");
            return { target: "aws", outputs: awsStack(config) };
        }
        case "vps": {
            const { vpsStack } = await import("./vps");
            return { target: "vps", outputs: vpsStack(config) };
        }
        case "local": {
            const { localStack } = await import("./local");
            return { target: "local", outputs: localStack(config) };
        }
    }
}
