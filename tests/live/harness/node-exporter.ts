/**
 * Debian's prometheus-node-exporter on 127.0.0.1 with only the textfile collector, run as the
 * `prometheus` user (the packaged service's user, not the writer of the files): what the
 * payload's node-exporter reads from the backup job's metrics directory, scraped for real.
 */
import { freePort } from "./ports";
import { startProcess, waitForPort, type ManagedProcess } from "./processes";
import type { RunDir } from "./rundir";
import { systemUser } from "./users";

export interface NodeExporter {
    readonly port: number;
    readonly process: ManagedProcess;
    /** One scrape of /metrics, parsed: series (`name` or `name{labels}`) → value. */
    scrape(): Promise<Map<string, number>>;
}

/** Series and values of the Prometheus text exposition format (comments and timestamps dropped). */
export function parseExposition(text: string): Map<string, number> {
    const series = new Map<string, number>();
    for (const line of text.split("\n")) {
        if (line === "" || line.startsWith("#")) continue;
        // `name{a="b c"} value [timestamp]`: label values may hold spaces, so split after the labels.
        const m = /^([^{\s]+(?:\{.*\})?)\s+(\S+)(?:\s+\S+)?$/.exec(line);
        if (!m) throw new Error(`not a sample line: ${line}`);
        series.set(m[1], Number(m[2]));
    }
    return series;
}

export async function startNodeExporter(o: { runDir: RunDir; textfileDir: string }): Promise<NodeExporter> {
    const user = systemUser("prometheus");
    const port = await freePort();
    const proc = startProcess(
        "node-exporter",
        "prometheus-node-exporter",
        [`--web.listen-address=127.0.0.1:${port}`, "--collector.disable-defaults", "--collector.textfile", `--collector.textfile.directory=${o.textfileDir}`],
        { logDir: o.runDir.logDir, uid: user.uid, gid: user.gid },
    );
    await waitForPort(port, { timeoutMs: 20_000, process: proc });
    return {
        port,
        process: proc,
        scrape: async () => {
            const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) });
            if (res.status !== 200) throw new Error(`node-exporter /metrics answered ${res.status}`);
            return parseExposition(await res.text());
        },
    };
}
