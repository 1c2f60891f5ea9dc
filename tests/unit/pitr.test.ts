import { beforeAll, describe, expect, it } from "vitest";
import { ComponentArgError } from "../../components/shared/errors";
import { renderPgbackrestConf, renderPgbackrestSecrets, renderPitrScript, renderRestoreToTimeScript } from "../../components/backup-bucket/pitr";
import { renderPostgresConf } from "../../components/database/postgres-conf";
import { renderedFiles } from "../../offline/rendered-files";
import { type OfflineRun, runOffline } from "../../offline/run";
import { containsSecret, reveal } from "../../offline/secret-value";

const base = { stanza: "slipway", retentionDays: 7, pgPath: "/var/lib/postgresql/data", pgSocketPath: "/var/run/postgresql", pgPort: 5432, pgUser: "app", lockPath: "/tmp/pgbackrest" };

describe("renderPgbackrestConf", () => {
    it("points a Spaces repository at the region's endpoint, host-style, TLS verified, under pgbackrest/ in the bucket", () => {
        const conf = renderPgbackrestConf({ ...base, repository: { kind: "s3", endpoint: "fra1.digitaloceanspaces.com", region: "fra1", bucket: "b-1", path: "/pgbackrest" } });
        for (const line of ["repo1-type=s3", "repo1-s3-endpoint=fra1.digitaloceanspaces.com", "repo1-s3-bucket=b-1", "repo1-s3-region=fra1", "repo1-path=/pgbackrest", "repo1-storage-verify-tls=y"]) {
            expect(conf).toContain(`${line}\n`);
        }
        // Encrypted client-side; retention by time so a restore reaches back retentionDays.
        expect(conf).toMatch(/^repo1-cipher-type=aes-256-cbc$/m);
        expect(conf).toMatch(/^repo1-retention-full-type=time\nrepo1-retention-full=7$/m);
        expect(conf).toMatch(/^\[slipway\]\npg1-path=\/var\/lib\/postgresql\/data\npg1-socket-path=\/var\/run\/postgresql\npg1-port=5432\npg1-user=app$/m);
        // No secret in the world-readable file.
        expect(conf).not.toMatch(/^repo1-(cipher-pass|s3-key)/m);
    });

    it("keeps a directory repository for the local target", () => {
        const conf = renderPgbackrestConf({ ...base, repository: { kind: "posix", path: "/var/lib/pgbackrest/repository" } });
        expect(conf).toMatch(/^repo1-type=posix\nrepo1-path=\/var\/lib\/pgbackrest\/repository$/m);
        expect(conf).not.toMatch(/s3/);
    });

    it.each([
        [{ stanza: "bad stanza" }, /pgbackrest\.conf: stanza is "bad stanza"; expected 1 to 64 letters, digits/],
        [{ retentionDays: 0 }, /retentionDays is 0; expected a whole number of days from 1 to 9999/],
        [{ pgPath: "relative/data" }, /pgPath is "relative\/data"; expected an absolute path/],
        [{ lockPath: "/tmp/a b" }, /lockPath is "\/tmp\/a b"; expected an absolute path without spaces/],
    ])("refuses %j", (override, message) => {
        expect(() => renderPgbackrestConf({ ...base, repository: { kind: "posix", path: "/r" }, ...override })).toThrow(ComponentArgError);
        expect(() => renderPgbackrestConf({ ...base, repository: { kind: "posix", path: "/r" }, ...override })).toThrow(message);
    });
});

describe("renderPgbackrestSecrets", () => {
    it("carries the cipher pass and, for Spaces, the bucket key, in an include file", () => {
        expect(renderPgbackrestSecrets({ cipherPass: "p" })).toBe("[global]\nrepo1-cipher-pass=p\n");
        expect(renderPgbackrestSecrets({ cipherPass: "p", s3: { key: "k", secret: "s" } })).toBe("[global]\nrepo1-cipher-pass=p\nrepo1-s3-key=k\nrepo1-s3-key-secret=s\n");
        expect(() => renderPgbackrestSecrets({ cipherPass: "a\nb" })).toThrow(/single lines/);
    });
});

describe("renderPitrScript", () => {
    const script = renderPitrScript({
        stanza: "slipway",
        spool: "/var/run/postgresql/archive",
        pgData: "/var/lib/postgresql/data",
        pgSocketPath: "/var/run/postgresql",
        pgPort: 5432,
        pgUser: "app",
        pgOptions: "-c config_file=/etc/slipway/postgres/postgresql.conf -c listen_addresses=",
        metricsDir: "/var/lib/slipway/textfile",
        fullWeekday: 7,
        lockFile: "/tmp/slipway-pitr/push.lock",
    });

    it("bakes every path in as a default the environment overrides", () => {
        for (const v of ["PITR_SPOOL=${PITR_SPOOL:-'/var/run/postgresql/archive'}", "PITR_PGHOST=${PITR_PGHOST:-'/var/run/postgresql'}", "PITR_FULL_WEEKDAY=${PITR_FULL_WEEKDAY:-'7'}"]) {
            expect(script).toContain(v);
        }
    });

    it("deletes a spooled segment only after archive-push stored it, skips basic_archive's temporary files, and checks a base backup's WAL itself", () => {
        expect(script).toContain('if brest archive-push "$file" >/dev/null; then rm -f "$file"; else failed=1;');
        expect(script).toContain('! -name "archtemp*"');
        expect(script).toContain('brest --type="$type" --archive-check=n backup');
        expect(script).toContain('until brest repo-ls --filter="^$stop-" "$segment_dir"');
        // Each step of a backup fails the function: it runs where set -e does not apply.
        expect(script).toContain('brest --type="$type" --archive-check=n backup || return 1');
    });

    it("removes the recovery settings after the promotion", () => {
        expect(script).toContain("ALTER SYSTEM RESET restore_command");
        expect(script).toContain("--target-action=promote restore");
    });

    it("refuses a weekday outside 1-7", () => {
        expect(() => renderPitrScript({ ...{ stanza: "s", spool: "/s", pgData: "/d", pgSocketPath: "/r", pgPort: 5432, pgUser: "u", pgOptions: "", metricsDir: false, lockFile: "/l" }, fullWeekday: 0 })).toThrow(/fullWeekday/);
    });
});

describe("renderRestoreToTimeScript", () => {
    it("moves the data directory aside (never deletes it), runs the one-off restore and starts the database again", () => {
        const s = renderRestoreToTimeScript({ pgContainer: "dev-postgres", backupContainer: "dev-backup", hostDataDir: "/mnt/data/postgres/data", runOptions: ["--network 'none'"], pitrScript: "/opt/slipway/backup/pitr.sh", spool: "/var/run/postgresql/archive" });
        expect(s).toContain('mv "$PG_DATA_DIR" "$aside"');
        expect(s).not.toMatch(/rm -rf/);
        expect(s).toContain("--network 'none'");
        expect(s).toContain('"$image" pitr-restore "$target" "$timeline"');
        // The last segment is shipped before anything moves, and the job stops while its mount would point at the old directory.
        expect(s.indexOf("pitr push")).toBeLessThan(s.indexOf('mv "$PG_DATA_DIR"'));
        expect(s.indexOf('"$DOCKER" stop "$BACKUP_CONTAINER"')).toBeLessThan(s.indexOf('mv "$PG_DATA_DIR"'));
        expect(s).toContain("if ! pitr backup full; then");
        expect(s).toContain('"$DOCKER" start "$PG_CONTAINER" "$BACKUP_CONTAINER"');
        expect(() => renderRestoreToTimeScript({ pgContainer: "p", backupContainer: "b", hostDataDir: "relative", runOptions: [], pitrScript: "/x", spool: "/s" })).toThrow(/absolute/);
    });
});

describe("renderPostgresConf archive", () => {
    const conf = (archive?: { directory: string; timeoutSeconds: number }) =>
        renderPostgresConf({ memoryMiB: 512, listenAddresses: ["*"], port: 5432, slowQueryMs: 500, archive, unixSocketPermissions: archive ? "0700" : undefined });

    it("archives with basic_archive into the spool, closing a segment within archive_timeout", () => {
        const c = conf({ directory: "/var/run/postgresql/archive", timeoutSeconds: 60 });
        expect(c).toMatch(/^archive_mode = on\narchive_library = 'basic_archive'\nbasic_archive.archive_directory = '\/var\/run\/postgresql\/archive'\narchive_timeout = 60$/m);
        expect(c).toMatch(/^unix_socket_permissions = 0700$/m);
        expect(conf()).not.toMatch(/archive_mode|unix_socket_permissions/);
    });

    it.each([10, 301, 1.5])("refuses archive_timeout %s", (t) => {
        expect(() => conf({ directory: "/a", timeoutSeconds: t })).toThrow(new RegExp(`archive\\.timeoutSeconds is ${t}; expected a whole number of seconds from 30 to 300`));
    });
});

describe.each(["dev", "local"])("stack %s: point-in-time recovery wired", (stack) => {
    let run: OfflineRun;
    beforeAll(async () => {
        run = await runOffline({ stack });
    });

    it("the database shares its socket directory (the spool) with the backup job, which reads the data directory read-only", () => {
        const db = run.graph.byName("db-postgres").inputs as { volumes: { hostPath: string; containerPath: string; readOnly?: boolean }[]; tmpfs: Record<string, string> };
        const job = run.graph.byName("backups-container").inputs as { volumes: { hostPath: string; containerPath: string; readOnly?: boolean }[]; envs: string[] };
        const dbRun = db.volumes.find((v) => v.containerPath === "/var/run/postgresql")!;
        const dbData = db.volumes.find((v) => v.containerPath === "/var/lib/postgresql/data")!;
        expect(db.tmpfs["/var/run/postgresql"]).toBeUndefined();
        expect(job.volumes).toContainEqual({ hostPath: dbRun.hostPath, containerPath: "/var/run/postgresql" });
        expect(job.volumes).toContainEqual({ hostPath: dbData.hostPath, containerPath: "/var/lib/postgresql/data", readOnly: true });
        const env = job.envs.map((e) => reveal(e) as string);
        expect(env).toContain("PITR_COMMAND=/bin/sh /opt/slipway/backup/pitr.sh");
        expect(env).toContain("PGBACKREST_CONFIG=/opt/slipway/backup/pgbackrest.conf");
        // The pgBackRest secrets never enter the environment.
        expect(env.filter((e) => /CIPHER|S3_KEY/.test(e))).toEqual([]);
    });

    it("renders pgbackrest.conf, pitr.sh and restore-to-time.sh beside backup.sh, and the secrets include as a 0600 secret", () => {
        const files = renderedFiles(run.graph, typeof run.outputs.dataDir === "string" ? run.outputs.dataDir : undefined);
        const byPath = (p: string) => files.find((f) => f.path === p);
        expect(byPath("backup/pgbackrest.conf")?.content).toMatch(stack === "dev" ? /^repo1-type=s3$/m : /^repo1-type=posix$/m);
        expect(byPath("backup/pitr.sh")?.mode).toBe("0755");
        expect(byPath("backup/restore-to-time.sh")?.content).toContain(`${stack}-postgres`);
        expect(byPath("backup/restore-to-time.sh")?.content).toContain(stack === "dev" ? "--network 'dev-backup-egress'" : "--network 'none'");
        expect(byPath("backup/secrets/pgbackrest-secrets.conf")?.mode).toBe("0600");
        expect(byPath("postgres/conf/postgresql.conf")?.content).toMatch(/^archive_mode = on$/m);
        const secretFile = run.graph.resources.find((r) => r.name === "backups-secret-pgbackrest-secrets.conf")!;
        expect(containsSecret(secretFile.inputs.stdin)).toBe(true);
    });

    it("creates the stanza at deploy after the container's credential restart, and alerts on archiving lag", () => {
        const init = run.graph.byName("backups-pitr-init");
        expect(reveal(init.inputs.create) as string).toMatch(/docker exec -u postgres \S+ \/bin\/sh \/opt\/slipway\/backup\/pitr.sh init && docker exec -d -u postgres .* backup first/);
        expect(run.graph.dependsOn(init, run.graph.byName("backups-secrets-restart"))).toBe(true);
        const rules = renderedFiles(run.graph, typeof run.outputs.dataDir === "string" ? run.outputs.dataDir : undefined).find((f) => f.path === "prometheus/rules/slipway.yml")!.content;
        expect(rules).toContain("alert: WalArchivingLagging");
        expect(rules).toContain("alert: BaseBackupTooOld");
    });
});
