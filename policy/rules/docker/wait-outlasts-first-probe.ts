import { type SlipwayRule, UNKNOWN, read, resourceRule, types } from "../kit";

/** Go duration ("30s", "1m30s", "500ms") → seconds; undefined when it is not one. */
export function durationSeconds(d: unknown): number | undefined {
    if (typeof d !== "string" || d === "") return undefined;
    const units: Record<string, number> = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
    let total = 0;
    let matched = "";
    for (const m of d.matchAll(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g)) {
        total += Number(m[1]) * units[m[2]];
        matched += m[0];
    }
    return matched === d ? total : undefined;
}

/**
 * The Docker provider's `wait` waits for the health check to pass, and Docker runs the first
 * probe one `interval` after the container starts (not at the end of `startPeriod`). A container
 * whose interval is not shorter than `waitTimeout` can never be seen healthy in time: the first
 * `pulumi up` fails on it however well it runs (the certbot container's 300 s interval against
 * the 120 s wait — found by tier 5).
 */
export const waitOutlastsFirstProbe: SlipwayRule = resourceRule(
    {
        name: "wait-outlasts-first-probe",
        group: "docker",
        description: "A container created with wait: true must be probed before waitTimeout runs out: its health check interval must be shorter than waitTimeout.",
        sources: ["Slipway tier 5: certbot wait timeout"],
        remediation: "Shorten healthcheck.interval (a cheap probe can run every 10–30 s) or raise waitTimeout above it.",
        level: "mandatory",
    },
    types.dockerContainer,
    (args, report) => {
        if (read(() => args.props.wait) !== true) return;
        const timeout = read(() => args.props.waitTimeout);
        const interval = read(() => (args.props.healthcheck as { interval?: unknown } | undefined)?.interval);
        if (timeout === UNKNOWN || interval === UNKNOWN) return;
        const waitSeconds = typeof timeout === "number" ? timeout : 60;
        // Docker's default interval is 30 s.
        const intervalSeconds = interval === undefined ? 30 : durationSeconds(interval);
        if (intervalSeconds === undefined) return report(`healthcheck.interval ${JSON.stringify(interval)} is not a duration like "30s".`);
        if (intervalSeconds >= waitSeconds) {
            report(`healthcheck.interval is ${intervalSeconds} s but waitTimeout is ${waitSeconds} s: Docker's first probe comes one interval after the start, so the wait always times out; shorten the interval or raise waitTimeout.`);
        }
    },
);
