import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { lifecycleRules } from "../../components/backup-bucket/aws";
import { backupTaskDispatcher, buildBackupContainerDefinitions, scriptVariables } from "../../components/backup-bucket/backup-task";
import { backupImage, buildContextTag } from "../../components/backup-bucket/image";
import { normalizeBackupBucketArgs } from "../../components/backup-bucket/index";
import { backupExecutionPolicy, schedulerRunTaskPolicy, schedulerTrustPolicy } from "../../components/backup-bucket/job-policies";
import { backupBucketPolicy } from "../../components/backup-bucket/policy";
import { cronRunsPerMonth, eventBridgeCron, expandCronField } from "../../components/backup-bucket/schedule-expression";
import type { AccountContext } from "../../components/shared/iam";
import { estimateCost } from "../../offline/cost/estimate";
import { Graph } from "../../offline/graph";
import { recordedResource } from "../helpers/recorded-resource";

/** The aws backup job's pure parts: the schedule in EventBridge's dialect, the IAM documents, the task and its dispatcher, the image's tag. */

const ctx: AccountContext = { accountId: "111122223333", partition: "aws", region: "eu-west-1", dnsSuffix: "amazonaws.com" };

describe("the schedule in EventBridge Scheduler's cron dialect", () => {
    it.each([
        ["17 3 * * *", "cron(17 3 * * ? *)"],
        ["17 3,15 * * *", "cron(17 3,15 * * ? *)"],
        ["*/15 * * * *", "cron(*/15 * * * ? *)"],
        ["0 2 * * 1-5", "cron(0 2 ? * 2,3,4,5,6 *)"],
        // Sunday is 0 or 7 in cron and 1 in EventBridge; a range ending on Sunday must not wrap.
        ["0 4 * * 0,7", "cron(0 4 ? * 1 *)"],
        ["0 4 * * 5-7", "cron(0 4 ? * 1,6,7 *)"],
        ["5 1 1,15 * *", "cron(5 1 1,15 * ? *)"],
        ["0  6 * 1-6 *", "cron(0 6 * 1-6 ? *)"],
    ])("%s → %s", (unix, aws) => expect(eventBridgeCron(unix)).toBe(aws));

    it("runs on exactly the weekdays cron would (any set of weekdays)", () => {
        fc.assert(
            fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 8 }), (days) => {
                const aws = /^cron\(0 3 \? \* ([0-9,]+) \*\)$/.exec(eventBridgeCron(`0 3 * * ${days.join(",")}`))![1].split(",").map(Number);
                for (let d = 0; d < 7; d++) expect(aws.includes(d + 1)).toBe(days.includes(d) || (d === 0 && days.includes(7)));
            }),
        );
    });

    it("refuses what EventBridge cannot express or cron does not mean", () => {
        expect(() => eventBridgeCron("0 3 1 * 1")).toThrow(/schedule is "0 3 1 \* 1"; expected a day of the month or a day of the week, not both/);
        expect(() => eventBridgeCron("0 24 * * *")).toThrow(/schedule is "0 24 \* \* \*"; expected a cron expression whose hour field is an ascending range within 0-23 \(not "24"\)/);
        expect(() => eventBridgeCron("0 3 * * 5-2")).toThrow(/day-of-week field is an ascending range within 0-7 \(not "5-2"\)/);
        expect(() => eventBridgeCron("0 3 * *")).toThrow(/schedule is "0 3 \* \*"; expected five fields/);
        expect(() => expandCronField("1-x", 0, 59)).toThrow(/cron: field is "1-x"; expected a cron field part/);
    });

    it("expands fields, steps included", () => {
        expect(expandCronField("*/20", 0, 59)).toEqual([0, 20, 40]);
        expect(expandCronField("5/20", 0, 59)).toEqual([5, 25, 45]);
        expect(expandCronField("1-10/3,30", 0, 59)).toEqual([1, 4, 7, 10, 30]);
    });

    it("counts runs a month for the cost estimate, and says when it cannot", () => {
        expect(cronRunsPerMonth("cron(17 3 * * ? *)")).toBeCloseTo(30.4375, 6);
        expect(cronRunsPerMonth("cron(0 * * * ? *)")).toBeCloseTo(24 * 30.4375, 6);
        expect(cronRunsPerMonth("cron(0 2 ? * 2,3,4,5,6 *)")).toBeCloseTo((5 * 30.4375) / 7, 6);
        expect(cronRunsPerMonth("cron(0 2 1,15 * ? *)")).toBe(2);
        expect(cronRunsPerMonth("cron(0 2 * 1-6 ? *)")).toBeCloseTo(30.4375 / 2, 6);
        expect(cronRunsPerMonth("rate(1 day)")).toBeUndefined();
        expect(cronRunsPerMonth("cron(0 2 L * ? *)")).toBeUndefined();
        expect(cronRunsPerMonth("cron(0 2 * * ? 2030)")).toBeUndefined();
    });
});

describe("the job's IAM documents", () => {
    it("trusts EventBridge Scheduler for this account's default schedule group only", () => {
        expect(JSON.parse(schedulerTrustPolicy(ctx)).Statement[0].Condition).toEqual({
            StringEquals: { "aws:SourceAccount": "111122223333" },
            ArnLike: { "aws:SourceArn": "arn:aws:scheduler:eu-west-1:111122223333:schedule-group/default" },
        });
    });

    it("needs the roles to pass and the secrets to read", () => {
        expect(() => schedulerRunTaskPolicy(ctx, { family: "f", clusterName: "c", passRoleArns: [] })).toThrow(/needs the task's roles/);
        expect(() => backupExecutionPolicy(ctx, { repositoryArn: "r", logGroupName: "/g", secretArns: [], keyArn: "k" })).toThrow(/needs the job's secret ARNs/);
    });

    it("grants nothing with a wildcard resource but ECR sign-in, which has no resource to scope to", () => {
        const docs = [
            schedulerRunTaskPolicy(ctx, { family: "f", clusterName: "c", passRoleArns: ["arn:aws:iam::111122223333:role/a"] }),
            backupExecutionPolicy(ctx, { repositoryArn: "arn:aws:ecr:eu-west-1:111122223333:repository/r", logGroupName: "/g", secretArns: ["s"], keyArn: "k" }),
        ];
        const wild = docs.flatMap((d) => JSON.parse(d).Statement).filter((s: { Resource: unknown }) => JSON.stringify(s.Resource) === '"*"');
        expect(wild.map((s: { Action: unknown }) => s.Action)).toEqual(["ecr:GetAuthorizationToken"]);
    });

    it("lets the repository's roles delete under their prefix only, and keeps the prefix one path segment", () => {
        const doc = JSON.parse(backupBucketPolicy({ bucketArn: "arn:aws:s3:::b", kmsKeyArn: "k", writerRoleArns: [], repository: { prefix: "restic", roleArns: ["arn:r"] } }));
        const deletes = doc.Statement.filter((s: { Action: unknown }) => JSON.stringify(s.Action).includes("Delete"));
        expect(deletes.map((s: { Resource: unknown }) => s.Resource)).toEqual(["arn:aws:s3:::b/restic/*"]);
        expect(() => backupBucketPolicy({ bucketArn: "b", kmsKeyArn: "k", writerRoleArns: [], repository: { prefix: "a/*", roleArns: ["r"] } })).toThrow(/one path segment/);
    });
});

describe("the bucket's lifecycle with a restic repository", () => {
    it("never expires current objects, with or without the cold-storage move", () => {
        const withMove = lifecycleRules(normalizeBackupBucketArgs({}), { resticRepository: "restic" });
        expect(withMove.map((r) => r.id)).toEqual(["cold-storage", "noncurrent-versions", "expired-delete-markers", "abort-incomplete-multipart"]);
        const noMove = lifecycleRules(normalizeBackupBucketArgs({ retentionDays: 14, transitionToColdAfterDays: false }), { resticRepository: "restic" });
        expect(noMove.map((r) => r.id)).toEqual(["noncurrent-versions", "expired-delete-markers", "abort-incomplete-multipart"]);
        for (const r of [...withMove, ...noMove]) expect((r.expiration as { days?: number } | undefined)?.days).toBeUndefined();
    });
});

describe("the task's container and its dispatcher", () => {
    const input = {
        image: "111122223333.dkr.ecr.eu-west-1.amazonaws.com/r@sha256:" + "a".repeat(64),
        backupScript: "echo backup",
        restoreScript: "echo restore",
        snapshotHost: "prod",
        environment: { RESTIC_REPOSITORY: "s3:s3.eu-west-1.amazonaws.com/b/restic" },
        secretRefs: { RESTIC_PASSWORD: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:x" },
        logGroupName: "/ecs/job",
        region: "eu-west-1",
    };

    it("refuses a variable that is both plain and secret", () => {
        expect(() => buildBackupContainerDefinitions({ ...input, environment: { RESTIC_PASSWORD: "oops" } })).toThrow(/RESTIC_PASSWORD is both a plain variable and a secret/);
    });

    const work = mkdtempSync(join(tmpdir(), "slipway-dispatch-"));
    afterAll(() => rmSync(work, { recursive: true, force: true }));
    writeFileSync(join(work, "restic"), '#!/bin/sh\nprintf "restic %s\\n" "$*"\n');
    chmodSync(join(work, "restic"), 0o755);

    /** Runs the container's entry point and command as ECS would, with stand-in scripts that print their arguments. */
    const run = (command: string[]) => {
        const [c] = buildBackupContainerDefinitions(input) as { entryPoint: string[] }[];
        const [shell, ...rest] = [...c.entryPoint, ...command];
        return spawnSync(shell, rest, {
            env: {
                PATH: `${work}:${process.env.PATH ?? "/usr/bin:/bin"}`,
                [scriptVariables.backup]: 'printf "backup:%s:%s\\n" "$0" "$*"',
                [scriptVariables.restore]: 'printf "restore:%s:%s\\n" "$0" "$*"; [ "$#" -ge 1 ] || exit 64',
            },
            encoding: "utf8",
            timeout: 10_000,
        });
    };

    it("runs the backup script for `backup` and with no command", () => {
        expect(run(["backup"])).toMatchObject({ status: 0, stdout: "backup:backup.sh:\n" });
        expect(run([])).toMatchObject({ status: 0, stdout: "backup:backup.sh:\n" });
    });

    it("hands restore its arguments as $1, $2 and keeps their spaces", () => {
        expect(run(["restore", "app_restore", "latest"])).toMatchObject({ status: 0, stdout: "restore:restore.sh:app_restore latest\n" });
        expect(run(["restore", "a b"]).stdout).toBe("restore:restore.sh:a b\n");
        expect(run(["restore"]).status).toBe(64);
    });

    it("lists this stack's snapshots with restic, and rejects other verbs", () => {
        expect(run(["snapshots", "--compact"])).toMatchObject({ status: 0, stdout: "restic snapshots --host prod --tag slipway --compact\n" });
        const bad = run(["rm", "-rf"]);
        expect(bad.status).toBe(64);
        expect(bad.stderr).toContain("usage: backup | restore TARGET_DATABASE [SNAPSHOT] | snapshots (got: rm)");
    });

    it("quotes the snapshot host it bakes in", () => {
        expect(backupTaskDispatcher("it's")).toContain(`--host 'it'\\''s'`);
    });
});

describe("the backup image", () => {
    it("tags a build context by its content", () => {
        const dir = mkdtempSync(join(tmpdir(), "slipway-context-"));
        try {
            writeFileSync(join(dir, "Dockerfile"), "FROM scratch\n");
            const first = buildContextTag(dir);
            expect(first).toMatch(/^ctx-[0-9a-f]{16}$/);
            expect(buildContextTag(dir)).toBe(first);
            writeFileSync(join(dir, "Dockerfile"), "FROM scratch\nUSER 1\n");
            expect(buildContextTag(dir)).not.toBe(first);
            expect(() => buildContextTag(join(dir, "missing"))).toThrow(/cannot be read/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("declares the cache directory a volume, owned by the user the task runs as", () => {
        const dockerfile = readFileSync(join(backupImage.buildContext, "Dockerfile"), "utf8");
        const [uid, gid] = backupImage.user.split(":");
        expect(dockerfile).toMatch(new RegExp(`addgroup -S -g ${gid} backup`));
        expect(dockerfile).toMatch(new RegExp(`adduser .*-u ${uid} -G backup`));
        expect(dockerfile).toContain(`install -d -o backup -g backup -m 0700 ${backupImage.cacheDir}`);
        expect(dockerfile).toContain(`VOLUME ["${backupImage.cacheDir}"]`);
    });
});

describe("the cost of a scheduled task", () => {
    const graph = (expression: string) =>
        new Graph([
            recordedResource("pulumi:providers:aws", "aws", { region: "us-east-1" }),
            recordedResource("aws:ecs/taskDefinition:TaskDefinition", "td", { family: "job", cpu: "1024", memory: "2048", containerDefinitions: "[]" }),
            recordedResource("aws:scheduler/schedule:Schedule", "s", {
                scheduleExpression: expression,
                target: { ecsParameters: { launchType: "FARGATE", taskCount: 2, taskDefinitionArn: "arn:aws:ecs:us-east-1:1:task-definition/job:3" } },
            }),
        ]);

    it("bills each run's Fargate time from the cron expression and the task size", () => {
        const line = estimateCost(graph("cron(0 2 ? * 2,3,4,5,6 *)")).lines.find((l) => l.urn.endsWith("::s"))!;
        // (5/7 × 30.4375) runs × 2 tasks × 0.25 h × (1 × 0.04048 + 2 × 0.004445) = 0.4408…
        const runs = (5 * 30.4375) / 7;
        expect(line.monthlyUsd).toBe(Math.round((runs / 1e6 + runs * 2 * 0.25 * (0.04048 + 2 * 0.004445)) * 100) / 100);
        expect(line.basis).toContain("21.741 runs × 2 tasks × 15 min (assumed) × (1 vCPU × $0.04048 + 2 GB × $0.004445)");
    });

    it("does not guess a rate() schedule", () => {
        expect(estimateCost(graph("rate(1 day)")).notPriced.map((n) => n.reason)).toEqual([expect.stringMatching(/only cron\(…\)/)]);
    });
});
