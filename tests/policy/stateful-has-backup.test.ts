import { describe, expect, it } from "vitest";
import { repositoryBucket, statefulHasBackup } from "../../policy/rules/stack/stateful-has-backup";
import { PREVIEW_UNKNOWN } from "./helpers";
import { awsStack, dockerStack, T } from "./stack-fixtures";
import { type Node, patch, run, without } from "./stack-graph";

const rule = statefulHasBackup;
const setEnv = (nodes: Node[], envs: unknown[], extra: Partial<Node> = {}) => patch(nodes, "backups-container", { envs }, extra);

describe("stateful-has-backup", () => {
    it("passes the compliant baselines: RDS, vps (Spaces repository) and local (directory repository)", async () => {
        expect(await run(rule, awsStack())).toEqual([]);
        expect(await run(rule, dockerStack({ remote: true }))).toEqual([]);
        expect(await run(rule, dockerStack({ remote: false }))).toEqual([]);
    });

    describe("RDS", () => {
        it("fails retention below a day, or unset", async () => {
            expect(await run(rule, patch(awsStack(), "db-instance", { backupRetentionPeriod: 0 }))).toEqual([
                expect.stringMatching(/^db-instance: .*backupRetentionPeriod 0; .*at least 1 day/),
            ]);
            expect(await run(rule, patch(awsStack(), "db-instance", { backupRetentionPeriod: undefined }))).toEqual([expect.stringMatching(/backupRetentionPeriod "unset"/)]);
        });

        it("fails without a versioned S3 bucket in the stack", async () => {
            const suspended = patch(patch(awsStack(), "backups-bucket-versioning", { versioningConfiguration: { status: "Suspended" } }), "web-access-logs-versioning", {
                versioningConfiguration: { status: "Suspended" },
            });
            expect(await run(rule, suspended)).toEqual([expect.stringMatching(/^db-instance: .*no versioned S3 bucket/)]);
            const noBuckets = awsStack().filter((n) => !n.name.startsWith("backups-bucket") && !n.name.startsWith("web-access-logs"));
            expect(await run(rule, noBuckets)).toEqual([expect.stringMatching(/no versioned S3 bucket/)]);
        });

        it("covers clusters and skips read replicas", async () => {
            const cluster: Node = { type: T.rdsCluster, name: "aurora", provider: "aws", props: { backupRetentionPeriod: 0 } };
            expect(await run(rule, [...awsStack(), cluster])).toEqual([expect.stringMatching(/^aurora: .*backupRetentionPeriod 0/)]);
            const replica: Node = { type: T.rds, name: "replica", provider: "aws", props: { replicateSourceDb: "db", backupRetentionPeriod: 0 } };
            expect(await run(rule, [...awsStack(), replica])).toEqual([]);
        });

        it("never silently passes unknown values", async () => {
            expect(await run(rule, patch(awsStack(), "db-instance", { backupRetentionPeriod: PREVIEW_UNKNOWN }))).toEqual([
                expect.stringMatching(/backupRetentionPeriod is unknown during preview/),
            ]);
            const unknownVersioning = awsStack()
                .filter((n) => !n.name.startsWith("web-access-logs"))
                .map((n) => (n.name === "backups-bucket-versioning" ? { ...n, props: { ...n.props, versioningConfiguration: { status: PREVIEW_UNKNOWN } } } : n));
            expect(await run(rule, unknownVersioning)).toEqual([expect.stringMatching(/versioning .* unknown during preview/)]);
        });
    });

    describe("PostgreSQL containers", () => {
        it("fails a database with no backup job, or a job pointed at another host", async () => {
            expect(await run(rule, without(dockerStack(), "backups-container"))).toEqual([expect.stringMatching(/^db-postgres: .*runs PostgreSQL with no backup job/)]);
            const elsewhere = setEnv(dockerStack(), ["RESTIC_REPOSITORY=s3:https://fra1.digitaloceanspaces.com/s-backups-1a2b", "PGHOST=other-db"]);
            expect(await run(rule, elsewhere)).toEqual([expect.stringMatching(/no backup job/)]);
        });

        it("does not take an exporter whose image starts with postgres for a database", async () => {
            const nodes = without(dockerStack(), "db-postgres", "backups-container");
            expect(await run(rule, nodes)).toEqual([]);
        });

        it("requires an off-box repository on a remote host (a directory is on the same box)", async () => {
            const local = setEnv(dockerStack({ remote: true }), ["RESTIC_REPOSITORY=/var/lib/restic/repository", "PGHOST=postgres"]);
            expect(await run(rule, local)).toEqual([expect.stringMatching(/^db-postgres: .*RESTIC_REPOSITORY is "\/var\/lib\/restic\/repository", a directory on the same host/)]);
        });

        it("requires the repository bucket to be versioned and in the stack", async () => {
            const unversioned = patch(dockerStack(), "backups-bucket", { versioning: { enabled: false } });
            expect(await run(rule, unversioned)).toEqual([expect.stringMatching(/repository bucket backups-bucket .* is not versioned/)]);
            const outside = setEnv(dockerStack(), ["RESTIC_REPOSITORY=s3:https://fra1.digitaloceanspaces.com/someone-elses", "PGHOST=postgres"]);
            expect(await run(rule, outside)).toEqual([expect.stringMatching(/not managed in this stack/)]);
            const noRepo = setEnv(dockerStack(), ["PGHOST=postgres"]);
            expect(await run(rule, noRepo)).toEqual([expect.stringMatching(/has no RESTIC_REPOSITORY/)]);
        });

        it("with the repository unknown at preview, checks the bucket it is built from, else reports the unknown", async () => {
            const computed = setEnv(dockerStack(), [PREVIEW_UNKNOWN, "PGHOST=postgres"], { deps: { envs: ["backups-bucket"], networksAdvanced: ["network-data"] } });
            expect(await run(rule, computed)).toEqual([]);
            const unversioned = patch(computed, "backups-bucket", { versioning: { enabled: false } });
            expect(await run(rule, unversioned)).toEqual([expect.stringMatching(/is not versioned/)]);
            const opaque = setEnv(dockerStack(), [PREVIEW_UNKNOWN, "PGHOST=postgres"]);
            expect(await run(rule, opaque)).toEqual([expect.stringMatching(/RESTIC_REPOSITORY is unknown during preview/)]);
        });

        it("requires off-box as soon as the stack has cloud resources, whatever the Docker host", async () => {
            const withDroplet = [...dockerStack({ remote: false }), { type: T.droplet, name: "vps", props: {} }];
            expect(await run(rule, withDroplet)).toEqual([expect.stringMatching(/a directory on the same host/)]);
        });

        it("honours requireOffBox and postgresImages", async () => {
            expect(await run(rule, dockerStack({ remote: false }), { config: { "stateful-has-backup": { requireOffBox: "always" } } })).toEqual([
                expect.stringMatching(/a directory on the same host/),
            ]);
            const local = setEnv(dockerStack({ remote: true }), ["RESTIC_REPOSITORY=/var/lib/restic/repository"]);
            expect(await run(rule, local, { config: { "stateful-has-backup": { requireOffBox: "never" } } })).toEqual([]);
            const pg = patch(without(dockerStack(), "backups-container"), "db-postgres", { image: "bitnami/postgresql:16" });
            expect(await run(rule, pg)).toEqual([]);
            expect(await run(rule, pg, { config: { "stateful-has-backup": { postgresImages: ["bitnami/postgresql"] } } })).toHaveLength(1);
        });
    });

    it("parses the bucket of restic s3 repositories", () => {
        expect(repositoryBucket("s3:https://fra1.digitaloceanspaces.com/b-1/sub")).toBe("b-1");
        expect(repositoryBucket("s3:s3.amazonaws.com/b-2")).toBe("b-2");
        expect(repositoryBucket("/var/lib/restic")).toBeUndefined();
    });
});
