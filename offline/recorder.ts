import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { SecretValue, UNKNOWN } from "./secret-value";

/** One resource as the engine would have received it. */
export interface RecordedResource {
    urn: string;
    /** The id the (mock) provider returned; empty for components. */
    id: string;
    type: string;
    name: string;
    /** URN of the parent, undefined for a top-level resource. */
    parent?: string;
    custom: boolean;
    /** Inputs as sent on the wire: secrets as `SecretValue`, resource references as URNs. */
    inputs: Record<string, unknown>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    ignoreChanges: string[];
    replaceOnChanges: string[];
    additionalSecretOutputs: string[];
    /** Provider reference (`urn::id`) when one was set explicitly. */
    provider?: string;
    /** For components: what `registerOutputs` recorded. */
    outputs?: Record<string, unknown>;
}

type Struct = { toJavaScript(): Record<string, unknown> } | undefined;

/** Turns the wire form of a property value into plain data with secrets kept visible. */
export function fromWire(v: unknown): unknown {
    if (v === rpc.unknownValue) return UNKNOWN;
    if (Array.isArray(v)) return v.map(fromWire);
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        const sig = o[rpc.specialSigKey];
        if (sig === rpc.specialSecretSig) return new SecretValue(fromWire(o.value));
        if (sig === rpc.specialResourceSig) return o.urn;
        if (sig === rpc.specialOutputValueSig) {
            const inner = "value" in o ? fromWire(o.value) : UNKNOWN;
            return o.secret ? new SecretValue(inner) : inner;
        }
        if (sig === rpc.specialAssetSig || sig === rpc.specialArchiveSig) {
            return { asset: o.path ?? o.uri ?? (o.text !== undefined ? "[text]" : "[archive]") };
        }
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromWire(x)]));
    }
    return v;
}

const isWireSecret = (v: unknown): boolean =>
    !!v && typeof v === "object" && (v as Record<string, unknown>)[rpc.specialSigKey] === rpc.specialSecretSig;

/**
 * Pulumi's MockMonitor, plus a record of every registration with its options, and the engine's
 * secret handling: outputs named in `additionalSecretOutputs`, and outputs whose input was
 * secret, come back secret (the real engine does this; the stock mock does not).
 */
export class RecordingMonitor extends MockMonitor {
    public readonly recorded: RecordedResource[] = [];

    // The stock implementation is reproduced here so the state can be marked secret.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    override async registerResource(req: any, callback: (err: any, resp?: any) => void): Promise<void> {
        try {
            const wireInputs = ((req.getObject() as Struct)?.toJavaScript() ?? {}) as Record<string, unknown>;
            const type: string = req.getType();
            const name: string = req.getName();
            const result = await this.mocks.newResource({
                type,
                name,
                inputs: rpc.deserializeProperties(req.getObject()),
                provider: req.getProvider(),
                custom: req.getCustom(),
                id: req.getImportid(),
            });
            const urn = (this as unknown as { newUrn(p: string, t: string, n: string): string }).newUrn(req.getParent(), type, name);
            const state = (await rpc.serializeProperties("", result.state)) as Record<string, unknown>;
            const secretOutputs = new Set<string>(req.getAdditionalsecretoutputsList());
            for (const [k, v] of Object.entries(wireInputs)) if (isWireSecret(v)) secretOutputs.add(k);
            for (const k of secretOutputs) {
                if (k in state && !isWireSecret(state[k])) {
                    state[k] = { [rpc.specialSigKey]: rpc.specialSecretSig, value: state[k] };
                }
            }
            const propertyDependencies: Record<string, string[]> = {};
            req.getPropertydependenciesMap().forEach((deps: { getUrnsList(): string[] }, key: string) => {
                propertyDependencies[key] = deps.getUrnsList();
            });
            this.recorded.push({
                urn,
                id: result.id ?? "",
                type,
                name,
                parent: req.getParent() || undefined,
                custom: req.getCustom(),
                inputs: fromWire(wireInputs) as Record<string, unknown>,
                dependencies: req.getDependenciesList(),
                propertyDependencies,
                protect: req.getProtect() ?? false,
                retainOnDelete: req.getRetainondelete() ?? false,
                deleteBeforeReplace: req.getDeletebeforereplace(),
                ignoreChanges: req.getIgnorechangesList(),
                replaceOnChanges: req.getReplaceonchangesList(),
                additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                provider: req.getProvider() || undefined,
            });
            this.resources.set(urn, { urn, id: result.id ?? null, state });
            const response = new resproto.RegisterResourceResponse();
            response.setUrn(urn);
            response.setId(result.id || "");
            response.setObject(structproto.Struct.fromJavaScript(state as never));
            callback(null, response);
        } catch (err) {
            callback(err, undefined);
        }
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    override registerResourceOutputs(req: any, callback: (err: any, resp?: any) => void): void {
        const entry = this.recorded.find((r) => r.urn === req.getUrn());
        if (!entry) {
            // A component from an earlier run in this process (a previous test) finishing its
            // outputs after this monitor was installed: not ours to record, and not an error.
            callback(null, {});
            return;
        }
        entry.outputs = fromWire((req.getOutputs() as Struct)?.toJavaScript() ?? {}) as Record<string, unknown>;
        super.registerResourceOutputs(req, callback);
    }
}

/** Installs a recording mock monitor the way `pulumi.runtime.setMocks` installs the stock one. */
export function installRecordingMocks(
    mocks: pulumi.runtime.Mocks,
    project: string,
    stack: string,
    preview = false,
): RecordingMonitor {
    const monitor = new RecordingMonitor(mocks);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { getStore } = require("@pulumi/pulumi/runtime/state");
    settings.setMockOptions(monitor, project, stack, preview);
    // The feature flags setMocks sets (resetting options clears them).
    Object.assign(getStore(), {
        supportsSecrets: true,
        supportsResourceReferences: true,
        supportsOutputValues: false,
        supportsDeletedWith: true,
        supportsReplaceWith: true,
        supportsAliasSpecs: true,
        supportsTransforms: false,
        supportsParameterization: true,
        supportsResourceHooks: true,
        supportsErrorHooks: true,
    });
    return monitor;
}

/** Waits until every registration, including ones chained off earlier outputs, has landed. */
export async function drainRegistrations(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings");
    for (let i = 0; i < 5; i++) {
        await settings.waitForRPCs();
        await new Promise((r) => setImmediate(r));
    }
}
