import * as pulumi from "@pulumi/pulumi";
import { Graph } from "../../offline/graph";
import { offlineMocks } from "../../offline/mocks";
import { installRecordingMocks } from "../../offline/recorder";

/**
 * Runs `build` under the recording mock runtime and returns every resource it registered.
 * Use it for one component at a time; `build` may return outputs to be awaited.
 *
 * @example
 * const { graph } = await recordResources(() => new AwsDatabase("db", args));
 */
export async function recordResources<T>(
    build: () => T,
    opts: { stack?: string; region?: string; config?: Record<string, string> } = {},
): Promise<{ graph: Graph; result: T }> {
    pulumi.runtime.setAllConfig(opts.config ?? { "aws:region": opts.region ?? "us-east-1" }, []);
    const monitor = installRecordingMocks(offlineMocks(opts.region ?? "us-east-1"), "slipway", opts.stack ?? "test");
    const result = build();
    await settle();
    return { graph: new Graph(monitor.recorded), result };
}

/** Waits until every outstanding registration has reached the mock monitor. */
export async function settle(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings");
    // Registrations chain further registrations (outputs feeding inputs); drain until quiet.
    for (let i = 0; i < 5; i++) {
        await settings.waitForRPCs();
        await new Promise((r) => setImmediate(r));
    }
}

/** Resolves an Output's value (and whether it is secret) without asserting inside `apply`. */
export async function resolve<T>(o: pulumi.Input<T>): Promise<{ value: T; secret: boolean }> {
    const out = pulumi.output(o);
    const secret = await pulumi.isSecret(out);
    const value = await new Promise<T>((r) => out.apply((v) => r(v as T)));
    return { value: value as T, secret };
}
