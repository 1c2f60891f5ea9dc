import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The machine the payload's host commands run on. On `dev` this machine plays the droplet: the
 * commands the program sends over SSH run as the deploy user (uid 1000, in the group that owns
 * the harness daemon's socket, as cloud-init puts it in the docker group) in a scratch
 * directory bind-mounted at the droplet's data directory, the way cloud-init mounts the data
 * volume there and hands it to that user. On `local` they run as the same uid, a developer in
 * the docker group, with HOME in the scratch directory (the local data directory is under it).
 */
export interface HostOptions {
    /** Scratch directory that holds this host's volume and home. */
    scratch: string;
    /** The daemon's socket (`DOCKER_HOST=unix://…` for the commands). */
    socket: string;
    /** The droplet's data directory (vps): the scratch volume is bind-mounted here. */
    dataDir?: string;
    uid?: number;
    gid?: number;
}

export interface CommandResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** The group that may use the harness daemon's socket (Docker's `docker` group on a droplet). */
const SOCKET_GROUP = "slipway-t5-docker";

function groupId(name: string): number {
    const found = spawnSync("getent", ["group", name], { encoding: "utf8" });
    if (found.status === 0) return Number(found.stdout.split(":")[2]);
    const made = spawnSync("groupadd", ["--system", name], { encoding: "utf8" });
    if (made.status !== 0) throw new Error(`groupadd ${name}: ${made.stderr}`);
    return groupId(name);
}

export class PlayedHost {
    readonly uid: number;
    readonly gid: number;
    readonly home: string;
    readonly volume: string;
    private readonly socketGid: number;
    private readonly shims: string;
    private mounted = false;

    constructor(private readonly o: HostOptions) {
        this.uid = o.uid ?? 1000;
        this.gid = o.gid ?? 1000;
        this.home = join(o.scratch, "home");
        this.volume = join(o.scratch, "volume");
        this.shims = join(o.scratch, "shims");
        this.socketGid = groupId(SOCKET_GROUP);
    }

    /**
     * Lays out a new host as cloud-init leaves it: home, the mounted data volume owned by the
     * deploy user, socket access. Whatever an earlier run left is wiped first: a first deploy
     * meets an empty volume and an empty home.
     */
    prepare(): void {
        this.release(true);
        for (const d of [this.home, this.volume, this.shims]) {
            mkdirSync(d, { recursive: true });
        }
        chownSync(this.home, this.uid, this.gid);
        chmodSync(this.home, 0o755);
        // A fresh ext4 file system's root is 0755; cloud-init's bootstrap chowns it to the deploy user.
        chownSync(this.volume, this.uid, this.gid);
        chmodSync(this.volume, 0o755);
        chownSync(this.o.socket, 0, this.socketGid);
        chmodSync(this.o.socket, 0o660);
        // The readiness gate waits for cloud-init; here the harness has played cloud-init's part
        // (user, volume, daemon), so `cloud-init status --wait` answers "done" (exit 0).
        writeFileSync(join(this.shims, "cloud-init"), '#!/bin/sh\n[ "$1" = status ] && { echo "status: done"; exit 0; }\necho "tier 5 shim: cloud-init $*" >&2; exit 1\n', { mode: 0o755 });
        if (this.o.dataDir) this.mountVolume();
    }

    private mountVolume(): void {
        const dir = this.o.dataDir as string;
        if (spawnSync("mountpoint", ["-q", dir]).status === 0) spawnSync("umount", ["-l", dir]);
        mkdirSync(dir, { recursive: true });
        const r = spawnSync("mount", ["--bind", this.volume, dir], { encoding: "utf8" });
        if (r.status !== 0) throw new Error(`bind-mounting the scratch volume at ${dir}: ${r.stderr}`);
        this.mounted = true;
    }

    /** Runs a host command as the deploy user, the script on `sh -c`, `stdin` piped in. */
    async run(script: string, stdin?: string, o: { interpreter?: string[]; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CommandResult> {
        const timeoutMs = o.timeoutMs ?? 300_000;
        const interpreter = o.interpreter ?? ["/bin/sh", "-c"];
        const env = {
            HOME: this.home,
            USER: "deploy",
            LOGNAME: "deploy",
            PATH: `${this.shims}:/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/bin`,
            DOCKER_HOST: `unix://${this.o.socket}`,
            LANG: "C.UTF-8",
            ...o.env,
        };
        const args = ["--reuid", String(this.uid), "--regid", String(this.gid), "--groups", `${this.gid},${this.socketGid}`, "--inh-caps=-all", ...interpreter, script];
        const child = spawn("setpriv", args, { env, cwd: this.home, stdio: ["pipe", "pipe", "pipe"] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (c: Buffer) => out.push(c));
        child.stderr.on("data", (c: Buffer) => err.push(c));
        child.stdin.on("error", () => undefined);
        child.stdin.end(stdin ?? "");
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        const code = await new Promise<number>((r) => child.on("close", (c) => r(c ?? 137)));
        clearTimeout(timer);
        return { code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
    }

    /** Unmounts the volume (the data stays in the scratch directory); `wipe` deletes it too. */
    release(wipe = false): void {
        if (this.mounted && this.o.dataDir) spawnSync("umount", ["-l", this.o.dataDir]);
        this.mounted = false;
        if (wipe && existsSync(this.o.scratch)) rmSync(this.o.scratch, { recursive: true, force: true });
    }
}
