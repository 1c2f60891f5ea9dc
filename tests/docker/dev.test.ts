/**
 * Tier 5, `dev`: the shipped vps stack's plan graph applied to a real Docker daemon with this
 * machine playing the droplet (host commands as the deploy user, uid 1000, into a scratch
 * volume mounted at the droplet's data directory), then a rollout under load and a droplet
 * rebuild.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeRequest } from "../live/harness/clients";
import { failed, outcomes, startTraffic } from "../live/harness/traffic";
import { type Daemon, startDaemon } from "./harness/daemon";
import { backupRestoreDrill, securityHeaders } from "./harness/drills";
import { stackConfig, withReplacedDroplet } from "./harness/graph";
import { tier5Images } from "./harness/images";
import { containerHealth, psql, waitAllHealthy, waitTargetsUp } from "./harness/payload-checks";
import { Tier5Stack } from "./harness/stack";

/** Host commands that cannot run here, and why. */
const skipCommands = {
    "vps-ssh-wait":
        "runs on the machine running Pulumi and waits for sshd on the droplet's public address; tier 5 has no droplet address to reach (and reaches none), and the played host needs no SSH",
    "backups-pitr-init":
        "creates the pgBackRest stanza in the Spaces bucket over HTTPS and starts the first base backup there; no object store is reachable. The local stack's tier 5 runs the same pitr.sh init, push, base backup and restore-to-time.sh against its directory repository, tier 4 measures the recovery point, and tier 3 has pgbackrest itself read this stack's Spaces configuration",
    "web-acme-issue": {
        reason: "asks Let's Encrypt (staging) over the internet for dev.example.com; no ACME server is reachable, so the edge keeps serving its self-signed placeholder certificate",
        // What a successful issuance leaves that later steps read: certbot's renewal config (the
        // renewal container's health check tests it).
        instead: [
            "set -eu",
            "mkdir -p /mnt/slipway/acme/letsencrypt/renewal",
            "printf '# tier 5: played issuance (no ACME server here)\\n' > /mnt/slipway/acme/letsencrypt/renewal/dev.example.com.conf",
        ].join("\n"),
    },
};

/** The dev stack's backups go to Spaces over HTTPS; the drills point restic at a repository on the played droplet instead. */
const harnessRepository = { RESTIC_REPOSITORY: "/var/cache/slipway-backup/t5-repository" };

let daemon: Daemon;
let t5: Tier5Stack;
let applySeconds = 0;

beforeAll(async () => {
    daemon = await startDaemon();
    // Every client of the harness reaches the edge from one address (Docker's port proxy), so
    // the per-IP limit is lifted out of reach for the run, as bench:edge does for loopback; the
    // rest of the stack file is the shipped one.
    t5 = await Tier5Stack.record({
        stack: "dev",
        daemon,
        images: (g) => tier5Images(daemon, g),
        skipCommands,
        config: { "slipway:web": { ...stackConfig("dev")["slipway:web"], rateLimitPerMinute: 100_000 } },
    });
    applySeconds = (await t5.apply()).seconds;
}, 1_500_000);

afterAll(async () => {
    t5?.host.release(true);
    await daemon?.stop();
});

describe.sequential("tier 5: the dev stack on a real Docker daemon, this machine as the droplet", () => {
    it("every container reaches healthy by Docker's own status, with zero restarts", async () => {
        const seconds = await waitAllHealthy(t5, 60_000);
        const all = await containerHealth(t5);
        console.log(`dev: ${all.length} containers healthy (apply ${applySeconds.toFixed(1)} s, +${seconds.toFixed(1)} s)`);
        expect(all.filter((c) => c.health !== "healthy" || c.restarts !== 0)).toEqual([]);
        const up = await waitTargetsUp(t5, 90_000);
        console.log(`dev: ${up.targets} Prometheus targets up after ${up.seconds.toFixed(1)} s`);
    });

    it("serves the configured domain over HTTPS with the security headers; only the edge publishes, on 80 and 443", async () => {
        const edge = t5.edge();
        const health = await edgeRequest(edge, "/health");
        expect(health.status).toBe(200);
        securityHeaders(health.headers);
        const publishers = t5.containersOf().filter((c) => ((c.inputs.ports as unknown[]) ?? []).some((p) => (p as { ip?: string }).ip !== "127.0.0.1"));
        expect(publishers.map((c) => c.name)).toEqual(["web-edge"]);
        expect((publishers[0].inputs.ports as { internal: number }[]).map((p) => p.internal).sort()).toEqual([443, 80]);
    });

    it("rolls the app to a new image under load in the graph's order with 0 failed requests", async () => {
        const next = await t5.rerecord({ "slipway:app": { ...(appConfig()), image: "ghcr.io/slipway-dev/sample-app:1.0.1" } });
        const traffic = startTraffic(t5.edge(), { paths: ["/health", "/"], concurrency: 4, durationMs: 600_000, maxRequests: 200_000 });
        await new Promise((r) => setTimeout(r, 2_000));
        const { steps, seconds } = await t5.apply(next);
        await new Promise((r) => setTimeout(r, 2_000));
        const samples = await traffic.stop();
        t5.graph = next;
        const replaced = steps.filter((s) => s.op === "replace").map((s) => s.name);
        console.log(`rollout: ${seconds.toFixed(1)} s, replaced ${replaced.join(", ")}; ${samples.length} requests: ${JSON.stringify(outcomes(samples))}`);
        expect(replaced).toEqual(expect.arrayContaining(["web-app-0", "web-app-1"]));
        expect(samples.length).toBeGreaterThan(50);
        expect(samples.filter(failed)).toEqual([]);
    });

    it("a droplet rebuild (no containers, networks or images on the new one): apply again, data intact, the next backup succeeds", async () => {
        await psql(t5, "CREATE TABLE IF NOT EXISTS t5_rebuild (id int PRIMARY KEY); INSERT INTO t5_rebuild SELECT g FROM generate_series(1, 500) g ON CONFLICT DO NOTHING;");
        // The new droplet's Docker is empty; the data volume (the scratch volume) is re-attached.
        for (const c of await t5.api.listContainers()) await t5.api.call("DELETE", `/containers/${c.Id}?force=1`);
        for (const n of (await t5.api.ok<{ Id: string; Name: string }[]>("GET", "/networks")).filter((x) => !["bridge", "host", "none"].includes(x.Name))) {
            await t5.api.call("DELETE", `/networks/${n.Id}`);
        }
        for (const i of await t5.api.ok<{ Id: string; RepoTags: string[] | null }[]>("GET", "/images/json")) {
            // The stand-ins play the registry: a new droplet pulls them again. Locally built images are gone.
            if (!(i.RepoTags ?? []).some((t) => t.startsWith("slipway-standin/"))) await t5.api.call("DELETE", `/images/${i.Id}?force=1`);
        }
        const rebuilt = withReplacedDroplet(t5.graph, "999000111");
        const { seconds } = await t5.apply(rebuilt);
        t5.graph = rebuilt;
        await waitAllHealthy(t5, 120_000);
        console.log(`droplet rebuild: applied in ${seconds.toFixed(1)} s`);
        expect(await psql(t5, "SELECT count(*) FROM t5_rebuild")).toBe("500");
        const drill = await backupRestoreDrill(t5, harnessRepository);
        console.log(`after the rebuild: backup ${drill.backupSeconds.toFixed(1)} s, restore ${drill.restoreSeconds.toFixed(1)} s`);
        expect(drill.restored).toEqual(drill.original);
    });
});

function appConfig(): Record<string, unknown> {
    // The stack file's app block, so the rollout changes the image and nothing else.
    return stackConfig("dev")["slipway:app"];
}
