import { shellQuote } from "../shared/host-files";
import { argError } from "../shared/errors";

export interface ReadinessOptions {
    /** The data directory that must be the mounted volume before anything writes to it. */
    dataDir: string;
    /** Top-level directories of the data layout, created (as the deploy user) when missing. */
    dataSubdirs: string[];
}

/**
 * The readiness gate, run over SSH as the deploy user once the droplet, its reserved IP, its
 * volume and its firewall are in place. It blocks until cloud-init has finished and fails
 * unless the host can take the payload:
 * - `cloud-init status --wait` exits 0 when done, 2 when done with recoverable errors (cloud-init
 *   ≥ 23.4: deprecated keys and the like, which must not block a deploy) and 1 on failure;
 * - the data directory is a mount point: without the volume, PostgreSQL would initialise an
 *   empty database on the root disk, lost at the next rebuild;
 * - the data layout's top-level directories exist, owned by the deploy user (here rather than in
 *   cloud-init: the list grows with the product, and a cloud-init change rebuilds the droplet);
 * - `docker info` answers for the deploy user: the daemon runs and the docker group works,
 *   which is exactly what the Docker provider needs.
 * Its stdout is the gate's output the Docker provider's host waits on.
 */
export function readinessScript(o: ReadinessOptions): string {
    if (!o.dataDir.startsWith("/")) throw argError("dataDir", o.dataDir, "an absolute path", { where: "the readiness script" });
    for (const d of o.dataSubdirs) {
        if (!/^[a-z0-9][a-z0-9._-]*$/.test(d)) throw argError("dataSubdirs", d, "plain directory names (lowercase letters, digits, ., _ and -), one level each", { where: "the readiness script" });
    }
    const dir = shellQuote(o.dataDir);
    return [
        "set -u",
        "rc=0",
        "cloud-init status --wait >/dev/null || rc=$?",
        'case "$rc" in',
        "    0) ;;",
        '    2) echo "slipway: cloud-init finished with recoverable errors (see /var/log/cloud-init.log); continuing" >&2 ;;',
        '    *) echo "slipway: cloud-init failed (exit $rc); see /var/log/cloud-init-output.log on the droplet" >&2',
        "       cloud-init status --long >&2 || true",
        "       exit 1 ;;",
        "esac",
        `if ! mountpoint -q ${dir}; then`,
        `    echo "slipway: "${dir}" is not mounted: the data volume is missing; refusing to deploy onto the root disk" >&2`,
        "    exit 1",
        "fi",
        ...(o.dataSubdirs.length
            ? [
                  `mkdir -p ${o.dataSubdirs.map((d) => shellQuote(`${o.dataDir}/${d}`)).join(" ")} || {`,
                  `    echo "slipway: cannot create the data directories under "${dir}" as $(id -un)" >&2`,
                  "    exit 1",
                  "}",
              ]
            : []),
        "version=$(docker info --format '{{.ServerVersion}}') || {",
        `    echo "slipway: docker info failed for $(id -un): is the daemon running and the user in the docker group?" >&2`,
        "    exit 1",
        "}",
        'echo "slipway: ready (docker $version)"',
    ].join("\n");
}

/** Environment the SSH wait script reads (so the script text itself never changes). */
export const sshWaitEnv = { host: "SLIPWAY_SSH_HOST", port: "SLIPWAY_SSH_PORT", timeoutSeconds: "SLIPWAY_SSH_TIMEOUT" } as const;

/**
 * A Node.js program (run with `node -e` on the machine running Pulumi) that waits until sshd
 * at `$SLIPWAY_SSH_HOST:$SLIPWAY_SSH_PORT` sends its `SSH-` banner, retrying every few seconds
 * for up to `$SLIPWAY_SSH_TIMEOUT` seconds. It exists because this version of the command
 * provider's connection has no `dialErrorLimit`: it gives up after about ten quick dial
 * attempts, well before a fresh droplet's sshd is up. Waiting for the banner rather than an
 * open port also covers socket-activated sshd, which accepts before it can answer. Node is
 * always present where a TypeScript Pulumi program runs; no key or credential is involved.
 */
export function waitForSshScript(): string {
    return `
const net = require("node:net");
const host = process.env.${sshWaitEnv.host};
const port = Number(process.env.${sshWaitEnv.port} || 22);
const deadline = Date.now() + 1000 * Number(process.env.${sshWaitEnv.timeoutSeconds} || 600);
if (!host) { console.error("slipway: ${sshWaitEnv.host} is not set"); process.exit(2); }
let last = "no answer";
function attempt() {
  let settled = false;
  const socket = net.connect({ host, port });
  const retry = (why) => {
    if (settled) return;
    settled = true;
    last = why;
    socket.destroy();
    const left = deadline - Date.now();
    if (left <= 0) {
      console.error("slipway: sshd on " + host + ":" + port + " did not answer in time (last: " + last + ")");
      process.exit(1);
    }
    setTimeout(attempt, Math.min(5000, left));
  };
  socket.setTimeout(10000, () => retry("timeout"));
  socket.on("error", (e) => retry(e.code || e.message));
  socket.on("close", () => retry("closed before the SSH banner"));
  socket.on("data", (d) => {
    if (settled) return;
    if (String(d).startsWith("SSH-")) {
      settled = true;
      socket.destroy();
      console.log("slipway: sshd answered on " + host + ":" + port);
      process.exit(0);
    }
    retry("not an SSH banner");
  });
}
attempt();
`.trim();
}
