/**
 * One temporary directory per live test file: every config, data directory, socket and log of
 * the servers it starts lives under it, so one removal cleans everything. On failure it is kept
 * (and its path printed) so the logs can be read.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface RunDir {
    readonly path: string;
    /** Where every process writes `<name>.log`. */
    readonly logDir: string;
    /** Keep the directory at `remove()`: call it when a test failed. */
    markFailed(): void;
    /** Removes the directory, or prints where it is kept after a failure (or with SLIPWAY_KEEP_RUN_DIR=1). */
    remove(): void;
}

export function createRunDir(label: string): RunDir {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `slipway-${label}-`));
    // Traversable (not listable) by the unprivileged users some servers run as (postgres).
    fs.chmodSync(dir, 0o711);
    const logDir = path.join(dir, "logs");
    fs.mkdirSync(logDir, { mode: 0o755 });
    let failed = false;
    return {
        path: dir,
        logDir,
        markFailed: () => {
            failed = true;
        },
        remove: () => {
            if (failed || process.env.SLIPWAY_KEEP_RUN_DIR === "1") {
                console.error(`live run directory kept for inspection: ${dir} (logs in ${logDir})`);
                return;
            }
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
