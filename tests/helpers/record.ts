import * as pulumi from "@pulumi/pulumi";
import { Graph } from "../../offline/graph";
import { offlineMocks } from "../../offline/mocks";
import { drainRegistrations, installRecordingMocks } from "../../offline/recorder";

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
    await drainRegistrations();
    return { graph: new Graph(monitor.recorded), result };
}

/** Resolves an Output's value (and whether it is secret) without asserting inside `apply`. */
export async function resolve<T>(o: pulumi.Input<T>): Promise<{ value: T; secret: boolean }> {
    const out = pulumi.output(o);
    const secret = await pulumi.isSecret(out);
    const value = await new Promise<T>((r) => out.apply((v) => r(v as T)));
    return { value: value as T, secret };
}
