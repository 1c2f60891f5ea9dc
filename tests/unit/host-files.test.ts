import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeFileScript } from "../../components/shared/host-files";

const root = mkdtempSync(join(tmpdir(), "slipway-host-files-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs the script as the host would (sh, content on stdin) under a restrictive caller umask. */
function write(path: string, mode: string, content: string): void {
    const r = spawnSync("sh", ["-c", `umask 077; ${writeFileScript(path, mode)}`], { input: content, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
}

const modeOf = (p: string): string => (statSync(p).mode & 0o7777).toString(8).padStart(4, "0");

describe("writeFileScript", () => {
    it("makes the directories it creates traversable by the containers' own users (0755), whatever the caller's umask", () => {
        // PostgreSQL runs as uid 70 and read nothing under a 0700 directory owned by the deploy
        // user: the first real deploy crash-looped (found by tier 5).
        const file = join(root, "postgres/conf/postgresql.conf");
        write(file, "0644", "listen_addresses = '*'\n");
        expect(modeOf(join(root, "postgres"))).toBe("0755");
        expect(modeOf(join(root, "postgres/conf"))).toBe("0755");
        expect(modeOf(file)).toBe("0644");
        expect(readFileSync(file, "utf8")).toBe("listen_addresses = '*'\n");
    });

    it("keeps a secret file at its own mode, and its temporary file is never more open than 0600", () => {
        const file = join(root, "postgres/secrets/password");
        write(file, "0600", "s3cret");
        expect(modeOf(file)).toBe("0600");
        expect(writeFileScript(file, "0600")).toContain(`(umask 077 && cat > '${file}'.tmp)`);
    });

    it("refuses a mode that is not octal", () => {
        expect(() => writeFileScript("/x", "644")).toThrow(/host files: mode is "644"; expected an octal file mode like 0644/);
    });
});
