import { describe, expect, it } from "vitest";
import { databaseWalShipped } from "../../policy/rules/stack/database-wal-shipped";
import { dockerStack, dropletStack } from "./stack-fixtures";
import { type Node, run } from "./stack-graph";

const rule = databaseWalShipped;
const DATA = { hostPath: "/mnt/data/postgres/data", containerPath: "/var/lib/postgresql/data" };
const RUN = { hostPath: "/mnt/data/postgres/run", containerPath: "/var/run/postgresql" };

/** The droplet stack with its Docker payload; `db` and `job` change the database's and the backup job's mounts and environment. */
function stack(o: { dbRun?: boolean; job?: "none" | "ships" | "no-data" | "data-rw" }): Node[] {
    return [...dropletStack(), ...dockerStack()].map((n) => {
        if (n.name === "db-postgres") return { ...n, props: { ...n.props, volumes: [DATA, ...(o.dbRun ? [RUN] : [])] } };
        if (n.name === "backups-container" && o.job && o.job !== "none") {
            const envs = [...((n.props?.envs as string[]) ?? []), "PITR_COMMAND=/bin/sh /opt/slipway/backup/pitr.sh"];
            const data = o.job === "no-data" ? [] : [{ ...DATA, readOnly: o.job === "ships" }];
            return { ...n, props: { ...n.props, envs, volumes: [...data, RUN] } };
        }
        return n;
    });
}

describe("database-wal-shipped", () => {
    it("passes a droplet's database whose spool a backup job ships, with the data directory mounted read-only", async () => {
        expect(await run(rule, stack({ dbRun: true, job: "ships" }))).toEqual([]);
    });

    it("fails a droplet's database that does not archive: a day of writes at risk", async () => {
        expect(await run(rule, stack({ dbRun: false }))).toEqual([expect.stringMatching(/^db-postgres: .*does not archive its WAL.*up to a day of writes/)]);
    });

    it("fails a spool nobody ships, on any host", async () => {
        expect(await run(rule, stack({ dbRun: true, job: "none" }))).toEqual([expect.stringMatching(/^db-postgres: .*no backup job \(PITR_COMMAND\) mounts it.*disk is full/)]);
        const local = dockerStack({ remote: false }).map((n) => (n.name === "db-postgres" ? { ...n, props: { ...n.props, volumes: [DATA, RUN] } } : n));
        expect(await run(rule, local)).toEqual([expect.stringMatching(/^db-postgres: .*no backup job/)]);
    });

    it("fails a job without the data directory, or with it writable", async () => {
        expect(await run(rule, stack({ dbRun: true, job: "no-data" }))).toEqual([expect.stringMatching(/^backups-container: .*does not mount its data directory read-only/)]);
        expect(await run(rule, stack({ dbRun: true, job: "data-rw" }))).toEqual([expect.stringMatching(/^backups-container: .*does not mount its data directory read-only/)]);
    });

    it("lets a local stack go without archiving, and is not applicable without PostgreSQL", async () => {
        expect(await run(rule, dockerStack({ remote: false }))).toEqual([]);
        expect(await run(rule, dropletStack())).toEqual([]);
    });
});
