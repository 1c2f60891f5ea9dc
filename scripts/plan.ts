/**
 * `npm run plan -- --stack <name> [--config-file F] [--policy-config P] [--policy-pack DIR]... [--json | --diagram]`
 *
 * Runs the real Slipway program under Pulumi's mock runtime with the stack's config, runs the
 * policy pack over the result, and prints what the stack would create, the verdicts and the
 * monthly cost estimate (offline/cost). No cloud credentials and no Pulumi CLI. Exit codes: 0
 * planned and compliant, 3 a mandatory policy failed, 2 bad config (one line on stderr), 1
 * anything else. `--diagram` prints the stack's topology as Mermaid text instead (offline/diagram).
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type Violation, runPolicies } from "../offline/policy-run";
import { runPolicyPacks } from "../offline/policy-pack";
import { allRules } from "../policy/rules";
import { runOffline } from "../offline/run";
import { renderDiagram } from "../offline/diagram";
import { renderCostSection } from "../offline/cost/render";
import { estimateStackCost } from "../offline/cost/stack-cost";
import { isSecretValue } from "../offline/secret-value";
import { renderCounts, renderPolicy, renderTree, resourceCounts } from "../offline/tree";

const usage = "usage: npm run plan -- --stack <name> [--config-file FILE] [--policy-config FILE] [--policy-pack DIR [--policy-pack-config FILE]]... [--json | --diagram]";

async function main(): Promise<number> {
    let values: { stack?: string; "config-file"?: string; "policy-config"?: string; "policy-pack"?: string[]; "policy-pack-config"?: string[]; json?: boolean; diagram?: boolean; help?: boolean };
    try {
        ({ values } = parseArgs({
            options: {
                stack: { type: "string", short: "s" },
                "config-file": { type: "string", short: "c" },
                "policy-config": { type: "string" },
                // Other CrossGuard packs to run beside ours, as `pulumi preview --policy-pack` takes them.
                "policy-pack": { type: "string", multiple: true },
                "policy-pack-config": { type: "string", multiple: true },
                json: { type: "boolean" },
                diagram: { type: "boolean" },
                help: { type: "boolean", short: "h" },
            },
        }));
    } catch (e) {
        process.stderr.write(`${(e as Error).message}\n${usage}\n`);
        return 2;
    }
    if (values.help) {
        process.stdout.write(`${usage}\n`);
        return 0;
    }
    if (!values.stack) {
        process.stderr.write(`--stack is required\n${usage}\n`);
        return 2;
    }
    if (values.json && values.diagram) {
        // Each is a whole document on stdout; printing one and dropping the other would surprise.
        process.stderr.write("--json and --diagram cannot be combined: each prints a whole document; run the plan once for each\n");
        return 2;
    }

    // The SDK captures a stack trace per registration to record source positions, which only
    // the real engine reads; offline they cost ~0.7 s of a prod plan. Our errors print as one line.
    Error.stackTraceLimit = 0;
    // Whatever the program or the SDK logs must not corrupt the JSON document on stdout.
    const log = console.log;
    if (values.json || values.diagram) console.log = console.info = (...a: unknown[]) => console.error(...a);
    let run;
    try {
        run = await runOffline({ stack: values.stack, configFile: values["config-file"] });
    } catch (e) {
        const err = e as Error;
        if (err.name === "ConfigError") {
            process.stderr.write(`${err.message}\n`);
            return 2;
        }
        process.stderr.write(`plan failed: ${err.message}\n`);
        return 1;
    } finally {
        console.log = log;
    }
    if (values.diagram) {
        process.stdout.write(renderDiagram(run.graph));
        return 0;
    }

    // The policy pack, run in-process exactly as `pulumi preview --policy-pack policy` would.
    const policyConfig = values["policy-config"] ? JSON.parse(readFileSync(values["policy-config"], "utf8")) : undefined;
    const violations: Violation[] = await runPolicies(run.graph, allRules, { config: policyConfig });
    try {
        violations.push(...(await runPolicyPacks(run.graph, values["policy-pack"] ?? [], values["policy-pack-config"])));
    } catch (e) {
        process.stderr.write(`${(e as Error).message}\n`);
        return (e as Error).name === "PolicyPackError" ? 2 : 1;
    }
    const mandatory = violations.filter((v) => v.level === "mandatory");
    const status = mandatory.length > 0 ? 3 : 0;
    const cost = estimateStackCost(run.graph);

    if (values.json) {
        const doc = {
            stack: run.stack,
            target: run.target,
            counts: resourceCounts(run.graph),
            resources: run.graph.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent ?? null, inputs: r.inputs })),
            outputs: run.outputs,
            policy: { rules: allRules.length, violations },
            cost,
        };
        process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
        return status;
    }

    const out: string[] = [`Slipway plan: stack ${run.stack} (target ${run.target})`, "", ...renderTree(run.graph), "", ...renderCounts(run.graph)];
    out.push("", "Outputs:");
    for (const [k, v] of Object.entries(run.outputs)) out.push(`  ${k}: ${isSecretValue(v) ? "[secret]" : JSON.stringify(v)}`);
    out.push("", ...renderPolicy(allRules.length, violations));
    out.push("", ...renderCostSection(cost));
    process.stdout.write(`${out.join("\n")}\n`);
    return status;
}

// A failed registration surfaces as an unhandled rejection inside the SDK: report it in one
// line instead of a stack trace.
process.on("unhandledRejection", (e) => {
    process.stderr.write(`plan failed: ${(e as Error)?.message ?? String(e)}\n`);
    process.exit(1);
});

/** Exits once stdout has drained: a large document written to a pipe is flushed asynchronously. */
function exitAfterFlush(code: number): void {
    process.stdout.write("", () => process.exit(code));
}

main().then(
    (code) => exitAfterFlush(code),
    (e) => {
        process.stderr.write(`plan failed: ${(e as Error).message}\n`);
        process.exit(1);
    },
);
