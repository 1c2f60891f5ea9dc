/**
 * Benchmark: wall time of `npm run plan -- --stack <stack> --json`, median of N runs.
 * Prints numbers; it is not a pass/fail test. Target for prod: under 3 s on 2 cores.
 *
 * usage: npm run bench:plan [-- --stack prod --runs 5]
 */
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { stack: { type: "string", default: "prod" }, runs: { type: "string", default: "5" } } });
const stack = values.stack as string;
const runs = Math.max(1, Math.min(20, Number(values.runs)));

const times: number[] = [];
let resources = 0;
for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync("npm", ["run", "--silent", "plan", "--", "--stack", stack, "--json"], { encoding: "utf8", maxBuffer: 64 << 20 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) {
        process.stderr.write(r.stderr);
        throw new Error(`plan for ${stack} exited ${r.status}`);
    }
    // The plan's one count (offline/tree.ts resourceCounts): what the tree, its summary and the cost estimate say.
    resources = (JSON.parse(r.stdout) as { counts: { resources: number } }).counts.resources;
    times.push(ms);
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`plan --stack ${stack} --json: ${resources} resources, ${runs} runs on ${cpus().length} cores`);
console.log(`  median ${fmt(median)}   min ${fmt(sorted[0])}   max ${fmt(sorted[sorted.length - 1])}   (target < 3.00 s)`);
console.log(`  runs: ${times.map(fmt).join(", ")}`);
