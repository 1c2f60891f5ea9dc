import { describe, expect, it } from "vitest";
import { ecsTaskHardening } from "../../policy/rules/aws-edge/ecs-task-hardening";
import { PREVIEW_UNKNOWN, check, messages } from "./helpers";

const TASK = "aws:ecs/taskDefinition:TaskDefinition";

const container = (over: Record<string, unknown> = {}) => ({
    name: "app",
    image: "ghcr.io/slipway-dev/sample-app:1.0.0",
    essential: true,
    user: "10001",
    readonlyRootFilesystem: true,
    environment: [
        { name: "LOG_LEVEL", value: "info" },
        { name: "PORT", value: "8080" },
    ],
    secrets: [{ name: "DATABASE_URL", valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db" }],
    logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/web" } },
    ...over,
});
const task = (...containers: Record<string, unknown>[]) => ({ family: "web", networkMode: "awsvpc", containerDefinitions: JSON.stringify(containers.length ? containers : [container()]) });
const env = (name: string, value = "x") => container({ environment: [{ name, value }] });

describe("ecs-task-hardening", () => {
    it("passes the shipped container shape (secrets via `secrets`, pinned tag, logs)", async () => {
        expect(await messages(ecsTaskHardening, TASK, task())).toEqual([]);
        expect(await messages(ecsTaskHardening, TASK, task(container({ image: "public.ecr.aws/nginx/nginx@sha256:" + "a".repeat(64) })))).toEqual([]);
    });

    it("fails a privileged container", async () => {
        expect(await messages(ecsTaskHardening, TASK, task(container({ privileged: true })))).toEqual([expect.stringMatching(/container "app": privileged is true/)]);
    });

    it("fails a task in the host's PID namespace", async () => {
        expect(await messages(ecsTaskHardening, TASK, { ...task(), pidMode: "host" })).toEqual([expect.stringMatching(/pidMode is "host"/)]);
        expect(await messages(ecsTaskHardening, TASK, { ...task(), pidMode: "task" })).toEqual([]);
    });

    it("fails a container without logs", async () => {
        expect(await messages(ecsTaskHardening, TASK, task(container({ logConfiguration: undefined })))).toEqual([expect.stringMatching(/logConfiguration is unset/)]);
        expect(await messages(ecsTaskHardening, TASK, task(container({ logConfiguration: { options: {} } })))).toEqual([expect.stringMatching(/logConfiguration is missing logDriver/)]);
    });

    it("fails secret-looking names in environment", async () => {
        for (const name of ["DB_PASSWORD", "API_KEY", "STRIPE_SECRET_KEY", "GITHUB_TOKEN", "DATABASE_URL", "REDIS_URL", "AWS_SECRET_ACCESS_KEY", "SENTRY_DSN"]) {
            expect(await messages(ecsTaskHardening, TASK, task(env(name)))).toEqual([expect.stringContaining(`environment variable ${name} looks like a secret`)]);
        }
        for (const name of ["LOG_LEVEL", "PUBLIC_URL", "AUTHOR", "PASSTHROUGH_MODE", "BYPASS_CACHE"]) {
            expect(await messages(ecsTaskHardening, TASK, task(env(name)))).toEqual([]);
        }
    });

    it("fails secret-looking values in environment without repeating them", async () => {
        const [m] = await messages(ecsTaskHardening, TASK, task(env("UPSTREAM", "postgres://app:hunter2hunter2@db:5432/app")));
        expect(m).toMatch(/environment variable UPSTREAM holds credentials in a URL/);
        expect(m).not.toContain("hunter2");
        expect(await messages(ecsTaskHardening, TASK, task(env("BOOT", "AKIAABCDEFGHIJKLMNOP")))).toEqual([expect.stringMatching(/holds an AWS access key id/)]);
    });

    it("honours allowedEnvNames and a custom secretNamePattern", async () => {
        expect(await messages(ecsTaskHardening, TASK, task(env("CSRF_TOKEN_HEADER")), { config: { "ecs-task-hardening": { allowedEnvNames: ["CSRF_TOKEN_HEADER"] } } })).toEqual([]);
        const custom = { config: { "ecs-task-hardening": { secretNamePattern: "^MY_" } } };
        expect(await messages(ecsTaskHardening, TASK, task(env("MY_THING")), custom)).toHaveLength(1);
        expect(await messages(ecsTaskHardening, TASK, task(env("DB_PASSWORD")), custom)).toEqual([]);
        expect(await messages(ecsTaskHardening, TASK, task(), { config: { "ecs-task-hardening": { secretNamePattern: "(" } } })).toEqual([
            expect.stringMatching(/secretNamePattern "\(" is not a valid regular expression/),
        ]);
    });

    it("fails :latest and untagged images, also behind a registry port", async () => {
        expect(await messages(ecsTaskHardening, TASK, task(container({ image: "nginx:latest" })))).toEqual([expect.stringMatching(/image "nginx:latest" uses the moving :latest tag/)]);
        expect(await messages(ecsTaskHardening, TASK, task(container({ image: "nginx" })))).toEqual([expect.stringMatching(/image "nginx" has no tag/)]);
        expect(await messages(ecsTaskHardening, TASK, task(container({ image: "registry.local:5000/team/app" })))).toEqual([expect.stringMatching(/has no tag/)]);
        expect(await messages(ecsTaskHardening, TASK, task(container({ image: "registry.local:5000/team/app:2.1" })))).toEqual([]);
    });

    it("names each container in its messages", async () => {
        const msgs = await messages(ecsTaskHardening, TASK, task(container(), container({ name: "sidecar", privileged: true })));
        expect(msgs).toEqual([expect.stringMatching(/^container "sidecar": privileged/)]);
    });

    it("reports definitions unknown at preview and definitions that do not parse", async () => {
        expect(await messages(ecsTaskHardening, TASK, { containerDefinitions: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/containerDefinitions is unknown during preview/)]);
        expect(await messages(ecsTaskHardening, TASK, { ...task(), pidMode: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/pidMode is unknown during preview/)]);
        expect(await messages(ecsTaskHardening, TASK, { containerDefinitions: "[{" })).toEqual([expect.stringMatching(/not valid JSON/)]);
        expect(await messages(ecsTaskHardening, TASK, { containerDefinitions: "{}" })).toEqual([expect.stringMatching(/not a JSON array/)]);
    });

    it("is mandatory and ignores other types", async () => {
        expect((await check(ecsTaskHardening, [{ type: TASK, props: task(container({ privileged: true })) }]))[0].level).toBe("mandatory");
        expect(await messages(ecsTaskHardening, "aws:ecs/service:Service", task(container({ privileged: true })))).toEqual([]);
    });
});
