/**
 * A restic repository in a local directory for the backup drill, read and written as the backup
 * job's OS user (restic makes its files 0600/0700, and the job must be able to prune what the
 * test put there). The test's own view of the repository: the scripts under test never use it.
 *
 *     const repo = resticRepository({ dir, passwordFile, cacheDir, user });
 *     await repo.init();
 *     await repo.backupAt({ time: "2024-03-20 10:00:00", host: "dev", tag: "slipway", fileName: "app.dump" });
 *     (await repo.snapshots()).map((s) => s.time);
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { missingTool, runOk } from "./commands";
import type { SystemUser } from "./users";

/** The restic on PATH (Debian: /usr/bin/restic); fails with the install hint when there is none. */
export function resticBinary(): string {
    for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(":")) {
        const candidate = path.join(dir, "restic");
        if (dir && fs.existsSync(candidate)) return candidate;
    }
    throw missingTool("restic");
}

/** A snapshot as `restic snapshots --json` lists it (restic 0.14 and later). */
export interface Snapshot {
    id: string;
    short_id: string;
    /** RFC 3339 with the offset restic recorded (UTC here: the drill runs restic with TZ=UTC). */
    time: string;
    hostname: string;
    paths: string[];
    tags?: string[];
}

export interface ResticRepositoryOptions {
    /** The repository directory (`RESTIC_REPOSITORY`). */
    dir: string;
    passwordFile: string;
    cacheDir: string;
    /** Every restic command runs as this user. */
    user: SystemUser;
}

export interface ResticRepository {
    /**
     * The environment the backup job gets for this repository: RESTIC_REPOSITORY,
     * RESTIC_PASSWORD_FILE, RESTIC_CACHE_DIR, TZ=UTC (as the container sets it), PATH, HOME.
     */
    readonly env: NodeJS.ProcessEnv;
    init(): Promise<void>;
    /** Every snapshot in the repository, oldest first. */
    snapshots(): Promise<Snapshot[]>;
    /**
     * A snapshot of a few random bytes stored as `/<fileName>` at a chosen time (`--time`,
     * "YYYY-MM-DD HH:MM:SS", UTC), with the given host and tag: the fixtures of the retention drill.
     */
    backupAt(o: { time: string; host: string; tag: string; fileName: string }): Promise<Snapshot>;
    /** Bytes the snapshot's files restore to (`restic stats --mode restore-size`). */
    restoreSize(snapshotId: string): Promise<number>;
    /** `restic version`, e.g. "restic 0.14.0 compiled with go1.19.8 on linux/amd64". */
    version(): Promise<string>;
}

export function resticRepository(o: ResticRepositoryOptions): ResticRepository {
    const restic = resticBinary();
    const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: o.cacheDir,
        TZ: "UTC",
        RESTIC_REPOSITORY: o.dir,
        RESTIC_PASSWORD_FILE: o.passwordFile,
        RESTIC_CACHE_DIR: o.cacheDir,
    };
    const exec = (args: string[], input?: string): Promise<string> =>
        runOk(restic, args, { env, uid: o.user.uid, gid: o.user.gid, cwd: o.cacheDir, input, timeoutMs: 60_000 });
    const snapshots = async (): Promise<Snapshot[]> => {
        const list = JSON.parse(await exec(["snapshots", "--json"])) as Snapshot[] | null;
        return (list ?? []).sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    };
    return {
        env,
        init: async () => {
            await exec(["init"]);
        },
        snapshots,
        backupAt: async (b) => {
            const out = await exec(
                ["backup", "--json", "--stdin", "--stdin-filename", b.fileName, "--host", b.host, "--tag", b.tag, "--time", b.time],
                `fixture ${b.time} ${Math.random()}\n`,
            );
            const summary = out
                .split("\n")
                .filter((l) => l.includes('"message_type":"summary"'))
                .map((l) => JSON.parse(l) as { snapshot_id: string })[0];
            if (!summary) throw new Error(`restic backup printed no summary:\n${out}`);
            const made = (await snapshots()).find((s) => s.id.startsWith(summary.snapshot_id));
            if (!made) throw new Error(`snapshot ${summary.snapshot_id} is not listed after restic backup`);
            return made;
        },
        restoreSize: async (snapshotId) => {
            const stats = JSON.parse(await exec(["stats", "--json", "--mode", "restore-size", snapshotId])) as { total_size: number };
            return stats.total_size;
        },
        version: async () => (await exec(["version"])).trim(),
    };
}
