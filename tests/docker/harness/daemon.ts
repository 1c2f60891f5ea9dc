/**
 * Tier 5's private Docker daemon: Debian's dockerd (docker.io) with its own socket, data root
 * and exec root under one fixed directory, so built images persist between runs (the stand-in
 * cache stays warm) while containers and networks never do. The system daemon
 * (/var/run/docker.sock) is never touched: every command goes to this daemon's socket.
 *
 * Layout under the tier-5 directory (default /var/lib/slipway-tier5, env SLIPWAY_TIER5_DIR):
 *   docker.sock  docker.pid  dockerd.log  root/ (data root)  exec/ (exec root)
 *   rootfs/ (the stand-ins' base tarballs, standins.ts)  contexts/ (build contexts)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { run, type RunOptions, type RunResult } from "../../live/harness/commands";

/** The tier-5 directory: images, rootfs tarballs and the daemon's state live here between runs. */
export function tier5Dir(): string {
    return process.env.SLIPWAY_TIER5_DIR ?? "/var/lib/slipway-tier5";
}

/** The Docker client the harness runs: docker.io's, the same release as the daemon (its legacy builder needs no buildx). */
export const DOCKER_CLI = "/usr/bin/docker";
const DOCKERD = "/usr/sbin/dockerd";
/** A pool no other tier or the system daemon uses, so the payload's networks never collide. */
export const ADDRESS_POOL = "base=10.213.0.0/16,size=24";

export interface DockerResult {
    stdout: string;
    stderr: string;
    code: number;
}

export interface DockerOptions extends Pick<RunOptions, "timeoutMs" | "input" | "cwd" | "env"> {
    /** Throw (with the command and its output) when the exit status is not 0. @default false */
    check?: boolean;
}

export interface Daemon {
    /** `unix:///…/docker.sock`: DOCKER_HOST for clients (and the Pulumi docker provider's `host`). */
    readonly host: string;
    readonly socket: string;
    readonly dataRoot: string;
    readonly dir: string;
    /** Runs the docker client against this daemon. A timeout reports code 124. */
    docker(args: string[], opts?: DockerOptions): Promise<DockerResult>;
    /** SIGTERM, a bounded wait, then SIGKILL. Idempotent; also runs on process exit. */
    stop(): Promise<void>;
}

export interface StartDaemonOptions {
    /** @default tier5Dir() */
    dir?: string;
    /** How long to wait for `docker info` to answer. @default 60_000 */
    readyTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

function readPid(pidfile: string): number | undefined {
    try {
        const pid = Number(fs.readFileSync(pidfile, "utf8").trim());
        return Number.isInteger(pid) && pid > 1 ? pid : undefined;
    } catch {
        return undefined;
    }
}

/** The pid is a dockerd of OURS (its command line names our pidfile), not a recycled pid of something else. */
function isOurDockerd(pid: number, pidfile: string): boolean {
    try {
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
        return path.basename(cmdline[0] ?? "") === "dockerd" && cmdline.includes(pidfile);
    } catch {
        return false;
    }
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL and wait again (dockerd stops its containers on SIGTERM). */
async function terminate(pid: number, graceMs = 20_000): Promise<void> {
    const waitGone = async (ms: number) => {
        const until = Date.now() + ms;
        while (alive(pid) && Date.now() < until) await sleep(100);
        return !alive(pid);
    };
    try {
        process.kill(pid, "SIGTERM");
    } catch {
        return;
    }
    if (await waitGone(graceMs)) return;
    try {
        process.kill(pid, "SIGKILL");
    } catch {
        return;
    }
    if (!(await waitGone(10_000))) throw new Error(`dockerd (pid ${pid}) did not exit after SIGKILL; check it with \`ps -p ${pid}\`.`);
}

function dockerFor(host: string) {
    return async (args: string[], opts: DockerOptions = {}): Promise<DockerResult> => {
        const r: RunResult = await run(DOCKER_CLI, args, {
            timeoutMs: opts.timeoutMs ?? 120_000,
            input: opts.input,
            cwd: opts.cwd,
            // DOCKER_BUILDKIT=0: the classic builder of docker.io 20.10 (buildx is not installed).
            env: { ...process.env, ...opts.env, DOCKER_HOST: host, DOCKER_BUILDKIT: "0", DOCKER_CLI_HINTS: "false" },
        });
        const code = r.timedOut ? 124 : (r.code ?? 128);
        if (opts.check && code !== 0) {
            throw new Error(`docker ${args.join(" ")} exited ${code}${r.timedOut ? " (timed out)" : ""}:\n${r.stderr.slice(-4000)}${r.stdout.slice(-2000)}`);
        }
        return { stdout: r.stdout, stderr: r.stderr, code };
    };
}

/**
 * Starts (or restarts) the tier-5 daemon and leaves it clean: no containers, no networks but the
 * defaults; images are kept. Must run as root (dockerd needs it).
 */
export async function startDaemon(opts: StartDaemonOptions = {}): Promise<Daemon> {
    const dir = path.resolve(opts.dir ?? tier5Dir());
    if (process.getuid?.() !== 0) throw new Error(`Tier 5 starts dockerd, which needs root; run the tests as root (uid is ${process.getuid?.()}).`);
    if (!fs.existsSync(DOCKERD) || !fs.existsSync(DOCKER_CLI)) {
        throw new Error(`${DOCKERD} or ${DOCKER_CLI} is missing; run \`bash scripts/install-test-deps\` (as root) to install docker.io.`);
    }
    const socket = path.join(dir, "docker.sock");
    const pidfile = path.join(dir, "docker.pid");
    const dataRoot = path.join(dir, "root");
    const execRoot = path.join(dir, "exec");
    const logFile = path.join(dir, "dockerd.log");
    const host = `unix://${socket}`;
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });

    // One test process owns the directory at a time: a second one must not stop the first one's
    // daemon from under it (the step below would). The owner's pid is the lock; a dead owner's is stale.
    const ownerFile = path.join(dir, "owner.pid");
    claimOwner(ownerFile, dir);

    // A daemon left by an earlier (crashed) run on this socket: stop it, then start fresh.
    const old = readPid(pidfile);
    if (old !== undefined && alive(old) && isOurDockerd(old, pidfile)) await terminate(old);
    fs.rmSync(socket, { force: true });
    fs.rmSync(pidfile, { force: true });

    const log = fs.openSync(logFile, "w");
    const child = spawn(
        DOCKERD,
        [
            "--host", host,
            "--data-root", dataRoot,
            "--exec-root", execRoot,
            "--pidfile", pidfile,
            "--default-address-pool", ADDRESS_POOL,
            // Builds run with --network none; the payload makes its own networks from the pool.
            "--bridge", "none",
            "--iptables=true",
            // Never the system daemon's containerd: dockerd starts its own under the exec root.
        ],
        { detached: true, stdio: ["ignore", log, log] },
    );
    fs.closeSync(log);
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${DOCKERD} did not start; see ${logFile}.`);

    let stopped = false;
    const stop = async () => {
        if (stopped) return;
        stopped = true;
        process.removeListener("exit", onExit);
        try {
            if (alive(pid)) await terminate(pid);
        } finally {
            releaseOwner(ownerFile);
        }
    };
    // On a normal or failing exit, no async work is possible: SIGTERM is all we can send; dockerd
    // then stops its containers itself (the next start also stops a leftover daemon via the pidfile).
    const onExit = () => {
        if (!stopped && alive(pid)) {
            try {
                process.kill(pid, "SIGTERM");
            } catch {
                /* already gone */
            }
        }
        releaseOwner(ownerFile);
    };
    process.once("exit", onExit);

    const docker = dockerFor(host);
    const readyBy = Date.now() + (opts.readyTimeoutMs ?? 60_000);
    let last: DockerResult | undefined;
    for (;;) {
        if (!alive(pid)) {
            await stop();
            throw new Error(`dockerd exited during start-up; its log (${logFile}) ends:\n${tail(logFile)}`);
        }
        if (fs.existsSync(socket)) {
            last = await docker(["info", "--format", "{{.ServerVersion}}"], { timeoutMs: 10_000 });
            if (last.code === 0) break;
        }
        if (Date.now() > readyBy) {
            await stop();
            throw new Error(`dockerd did not answer \`docker info\` on ${host} within ${opts.readyTimeoutMs ?? 60_000} ms: ${last?.stderr.trim() ?? "no socket"}; its log (${logFile}) ends:\n${tail(logFile)}`);
        }
        await sleep(250);
    }

    await removeLeftovers(docker);
    return { host, socket, dataRoot, dir, docker, stop };
}

/** Every container and every non-default network of an earlier run (images stay: they are the cache). */
async function removeLeftovers(docker: ReturnType<typeof dockerFor>): Promise<void> {
    const ids = (await docker(["ps", "-aq"], { check: true })).stdout.split("\n").filter(Boolean);
    if (ids.length) await docker(["rm", "-f", "-v", ...ids], { check: true, timeoutMs: 120_000 });
    const nets = (await docker(["network", "ls", "--format", "{{.Name}}"], { check: true })).stdout
        .split("\n")
        .filter((n) => n && !["bridge", "host", "none"].includes(n));
    if (nets.length) await docker(["network", "rm", ...nets], { check: true });
    // Anonymous volumes of the removed containers went with `rm -v`; named ones are the applier's to keep or drop.
}

/** Takes the directory for this process (exclusive create), replacing a dead owner's claim; fails while a live one (this process included: stop() first) holds it. */
function claimOwner(ownerFile: string, dir: string): void {
    for (let attempt = 0; attempt < 2; attempt++) {
        try {
            fs.writeFileSync(ownerFile, `${process.pid}\n`, { flag: "wx" });
            return;
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        }
        const owner = readPid(ownerFile);
        if (owner !== undefined && alive(owner)) {
            throw new Error(
                `The tier-5 directory ${dir} is in use by process ${owner} (its daemon would be stopped from under it); wait for that run to finish, or set SLIPWAY_TIER5_DIR to another directory (its images start cold).`,
            );
        }
        fs.rmSync(ownerFile, { force: true });
    }
    throw new Error(`Could not claim ${ownerFile}; remove it if no tier-5 run is active.`);
}

function releaseOwner(ownerFile: string): void {
    if (readPid(ownerFile) === process.pid) fs.rmSync(ownerFile, { force: true });
}

function tail(file: string, lines = 20): string {
    try {
        return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
        return "(no log)";
    }
}
