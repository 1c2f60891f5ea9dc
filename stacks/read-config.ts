import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { setArgKeyResolver } from "../components/shared/errors";
import { argKeyResolver } from "./config-errors";
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
    /** Named in messages, as the user gave it (a path stays a path); defaults to `Pulumi.<stack>.yaml`. */
    stackFile?: string;
}

/**
 * Reads the whole `slipway:` namespace from the running stack's config and validates it.
 * Throws `ConfigError` (one line, no resource registered yet) when anything is wrong. From
 * then on a component's `ComponentArgError` names this stack file and the config key that fed
 * the bad argument (config-errors.ts maps them), so every bad input reads the same.
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
    setArgKeyResolver(argKeyResolver(stackFile, config.target));
    return { ...config, awsRegion };
}
