import { beforeAll, describe, expect, it } from "vitest";
import { reveal } from "../../offline/secret-value";
import { AWS_STACKS, type RenderedStack, renderStack, renderedFile } from "./helpers/rendered-stacks";

/**
 * The aws target's rendered JSON has the shape its consumers read (kept light: no AWS API
 * offline): the CloudWatch dashboard body (widgets; metric rows `[namespace, metric,
 * (dimension, value)*, {options}?]`, `"."` repeats, or expression objects; alarm widgets naming
 * alarms the stack creates) and the ECS container definitions (the container and port the
 * service's load balancer targets, with image, health check, logs and secrets set).
 */

interface Widget {
    type: string;
    x?: number;
    y?: number;
    width?: number;
    height?: number;
    properties: { metrics?: unknown[]; alarms?: string[]; region?: string; period?: number; title?: string; markdown?: string };
}
interface ContainerDefinition {
    name: string;
    image: string;
    essential?: boolean;
    portMappings?: { containerPort: number; hostPort?: number; protocol?: string }[];
    healthCheck?: { command: string[] };
    logConfiguration?: { logDriver: string; options?: Record<string, string> };
    secrets?: { name: string; valueFrom: string }[];
    environment?: { name: string; value: string }[];
    mountPoints?: { sourceVolume: string; containerPath: string }[];
}

const isMetricRow = (row: unknown): string | undefined => {
    if (!Array.isArray(row) || row.length === 0) return "not a non-empty array";
    const last = row[row.length - 1];
    const parts = last && typeof last === "object" ? row.slice(0, -1) : row;
    if (parts.length === 0) return typeof last === "object" && ("expression" in last || "id" in last) ? undefined : "an options object alone without an expression";
    if (!parts.every((p) => typeof p === "string" && p.length > 0)) return "namespace, metric and dimensions must be non-empty strings";
    // [namespace, metric, name, value, …]: dimensions come in pairs ("." and ".." repeat the row above).
    if (parts.length < 2 || parts.length % 2 !== 0) return `${parts.length} strings: expected namespace, metric and dimension pairs`;
    return undefined;
};

describe.each(AWS_STACKS)("stack %s", (stack) => {
    let s: RenderedStack;
    beforeAll(async () => {
        s = await renderStack(stack);
    });

    it("the CloudWatch dashboard body is widgets CloudWatch can draw", () => {
        const body = JSON.parse(renderedFile(s, "aws/monitoring-dashboard.json").content) as { widgets: Widget[] };
        expect(Array.isArray(body.widgets) && body.widgets.length).toBeGreaterThan(0);
        const problems: string[] = [];
        let metricRows = 0;
        const alarmNames = new Set(s.graph.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => String(reveal(a.inputs.name))));
        body.widgets.forEach((w, i) => {
            const at = `widget ${i} (${w.type} "${w.properties?.title ?? ""}")`;
            if (!["metric", "alarm", "text", "log"].includes(w.type)) problems.push(`${at}: unknown type`);
            if (w.width !== undefined && !(w.width >= 1 && w.width <= 24)) problems.push(`${at}: width ${w.width} outside 1..24`);
            if (w.type === "metric") {
                const metrics = w.properties.metrics ?? [];
                if (metrics.length === 0) problems.push(`${at}: no metrics`);
                if (!w.properties.region) problems.push(`${at}: no region`);
                if (w.properties.period !== undefined && ![1, 5, 10, 30].includes(w.properties.period) && w.properties.period % 60 !== 0) problems.push(`${at}: period ${w.properties.period}`);
                metrics.forEach((row, j) => {
                    metricRows++;
                    const why = isMetricRow(row);
                    if (why) problems.push(`${at} metrics[${j}]: ${why}: ${JSON.stringify(row)}`);
                });
            }
            if (w.type === "alarm") {
                for (const arn of w.properties.alarms ?? []) {
                    const name = /^arn:aws:cloudwatch:[a-z0-9-]+:\d{12}:alarm:(.+)$/.exec(arn)?.[1];
                    if (!name || !alarmNames.has(name)) problems.push(`${at}: ${arn} is not an alarm this stack creates`);
                }
            }
        });
        expect(metricRows).toBeGreaterThan(0);
        expect(problems).toEqual([]);
    });

    it("the ECS container definitions hold the container and port the load balancer targets", () => {
        const defs = JSON.parse(renderedFile(s, "aws/web-task-container-definitions.json").content) as ContainerDefinition[];
        expect(Array.isArray(defs) && defs.length).toBeGreaterThan(0);
        for (const d of defs) {
            expect(d.name).toMatch(/^[A-Za-z0-9_-]{1,255}$/);
            expect(d.image).toMatch(/^[^\s]+(:[\w.-]+|@sha256:[0-9a-f]{64})$/);
            for (const p of d.portMappings ?? []) expect(Number.isInteger(p.containerPort) && p.containerPort > 0 && p.containerPort < 65536).toBe(true);
            if (d.healthCheck) expect(["CMD", "CMD-SHELL"]).toContain(d.healthCheck.command[0]);
            if (d.logConfiguration) expect(d.logConfiguration.logDriver).toBe("awslogs");
            for (const sec of d.secrets ?? []) expect(sec.valueFrom).toMatch(/^arn:aws:(secretsmanager|ssm):/);
            for (const e of d.environment ?? []) expect(typeof e.value).toBe("string");
        }
        expect(defs.some((d) => d.essential)).toBe(true);
        const targeted = s.graph.ofType("aws:ecs/service:Service").flatMap((svc) => (reveal(svc.inputs.loadBalancers) as { containerName: string; containerPort: number }[] | undefined) ?? []);
        expect(targeted.length).toBeGreaterThan(0);
        for (const lb of targeted) {
            const d = defs.find((x) => x.name === lb.containerName);
            expect(d, `the service's load balancer targets container ${lb.containerName}`).toBeDefined();
            expect(d!.portMappings?.map((p) => p.containerPort)).toContain(lb.containerPort);
        }
        const volumes = s.graph.ofType("aws:ecs/taskDefinition:TaskDefinition").flatMap((t) => ((reveal(t.inputs.volumes) as { name: string }[] | undefined) ?? []).map((v) => v.name));
        for (const m of defs.flatMap((d) => d.mountPoints ?? [])) expect(volumes, `mount point ${m.containerPath}`).toContain(m.sourceVolume);
    });

    it("the backup task's container definitions run the backup image by digest, with secrets from Secrets Manager and its volume mounted", () => {
        const td = s.graph.byName("backups-job-task");
        const defs = JSON.parse(renderedFile(s, "aws/backups-job-task-container-definitions.json").content) as (ContainerDefinition & {
            user?: string;
            readonlyRootFilesystem?: boolean;
            entryPoint?: string[];
            command?: string[];
        })[];
        expect(defs).toHaveLength(1);
        const [d] = defs;
        expect(d.name).toMatch(/^[A-Za-z0-9_-]{1,255}$/);
        // An ECR image by digest: what was built and pushed, never a tag that can move.
        expect(d.image).toMatch(/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$/);
        expect(d.essential).toBe(true);
        expect(d.user).toMatch(/^[1-9]\d*(:\d+)?$/);
        expect(d.readonlyRootFilesystem).toBe(true);
        expect(d.entryPoint?.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
        expect(d.command).toEqual(["backup"]);
        expect(d.logConfiguration).toMatchObject({ logDriver: "awslogs", options: { "awslogs-group": expect.stringMatching(/^\/ecs\//) } });
        expect(d.secrets?.map((x) => x.name).sort()).toEqual(["PGPASSWORD", "RESTIC_PASSWORD"]);
        // ECS's form arn:…:secret:<name>:<json-key>:<version-stage>:<version-id>: the password is the
        // backup role secret's "password" key (issue 12 defect 4); the restic password is the whole secret.
        const valueFrom = Object.fromEntries((d.secrets ?? []).map((x) => [x.name, x.valueFrom]));
        expect(valueFrom.PGPASSWORD).toMatch(/^arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:[^:]+:password::[0-9a-f-]{36}$/);
        expect(valueFrom.RESTIC_PASSWORD).toMatch(/^arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:[^:]+:::[0-9a-f-]{36}$/);
        for (const e of d.environment ?? []) expect(typeof e.value).toBe("string");
        expect(d.environment?.find((e) => e.name === "RESTIC_REPOSITORY")?.value).toMatch(/^s3:s3\.[a-z0-9-]+\.amazonaws\.com\/[a-z0-9.-]+\/restic$/);
        // ECS caps a task definition at 64 KiB: the scripts in the environment must leave room.
        expect(Buffer.byteLength(JSON.stringify(defs))).toBeLessThan(64 * 1024);
        const volumes = ((reveal(td.inputs.volumes) as { name: string }[] | undefined) ?? []).map((v) => v.name);
        for (const m of d.mountPoints ?? []) expect(volumes, `mount point ${m.containerPath}`).toContain(m.sourceVolume);
    });
});
