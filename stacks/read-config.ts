import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { type SlipwayConfig, parseStackConfig } from "./config";
import { checkProviderConfig } from "./provider-config";

const NAMESPACE = "slipway:";

// Internal to the SDK (not in its typings), but the only way to know a key was set with --secret.
const isConfigSecret = (runtimeConfig as unknown as { isConfigSecret(k: string): boolean }).isConfigSecret;

/** Pulumi hands structured values over as JSON text; scalars stay strings. */
function decode(value: string): unknown {
    const t = value.trim();
    if (t.startsWith("{") || t.startsWith("[")) {
        try {
            return JSON.parse(t);
        } catch {
            return value;
        }
    }
    return value;
}

export interface ReadOptions {
    /** Named in messages; defaults to `Pulumi.<stack>.yaml`. */
    stackFile?: string;
}

/**
 * Reads the whole `slipway:` namespace from the running stack's config and validates it.
 * Throws `ConfigError` (one line, no resource registered yet) when anything is wrong.
 */
export function readStackConfig(opts: ReadOptions = {}): SlipwayConfig & { awsRegion?: string } {
    const stackFile = opts.stackFile ?? `Pulumi.${pulumi.getStack()}.yaml`;
    const all = pulumi.runtime.allConfig();
    const raw: Record<string, unknown> = {};
    const secretKeys = new Set<string>();
    for (const [key, value] of Object.entries(all)) {
        if (!key.startsWith(NAMESPACE)) continue;
        const name = key.slice(NAMESPACE.length);
        raw[name] = decode(value);
        if (isConfigSecret(key)) secretKeys.add(name);
    }
    const config = parseStackConfig(raw, { stackFile, secretKeys });
    checkProviderConfig(all, isConfigSecret, { stackFile, target: config.target });
    const awsRegion = all["aws:region"];
    return { ...config, awsRegion };
}
