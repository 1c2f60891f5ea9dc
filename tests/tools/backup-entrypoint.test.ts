import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The backup image's entrypoint (backup/entrypoint.sh) run by a real sh: the credential files the
 * host mounts (0600, another user's) are copied for the job's user, 0600 and its own, as libpq
 * demands of a .pgpass file; nothing else can read them. crond is a stand-in that prints its
 * arguments. Needs root (the entrypoint chowns, as it does in its container).
 */
const entrypoint = join(__dirname, "..", "..", "backup", "entrypoint.sh");
const work = mkdtempSync(join(tmpdir(), "slipway-backup-entrypoint-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const isRoot = userInfo().uid === 0;
// A system user with a same-named group on Debian, standing in for the image's `backup` user.
const jobUser = "daemon";

describe("backup entrypoint: credential files", () => {
    it.skipIf(!isRoot)("copies each mounted credential file for the job's user, 0600 and owned by it, into a 0700 directory", () => {
        const from = join(work, "from");
        const to = join(work, "run", "slipway-backup");
        const bin = join(work, "bin");
        mkdirSync(from, { recursive: true });
        mkdirSync(bin, { recursive: true });
        // Traversable, as the container's / and /run are; the secrecy is the files' own modes.
        chmodSync(work, 0o755);
        chmodSync(from, 0o755);
        const files = { pgpass: "postgres:5432:*:app:pw\n", "restic-password": "rpw\n", "aws-credentials": "[default]\naws_access_key_id = a\naws_secret_access_key = b\n" };
        for (const [name, content] of Object.entries(files)) {
            writeFileSync(join(from, name), content);
            chmodSync(join(from, name), 0o600);
        }
        writeFileSync(join(bin, "crond"), '#!/bin/sh\necho "crond $*"\n');
        chmodSync(join(bin, "crond"), 0o755);
        const out = execFileSync("sh", [entrypoint], {
            env: {
                PATH: `${bin}:${process.env.PATH}`,
                BACKUP_USER: jobUser,
                BACKUP_CRONTABS: join(work, "crontabs"),
                BACKUP_PRIVATE_FROM: from,
                BACKUP_PRIVATE_DIR: to,
            },
            encoding: "utf8",
        });
        expect(out).toContain("crond -f -d 8");
        const uid = Number(execFileSync("id", ["-u", jobUser], { encoding: "utf8" }).trim());
        expect(statSync(to).mode & 0o777).toBe(0o700);
        expect(statSync(to).uid).toBe(uid);
        for (const [name, content] of Object.entries(files)) {
            const st = statSync(join(to, name));
            expect(st.mode & 0o777, name).toBe(0o600);
            expect(st.uid, name).toBe(uid);
            expect(readFileSync(join(to, name), "utf8"), name).toBe(content);
        }
        // The job's user reads its copy (it could not read the mounted original).
        const asJob = (file: string) => execFileSync("setpriv", [`--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", "cat", file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        expect(asJob(join(to, "pgpass"))).toBe(files.pgpass);
        expect(() => asJob(join(from, "pgpass"))).toThrow();
    });

    it("does nothing with credentials when BACKUP_PRIVATE_FROM is unset (the aws task passes none)", () => {
        const bin = join(work, "bin2");
        mkdirSync(bin, { recursive: true });
        writeFileSync(join(bin, "crond"), '#!/bin/sh\necho "crond $*"\n');
        chmodSync(join(bin, "crond"), 0o755);
        // Chown of no directory needs no privilege; the crontab is the current user's.
        const out = execFileSync("sh", [entrypoint], {
            env: { PATH: `${bin}:${process.env.PATH}`, BACKUP_USER: userInfo().username, BACKUP_CRONTABS: join(work, "crontabs2") },
            encoding: "utf8",
        });
        expect(out).toContain("crond -f");
    });
});

describe("backup entrypoint: point-in-time recovery", () => {
    // The database's OS user on Debian (its package creates it), standing in for the image's uid 70.
    const pitrUser = "postgres";

    it.skipIf(!isRoot)("gives the PITR user its own copy of pgBackRest's secrets and a crontab that pushes every minute and backs up on schedule", () => {
        const from = join(work, "pitr-from");
        const jobDir = join(work, "pitr-run", "slipway-backup");
        const pitrDir = join(work, "pitr-run", "slipway-pitr");
        const repo = join(work, "pitr-repository");
        const bin = join(work, "pitr-bin");
        for (const d of [from, bin, repo]) mkdirSync(d, { recursive: true });
        chmodSync(work, 0o755);
        writeFileSync(join(from, "pgpass"), "postgres:5432:*:app:pw\n", { mode: 0o600 });
        writeFileSync(join(from, "pgbackrest-secrets.conf"), "[global]\nrepo1-cipher-pass=x\n", { mode: 0o600 });
        writeFileSync(join(bin, "crond"), '#!/bin/sh\necho "crond $*"\n');
        chmodSync(join(bin, "crond"), 0o755);
        const crontabs = join(work, "pitr-crontabs");
        const out = execFileSync("sh", [entrypoint], {
            env: {
                PATH: `${bin}:${process.env.PATH}`,
                BACKUP_USER: jobUser,
                BACKUP_CRONTABS: crontabs,
                BACKUP_SCHEDULE: "17 3 * * *",
                BACKUP_PRIVATE_FROM: from,
                BACKUP_PRIVATE_DIR: jobDir,
                PITR_USER: pitrUser,
                PITR_COMMAND: "/bin/sh /opt/slipway/backup/pitr.sh",
                PITR_PRIVATE_FILES: "pgbackrest-secrets.conf",
                PITR_PRIVATE_DIR: pitrDir,
                PITR_WRITABLE_DIRS: repo,
            },
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
        });
        expect(out).toContain("crond -f");
        const pitrUid = Number(execFileSync("id", ["-u", pitrUser], { encoding: "utf8" }).trim());
        const jobUid = Number(execFileSync("id", ["-u", jobUser], { encoding: "utf8" }).trim());
        // Each user gets only its own credentials.
        expect(statSync(join(pitrDir, "pgbackrest-secrets.conf")).uid).toBe(pitrUid);
        expect(statSync(join(pitrDir, "pgbackrest-secrets.conf")).mode & 0o777).toBe(0o600);
        expect(statSync(pitrDir).uid).toBe(pitrUid);
        expect(() => statSync(join(jobDir, "pgbackrest-secrets.conf"))).toThrow();
        expect(statSync(join(jobDir, "pgpass")).uid).toBe(jobUid);
        expect(() => statSync(join(pitrDir, "pgpass"))).toThrow();
        expect(statSync(repo).uid).toBe(pitrUid);
        expect(readFileSync(join(crontabs, pitrUser), "utf8")).toBe(
            "* * * * * /bin/sh /opt/slipway/backup/pitr.sh push\n17 3 * * * /bin/sh /opt/slipway/backup/pitr.sh backup\n",
        );
        expect(readFileSync(join(crontabs, jobUser), "utf8")).toMatch(/^17 3 \* \* \* /);
    });
});
