import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCKER_STACKS, type RenderedStack, renderStack, renderedFile } from "./helpers/rendered-stacks";
import { requireTool } from "./helpers/tools";
import { run } from "../live/harness/commands";
import { freePort } from "../live/harness/ports";

/**
 * Each Docker stack's pgbackrest.conf and secrets include, as rendered, read by pgBackRest
 * itself (Debian's 2.45; the image runs Alpine's build of a newer one): every option must be
 * one it knows, with a value it accepts. `info` then goes as far as the repository: for the
 * Spaces repository of `dev` a connection to a closed loopback port (the endpoint overridden on
 * the command line; nothing leaves the machine), so the failure must be the connection, never an
 * option; for `local`'s directory repository, a clean "missing stanza".
 */
const work = mkdtempSync(join(tmpdir(), "slipway-pgbackrest-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(DOCKER_STACKS)("pgbackrest reads stack %s's configuration", (stack) => {
    let s: RenderedStack;
    beforeAll(async () => {
        s = await renderStack(stack);
    }, 120_000);

    it("every option is known and valid; only the repository itself is out of reach", async () => {
        requireTool("pgbackrest");
        const conf = renderedFile(s, "backup/pgbackrest.conf").content;
        const secrets = renderedFile(s, "backup/secrets/pgbackrest-secrets.conf").content;
        expect(secrets).toMatch(/^repo1-cipher-pass=\S{20,}$/m);
        const dir = join(work, stack);
        mkdirSync(join(dir, "include"), { recursive: true });
        writeFileSync(join(dir, "pgbackrest.conf"), conf);
        writeFileSync(join(dir, "include", "secrets.conf"), secrets);
        const s3 = /^repo1-type=s3$/m.test(conf);
        const overrides = s3
            ? // The same S3 code path, pointed at a closed port on loopback.
              ["--repo1-s3-endpoint=127.0.0.1", `--repo1-storage-port=${await freePort()}`, "--repo1-s3-uri-style=path", "--io-timeout=5"]
            : [`--repo1-path=${join(dir, "repository")}`];
        const r = await run(
            "pgbackrest",
            [`--config=${join(dir, "pgbackrest.conf")}`, `--config-include-path=${join(dir, "include")}`, `--lock-path=${join(dir, "lock")}`, "--stanza=slipway", ...overrides, "info"],
            { timeoutMs: 60_000 },
        );
        const out = `${r.stdout}${r.stderr}`;
        // An unknown option is only a warning to pgBackRest: here it fails. [03x] errors are
        // invalid or missing options and values.
        expect(out).not.toMatch(/WARN: configuration file contains/);
        expect(out).not.toMatch(/ERROR: \[03[0-9]\]|invalid/i);
        if (s3) {
            expect(out).toMatch(/unable to connect|connection refused/i);
            expect(conf).toMatch(/^repo1-s3-bucket=\S+$/m);
            expect(conf).toMatch(/^repo1-s3-endpoint=[a-z0-9]+\.digitaloceanspaces\.com$/m);
            expect(secrets).toMatch(/^repo1-s3-key=\S+$/m);
        } else {
            expect(r.code, out).toBe(0);
            expect(out).toMatch(/missing stanza path|no valid backups|status: error/);
        }
    }, 90_000);
});
