import type { RecordedResource } from "../../offline/recorder";

/**
 * A recorded resource as the mock runtime would hold it, for small hand-made graphs (pricers,
 * rules that read neighbours).
 *
 * @example
 * new Graph([recordedResource("pulumi:providers:aws", "aws", { region: "us-east-1" })])
 */
export function recordedResource(type: string, name: string, inputs: Record<string, unknown> = {}, custom = true): RecordedResource {
    return {
        urn: `urn:pulumi:test::slipway::${type}::${name}`,
        id: custom ? `${name}-id` : "",
        type,
        name,
        custom,
        inputs,
        dependencies: [],
        propertyDependencies: {},
        protect: false,
        retainOnDelete: false,
        deleteBeforeReplace: false,
        ignoreChanges: [],
        replaceOnChanges: [],
        additionalSecretOutputs: [],
    };
}
