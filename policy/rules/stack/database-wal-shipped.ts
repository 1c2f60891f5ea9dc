import type { PolicyResource } from "@pulumi/policy";
import { type SlipwayRule, UNKNOWN, ofTypes, stackRule, types } from "../kit";
import { dockerEnv, entries, label, path, runsImage } from "./resources";

/** The official image's socket directory: with archiving on, a host directory holding the WAL spool. */
const SOCKET_DIR = "/var/run/postgresql";
const DATA_DIR = "/var/lib/postgresql/data";

interface Mount {
    hostPath: string;
    containerPath: string;
    readOnly: boolean;
}

/** A container's bind mounts; undefined while any of them is unknown (preview). */
function mounts(c: PolicyResource): Mount[] | undefined {
    const list = entries(path(c.props, "volumes"));
    if (list === UNKNOWN) return undefined;
    const out: Mount[] = [];
    for (const v of list ?? []) {
        const hostPath = path(v, "hostPath");
        const containerPath = path(v, "containerPath");
        if (hostPath === UNKNOWN || containerPath === UNKNOWN) return undefined;
        if (typeof hostPath === "string" && typeof containerPath === "string") out.push({ hostPath, containerPath, readOnly: path(v, "readOnly") === true });
    }
    return out;
}

/**
 * Point-in-time recovery on a Docker host: PostgreSQL archives each finished WAL segment into a
 * spool in its socket directory (a host directory then, not a tmpfs), and a backup job that
 * mounts the same directory ships it to the repository every minute and takes base backups from
 * a read-only mount of the data directory. Two graph properties follow. A database that spools
 * WAL needs such a job, or the spool grows until the disk is full. And a database on a droplet
 * must archive at all: its only other copy is last night's dump, so a lost droplet would lose up
 * to a day of writes.
 */
export const databaseWalShipped: SlipwayRule = stackRule(
    {
        name: "database-wal-shipped",
        group: "stack",
        description:
            "A PostgreSQL container on a droplet archives its WAL (the socket directory, holding the spool, is a host directory), and a backup job (PITR_COMMAND) mounts that directory and the data directory read-only to ship it and take base backups: point-in-time recovery with a recovery point of minutes, not a day.",
        sources: ["Slipway issue: the vps target's first real deploy (PITR)", "PostgreSQL docs: Continuous Archiving and Point-in-Time Recovery"],
        remediation:
            "Leave slipway:backups.pointInTimeRecovery at its default (true): DockerDatabase gets walArchive: true and the DockerBackupBucket pointInTimeRecovery: database.walArchive.",
        level: "mandatory",
    },
    (args, report) => {
        const containers = ofTypes(args.resources, types.dockerContainer);
        const databases = containers.filter((c) => runsImage(c, ["postgres"]) === true);
        if (databases.length === 0) args.notApplicable("no PostgreSQL container in this stack");
        const onDroplet = ofTypes(args.resources, types.doDroplet).length > 0;
        const jobs = containers.filter((c) => dockerEnv(c).vars.has("PITR_COMMAND"));
        for (const db of databases) {
            const m = mounts(db);
            if (m === undefined) continue;
            const spool = m.find((v) => v.containerPath === SOCKET_DIR);
            const data = m.find((v) => v.containerPath === DATA_DIR);
            if (!spool) {
                if (onDroplet) {
                    report(`${label(db)} does not archive its WAL (its socket directory is not a host directory shared with a backup job): the droplet's only other copy is the nightly dump, so losing it loses up to a day of writes.`, db.urn);
                }
                continue;
            }
            const shipper = jobs.find((j) => mounts(j)?.some((v) => v.containerPath === SOCKET_DIR && v.hostPath === spool.hostPath));
            if (!shipper) {
                report(`${label(db)} spools its WAL into ${spool.hostPath}, but no backup job (PITR_COMMAND) mounts it: nothing ships the spool, which grows until the disk is full.`, db.urn);
                continue;
            }
            const dataMount = mounts(shipper)?.find((v) => v.containerPath === DATA_DIR);
            if (!data || !dataMount || dataMount.hostPath !== data.hostPath || !dataMount.readOnly) {
                report(`${label(shipper)} ships ${label(db)}'s WAL but does not mount its data directory read-only at ${DATA_DIR}: it cannot take the base backups a restore starts from, or could write to the live data.`, shipper.urn);
            }
        }
    },
);
