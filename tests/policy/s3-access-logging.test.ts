import { describe, expect, it } from "vitest";
import { Graph } from "../../offline/graph";
import { runOffline } from "../../offline/run";
import { runPolicies } from "../../offline/policy-run";
import { s3AccessLogging } from "../../policy/rules/aws-data/s3-access-logging";
import { PREVIEW_UNKNOWN } from "./helpers";
import { awsStack, s3Bucket } from "./stack-fixtures";
import { type Node, patch, run, violations } from "./stack-graph";

const LOGGING = "aws:s3/bucketLogging:BucketLogging";

/** The aws miniature with the backups' server access logs going to a bucket of their own. */
function logged(): Node[] {
    return [
        ...awsStack(),
        ...s3Bucket("backups-access-logs", "test-backups-access-1", { parent: "backups" }),
        {
            type: LOGGING,
            name: "backups-access-logging",
            parent: "backups",
            provider: "aws",
            props: { bucket: "test-backups-1", targetBucket: "test-backups-access-1", targetPrefix: "s3-access/" },
            deps: { bucket: ["backups-bucket"], targetBucket: ["backups-access-logs"] },
        },
    ];
}

describe("s3-access-logging", () => {
    it("passes a backup bucket logged into a dedicated bucket (which needs no logging of its own)", async () => {
        expect(await run(s3AccessLogging, logged())).toEqual([]);
    });

    it("fails a backup bucket without server access logging: the shape main shipped (issue 12, defect 13)", async () => {
        const [v] = await violations(s3AccessLogging, awsStack());
        expect(v.message).toMatch(/backups-bucket .* holds data backups but has no server access logging/);
        expect(v.urn).toMatch(/::backups-bucket$/);
        // A bucket outside BackupBucket (the web tier's ALB logs) is not a copy of the data.
        expect(await run(s3AccessLogging, awsStack())).toHaveLength(1);
    });

    it("fails a backup bucket that logs into itself", async () => {
        const self = patch(logged(), "backups-access-logging", { targetBucket: "test-backups-1" }, { deps: { bucket: ["backups-bucket"], targetBucket: ["backups-bucket"] } });
        const lines = await run(s3AccessLogging, self);
        expect(lines.filter((l) => l.startsWith("backups-bucket:"))).toEqual([expect.stringMatching(/logs its access into itself/)]);
        // The former log bucket now receives nothing: it is one more unlogged bucket of the component.
        expect(lines.filter((l) => !l.startsWith("backups-bucket:"))).toEqual([expect.stringMatching(/^backups-access-logs: .*no server access logging/)]);
    });

    it("finds a bucket holding backups by the restic repository a task definition names", async () => {
        const repository = s3Bucket("dumps", "my-dumps", {});
        const task: Node = {
            type: "aws:ecs/taskDefinition:TaskDefinition",
            name: "job",
            provider: "aws",
            props: { containerDefinitions: JSON.stringify([{ name: "backup", environment: [{ name: "RESTIC_REPOSITORY", value: "s3:s3.us-east-1.amazonaws.com/my-dumps/restic" }] }]) },
        };
        expect(await run(s3AccessLogging, [...logged(), ...repository, task])).toEqual([expect.stringMatching(/^dumps: .*holds data backups but has no server access logging/)]);
    });

    it("never silently passes a logging configuration whose buckets are unknown at preview", async () => {
        const unknown = patch(logged(), "backups-access-logging", { bucket: PREVIEW_UNKNOWN }, { deps: { targetBucket: ["backups-access-logs"] } });
        const lines = await run(s3AccessLogging, unknown);
        expect(lines.filter((l) => l.startsWith("backups-bucket:"))).toEqual([expect.stringMatching(/has server access logging .* unknown during preview/)]);
    });

    it("passes the shipped prod stack, and fails it without the component's logging", async () => {
        const { graph } = await runOffline({ stack: "prod" });
        expect(await runPolicies(graph, [s3AccessLogging])).toEqual([]);
        const stripped = new Graph(graph.resources.filter((r) => r.type !== LOGGING));
        // Without the logging its log bucket is just another bucket of the component: both are reported.
        expect((await runPolicies(stripped, [s3AccessLogging])).map((v) => v.urn).sort()).toEqual([expect.stringMatching(/::backups-access-logs$/), expect.stringMatching(/::backups-bucket$/)]);
    });
});
