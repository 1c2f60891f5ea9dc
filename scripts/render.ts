/**
 * `npm run render -- --stack <name> --out DIR [--config-file F]`
 *
 * Writes every file the program renders for a stack, exactly as it reaches the server: files
 * written to the Docker host (nginx.conf, prometheus.yml, alert rules, redis.conf, the backup
 * script, …) at their path under the host's data directory, the droplet's cloud-init user data,
 * and on aws the task's container definitions and the CloudWatch dashboard. Secrets hold the
 * offline placeholders the plan uses; nothing real is ever in them.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { renderedFiles } from "../offline/rendered-files";
import { runOffline } from "../offline/run";

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: { stack: { type: "string" }, out: { type: "string" }, "config-file": { type: "string" } },
    });
    if (!values.stack || !values.out) {
        process.stderr.write("usage: npm run render -- --stack <name> --out DIR [--config-file FILE]\n");
        return 2;
    }
    Error.stackTraceLimit = 0;
    let run;
    try {
        run = await runOffline({ stack: values.stack, configFile: values["config-file"] });
    } catch (e) {
        process.stderr.write(`${(e as Error).message}\n`);
        return (e as Error).name === "ConfigError" ? 2 : 1;
    }
    const dataDir = typeof run.outputs.dataDir === "string" ? run.outputs.dataDir : undefined;
    const out = resolve(values.out);
    const files = renderedFiles(run.graph, dataDir);
    for (const f of files) {
        const target = join(out, f.path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, f.content, { mode: f.mode ? parseInt(f.mode, 8) : 0o644 });
    }
    process.stdout.write(`${files.length} files for stack ${run.stack} (target ${run.target}) in ${out}\n`);
    for (const f of files) process.stdout.write(`  ${f.path}${f.mode ? `  (${f.mode})` : ""}\n`);
    return 0;
}

process.on("unhandledRejection", (e) => {
    process.stderr.write(`render failed: ${(e as Error)?.message ?? String(e)}\n`);
    process.exit(1);
});
main().then((code) => process.stdout.write("", () => process.exit(code)));
