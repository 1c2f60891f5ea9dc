import { setTimeout as sleep } from "node:timers/promises";
import { docker, dockerOk } from "./cli";
import type { Daemon } from "./daemon";
import { toolImage } from "./images";

/**
 * Containers the harness itself runs beside a stack, on networks of its own daemon: a listener
 * on a network of its own (what the data tier must not reach) and an HTTP receiver that records
 * what Alertmanager posts. Both are python3's standard library in the stand-ins' base image.
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
        const r = await docker(daemon.socket, ["run", "--rm", "--name", `${name}-client`, "--network", name, image, "wget", "-q", "-T", "3", "-O", "/dev/null", url], { timeoutMs: 30_000 });
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

export interface Notification {
    status: string;
    receiver: string;
    alerts: { status: string; labels: Record<string, string> }[];
}

export interface Receiver {
    /** Waits (bounded) for a notification that matches; resolves undefined on timeout. */
    waitFor(match: (n: Notification) => boolean, timeoutMs: number): Promise<Notification | undefined>;
    received(): Promise<Notification[]>;
    stop(): Promise<void>;
}

const RECEIVER = `
import http.server as h, sys
class R(h.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        with open('/tmp/received.jsonl', 'ab') as f:
            f.write(body.replace(b'\\n', b' ') + b'\\n')
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
h.ThreadingHTTPServer(('0.0.0.0', int(sys.argv[1])), R).serve_forever()
`;

/** An HTTP receiver joined to `network` under `alias`, recording every POST body. */
export async function startReceiver(daemon: Daemon, network: string, alias: string, port: number): Promise<Receiver> {
    const name = `t5-${alias}`;
    await docker(daemon.socket, ["rm", "-f", name]);
    await dockerOk(daemon.socket, ["run", "-d", "--name", name, "--network", network, "--network-alias", alias, "--user", "65534:65534", "-w", "/tmp", toolImage(), "python3", "-c", RECEIVER, String(port)]);
    const received = async (): Promise<Notification[]> => {
        const r = await docker(daemon.socket, ["exec", name, "cat", "/tmp/received.jsonl"]);
        if (r.code !== 0) return [];
        return r.stdout
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Notification);
    };
    return {
        received,
        async waitFor(match, timeoutMs) {
            const deadline = Date.now() + timeoutMs;
            while (Date.now() < deadline) {
                const hit = (await received()).find(match);
                if (hit) return hit;
                await sleep(1000);
            }
            return undefined;
        },
        async stop() {
            await docker(daemon.socket, ["rm", "-f", name]);
        },
    };
}
