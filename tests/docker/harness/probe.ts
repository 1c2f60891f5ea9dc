import { setTimeout as sleep } from "node:timers/promises";
import { docker, dockerOk } from "./cli";
import type { Daemon } from "./daemon";
import { toolImage } from "./images";

/**
 * A container the harness itself runs beside a stack: a listener on a network of its own (what
 * the data tier must not reach), python3's standard library in the stand-ins' base image.
 */

export interface ProbeListener {
    /** `http://<ip>:8099/` on the probe's own network. */
    url: string;
    /** A request from a container on the probe's network: proves the listener answers. */
    selfCheck(): Promise<{ code: number }>;
    stop(): Promise<void>;
}

const LISTENER = "import http.server as h; h.ThreadingHTTPServer(('0.0.0.0', 8099), h.SimpleHTTPRequestHandler).serve_forever()";

export async function startProbeListener(daemon: Daemon, name: string): Promise<ProbeListener> {
    const image = toolImage();
    await docker(daemon.socket, ["rm", "-f", name, `${name}-client`]);
    await docker(daemon.socket, ["network", "rm", name]);
    await dockerOk(daemon.socket, ["network", "create", "--driver", "bridge", name]);
    await dockerOk(daemon.socket, ["run", "-d", "--name", name, "--network", name, "--user", "65534:65534", "-w", "/tmp", image, "python3", "-c", LISTENER]);
    const ip = (await dockerOk(daemon.socket, ["inspect", "-f", `{{(index .NetworkSettings.Networks "${name}").IPAddress}}`, name])).trim();
    const url = `http://${ip}:8099/`;
    const check = async () => {
        const r = await docker(daemon.socket, ["run", "--rm", "--name", `${name}-client`, "--network", name, image, "timeout", "3", "wget", "-q", "-O", "/dev/null", url], { timeoutMs: 30_000 });
        return { code: r.code };
    };
    for (let i = 0; i < 20 && (await check()).code !== 0; i++) await sleep(250);
    return {
        url,
        selfCheck: check,
        async stop() {
            await docker(daemon.socket, ["rm", "-f", name]);
            await docker(daemon.socket, ["network", "rm", name]);
        },
    };
}
