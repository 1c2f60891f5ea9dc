import { spawn } from "node:child_process";

/** The docker CLI against the harness daemon (`docker exec`, `docker kill`, …), bounded in time. */
export async function docker(socket: string, args: string[], o: { stdin?: string; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    const child = spawn("docker", args, { env: { ...process.env, DOCKER_HOST: `unix://${socket}` }, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.stdin.on("error", () => undefined);
    child.stdin.end(o.stdin ?? "");
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 120_000);
    const code = await new Promise<number>((r) => child.on("close", (c) => r(c ?? 137)));
    clearTimeout(timer);
    return { code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

/** Like `docker`, but a non-zero exit throws with its stderr. */
export async function dockerOk(socket: string, args: string[], o: { stdin?: string; timeoutMs?: number } = {}): Promise<string> {
    const r = await docker(socket, args, o);
    if (r.code !== 0) throw new Error(`docker ${args.slice(0, 4).join(" ")} … exited ${r.code}: ${r.stderr.slice(-2000)}`);
    return r.stdout;
}
