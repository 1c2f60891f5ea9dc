/**
 * Issue 12, defect 11: alarms reach a human (email, and Slack / a webhook through the forwarder)
 * and something watches from outside (a Route 53 health check with an alarm in us-east-1).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { type IncomingMessage, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AwsMonitoring, type AwsMonitoringArgs, type MonitoringTargets, normalizeHealthCheck } from "../../components/monitoring/aws";
import { forwarderSource } from "../../components/monitoring/notify-forwarder";
import type { Graph } from "../../offline/graph";
import { runOffline } from "../../offline/run";
import { reveal } from "../../offline/secret-value";
import { recordResources, resolve } from "../helpers/record";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "aws:sns/topic:Topic";
const SUB = "aws:sns/topicSubscription:TopicSubscription";
const FN = "aws:lambda/function:Function";

const targets: MonitoringTargets = {
    loadBalancerArnSuffix: "app/web-lb/abc123",
    targetGroupArnSuffix: "targetgroup/web-tg/def456",
    clusterName: "web-cluster",
    serviceName: "web-service",
    dbInstanceId: "web-db",
    dbStorageGb: 50,
    cacheClusterIds: ["web-cache-001"],
    cacheNodeCount: 1,
};
const SLACK = "https://hooks.slack.com/services/T000/B000/offline";
const HOOK = "https://alerts.example.com/hook/offline";

const build = (args: Partial<AwsMonitoringArgs>, region = "us-east-1") => recordResources(() => new AwsMonitoring("mon", { targets, ...args }), { region });

// ---- the forwarder's code, run for real against a receiver on 127.0.0.1 ----

interface Forwarder {
    deliver(event: unknown, deps: { secret: Record<string, string>; fetch: typeof fetch }): Promise<{ delivered: number }>;
}

const alarmEvent = (state: string) => ({
    Records: [
        {
            Sns: {
                TopicArn: "arn:aws:sns:us-east-1:123456789012:prod-mon-alarms",
                Subject: `ALARM: "prod-mon-site-down" in US East (N. Virginia)`,
                Timestamp: "2025-01-31T10:00:00.000Z",
                MessageId: "m-1",
                Message: JSON.stringify({
                    AlarmName: "prod-mon-site-down",
                    AlarmDescription: "Site <down> & out",
                    AWSAccountId: "123456789012",
                    NewStateValue: state,
                    NewStateReason: "Threshold Crossed: 2 datapoints were less than the threshold (1.0).",
                    StateChangeTime: "2025-01-31T10:00:00.000+0000",
                    Region: "US East (N. Virginia)",
                    AlarmArn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:prod-mon-site-down",
                }),
            },
        },
    ],
});

describe("the alarm forwarder's code", () => {
    let forwarder: Forwarder;
    let base: string;
    const received: { path: string; body: any }[] = [];
    const server = createServer((req: IncomingMessage, res) => {
        let data = "";
        req.on("data", (c) => (data += c));
        req.on("end", () => {
            received.push({ path: req.url ?? "", body: JSON.parse(data) });
            res.statusCode = req.url === "/broken" ? 500 : 200;
            res.end("ok");
        });
    });

    beforeAll(async () => {
        const dir = mkdtempSync(join(tmpdir(), "slipway-forwarder-"));
        writeFileSync(join(dir, "index.mjs"), forwarderSource);
        forwarder = (await import(pathToFileURL(join(dir, "index.mjs")).href)) as Forwarder;
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("posts a Slack message and Alertmanager's webhook JSON for an alarm", async () => {
        received.length = 0;
        const out = await forwarder.deliver(alarmEvent("ALARM"), { secret: { slackWebhookUrl: `${base}/slack`, webhookUrl: `${base}/hook` }, fetch });
        expect(out).toEqual({ delivered: 1 });
        const slack = received.find((r) => r.path === "/slack")!.body;
        expect(Object.keys(slack)).toEqual(["text"]);
        expect(slack.text).toContain("*ALARM*: prod-mon-site-down");
        // Slack's control characters are escaped, and the link opens the alarm in its region.
        expect(slack.text).toContain("Site &lt;down&gt; &amp; out");
        expect(slack.text).toContain("<https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/prod-mon-site-down|Open in CloudWatch>");
        const hook = received.find((r) => r.path === "/hook")!.body;
        expect(hook).toMatchObject({ version: "4", status: "firing", receiver: "slipway-sns", groupLabels: { alertname: "prod-mon-site-down" } });
        expect(hook.alerts).toHaveLength(1);
        expect(hook.alerts[0]).toMatchObject({ status: "firing", labels: { alertname: "prod-mon-site-down", state: "ALARM", region: "us-east-1" }, endsAt: "0001-01-01T00:00:00Z" });
        expect(hook.alerts[0].fingerprint).toMatch(/^[0-9a-f]{16}$/);
    });

    it("resolves on OK, and sends only to the receivers the secret names", async () => {
        received.length = 0;
        await forwarder.deliver(alarmEvent("OK"), { secret: { webhookUrl: `${base}/hook` }, fetch });
        expect(received.map((r) => r.path)).toEqual(["/hook"]);
        expect(received[0].body.status).toBe("resolved");
        expect(received[0].body.alerts[0].endsAt).toBe("2025-01-31T10:00:00.000+0000");
    });

    it("forwards a message that is not an alarm as text", async () => {
        received.length = 0;
        const event = { Records: [{ Sns: { TopicArn: "arn:aws:sns:us-east-1:1:t", Subject: "Backup note", Message: "plain words", Timestamp: "2025-01-31T10:00:00Z", MessageId: "m" } }] };
        await forwarder.deliver(event, { secret: { slackWebhookUrl: `${base}/slack` }, fetch });
        expect(received[0].body.text).toContain("*MESSAGE*: Backup note");
        expect(received[0].body.text).toContain("plain words");
    });

    it("throws when a receiver refuses (so Lambda retries and the errors alarm fires), after trying the others", async () => {
        received.length = 0;
        await expect(forwarder.deliver(alarmEvent("ALARM"), { secret: { slackWebhookUrl: `${base}/broken`, webhookUrl: `${base}/hook` }, fetch })).rejects.toThrow(/slack \(prod-mon-site-down\): the receiver answered HTTP 500/);
        expect(received.map((r) => r.path).sort()).toEqual(["/broken", "/hook"]);
    });
});

// ---- the component: receivers and the outside check ----

describe("AwsMonitoring receivers", () => {
    let graph: Graph;
    let topicArn: string;

    beforeAll(async () => {
        const r = await build({ alarmEmails: ["ops@example.com"], slack: { webhookUrl: pulumi.secret(SLACK) }, webhookUrl: pulumi.secret(HOOK), healthCheck: { domain: "app.example.com", region: "us-east-1" } });
        graph = r.graph;
        topicArn = (await resolve(r.result.topicArn)).value;
    });

    it("subscribes the forwarder to the topic, invocable by that topic only", () => {
        const fn = graph.one(FN);
        const subs = graph.ofType(SUB);
        expect(subs.map((s) => s.inputs.protocol).sort()).toEqual(["email", "lambda"]);
        const lambdaSub = subs.find((s) => s.inputs.protocol === "lambda")!;
        expect(lambdaSub.inputs).toMatchObject({ topic: topicArn, endpoint: `arn:aws:lambda:us-east-1:123456789012:function:${fn.inputs.name}` });
        const permission = graph.one("aws:lambda/permission:Permission");
        expect(permission.inputs).toMatchObject({ action: "lambda:InvokeFunction", principal: "sns.amazonaws.com", sourceArn: topicArn, function: fn.inputs.name });
        expect(graph.dependsOn(lambdaSub, permission)).toBe(true);
    });

    it("keeps the webhook URLs in an encrypted secret, not in the function or in plain inputs", () => {
        const fn = graph.one(FN);
        const text = JSON.stringify(fn.inputs);
        expect(text).not.toContain("hooks.slack.com");
        expect(text).not.toContain("alerts.example.com");
        const secret = graph.one("aws:secretsmanager/secret:Secret");
        expect(secret.inputs.kmsKeyId).toMatch(/^arn:aws:kms:/);
        const value = graph.one("aws:secretsmanager/secretVersion:SecretVersion").inputs.secretString;
        expect(JSON.stringify(value)).not.toContain("hooks.slack.com");
        expect(JSON.parse(String(reveal(value)))).toEqual({ slackWebhookUrl: SLACK, webhookUrl: HOOK });
        expect((fn.inputs.environment as { variables: Record<string, string> }).variables).toEqual({ SECRET_ARN: expect.stringMatching(/^arn:aws:secretsmanager:/) });
    });

    it("lets CloudWatch Logs use the topic key for the forwarder's log group only", () => {
        const policy = JSON.parse(String(graph.one("aws:kms/key:Key").inputs.policy));
        const logs = policy.Statement.find((s: { Sid: string }) => s.Sid === "CloudWatchLogsEncryptsForwarderLogs");
        expect(logs.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"]).toBe(`arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/${graph.one(FN).inputs.name}`);
    });

    it("alarms when the forwarder fails, on the same topic (email still hears it)", () => {
        const a = graph.ofType(ALARM).find((x) => x.name === "mon-alarm-notify-errors")!;
        expect(a.inputs).toMatchObject({ namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: graph.one(FN).inputs.name }, alarmActions: [topicArn] });
    });

    it("checks https://<domain>/health from outside and alarms on it in the topic's region", () => {
        const check = graph.one("aws:route53/healthCheck:HealthCheck");
        expect(check.inputs).toMatchObject({ fqdn: "app.example.com", port: 443, type: "HTTPS", resourcePath: "/health", enableSni: true, requestInterval: 30, failureThreshold: 3 });
        const a = graph.ofType(ALARM).find((x) => x.name === "mon-alarm-site-down")!;
        expect(a.inputs).toMatchObject({ namespace: "AWS/Route53", metricName: "HealthCheckStatus", statistic: "Minimum", comparisonOperator: "LessThanThreshold", threshold: 1, treatMissingData: "breaching", alarmActions: [topicArn], okActions: [topicArn] });
        expect(a.propertyDependencies.dimensions).toContain(check.urn);
        expect(graph.ofType(TOPIC)).toHaveLength(1);
    });

    it("matches a string when asked (HTTPS_STR_MATCH), and refuses a bad domain or path", async () => {
        const { graph: g } = await build({ alarmEmails: ["ops@example.com"], healthCheck: { domain: "app.example.com", region: "us-east-1", path: "/healthz", searchString: "ok" } });
        expect(g.one("aws:route53/healthCheck:HealthCheck").inputs).toMatchObject({ type: "HTTPS_STR_MATCH", searchString: "ok", resourcePath: "/healthz" });
        expect(() => normalizeHealthCheck({ domain: "https://app.example.com", region: "us-east-1" })).toThrow(/healthCheck\.domain is "https:\/\/app\.example\.com"; expected a DNS name/);
        expect(() => normalizeHealthCheck({ domain: "app.example.com", region: "us-east-1", path: "health" })).toThrow(/healthCheck.path/);
    });

    it("creates no forwarder without a webhook", async () => {
        const { graph: g } = await build({ alarmEmails: ["ops@example.com"] });
        expect(g.ofType(FN)).toEqual([]);
        expect(g.ofType(SUB).map((s) => s.inputs.protocol)).toEqual(["email"]);
    });
});

describe("the outside check outside us-east-1", () => {
    it("refuses a health check without a us-east-1 provider (its metric exists there only)", () => {
        expect(() => normalizeHealthCheck({ domain: "app.example.com", region: "eu-west-1" })).toThrow(/healthCheck\.usEast1Provider is missing; expected a us-east-1 provider when the component deploys to eu-west-1/);
    });

    it("puts the alarm, a topic, its key and the receivers in us-east-1 through the given provider", async () => {
        const { graph } = await build(
            {
                alarmEmails: ["ops@example.com"],
                slack: { webhookUrl: pulumi.secret(SLACK) },
                healthCheck: { domain: "app.example.com", region: "eu-west-1", usEast1Provider: new aws.Provider("use1", { region: "us-east-1" }) },
            },
            "eu-west-1",
        );
        const east = (r: { provider?: string }) => (r.provider ?? "").includes("::use1::");
        const alarm = graph.ofType(ALARM).find((x) => x.name === "mon-alarm-site-down")!;
        expect(east(alarm)).toBe(true);
        const topics = graph.ofType(TOPIC);
        expect(topics.map((t) => t.name).sort()).toEqual(["mon-alarms", "mon-use1-alarms"]);
        const eastTopic = topics.find((t) => t.name === "mon-use1-alarms")!;
        expect(east(eastTopic)).toBe(true);
        expect(east(graph.ofType("aws:kms/key:Key").find((k) => k.name === "mon-use1-alarms-key")!)).toBe(true);
        expect(alarm.propertyDependencies.alarmActions).toContain(eastTopic.urn);
        // The same receivers on both topics; every other alarm stays in the stack's region.
        const subs = graph.ofType(SUB);
        expect(subs.filter(east).map((s) => s.inputs.protocol).sort()).toEqual(["email", "lambda"]);
        expect(subs.filter((s) => !east(s)).map((s) => s.inputs.protocol).sort()).toEqual(["email", "lambda"]);
        expect(graph.ofType(ALARM).filter(east).map((a) => a.name).sort()).toEqual(["mon-alarm-site-down", "mon-alarm-use1-notify-errors"]);
    });
});

// ---- the stack: a receiver is required, and prod is watched from outside ----

const prodConfig = (): Record<string, unknown> => (parse(readFileSync(join(__dirname, "../../Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
const prodWith = (over: Record<string, unknown>) => runOffline({ stack: "prod", config: { ...prodConfig(), ...over }, stackFile: "Pulumi.prod.yaml" });

describe("aws stack alert receivers", () => {
    it("refuses a stack with no receiver, in one line naming the keys", async () => {
        const err = await prodWith({ "slipway:monitoring": {} }).catch((e: Error) => e);
        expect((err as Error).name).toBe("ConfigError");
        expect((err as Error).message).toMatch(/^Pulumi.prod.yaml: slipway:monitoring.silent is missing and no alert receiver is set.*slipway:monitoring.alarmEmails.*slipway:alertSlackWebhookUrl/);
        expect((err as Error).message.split("\n")).toHaveLength(1);
    });

    it("refuses monitoring.silent in production, and allows it explicitly elsewhere", async () => {
        const prod = await prodWith({ "slipway:monitoring": { silent: true } }).catch((e: Error) => e);
        expect((prod as Error).message).toMatch(/slipway:monitoring.silent is true; expected false in production/);
        const staging = await prodWith({ "slipway:monitoring": { silent: true }, "slipway:environment": "staging" });
        expect(staging.graph.ofType(SUB)).toEqual([]);
        const both = await prodWith({ "slipway:monitoring": { silent: true, alarmEmails: ["a@example.com"] }, "slipway:environment": "staging" }).catch((e: Error) => e);
        expect((both as Error).message).toMatch(/expected false or unset: slipway:monitoring.alarmEmails is set/);
    });

    it("plans prod with an outside health check on its domain and an alarm on it", async () => {
        const run = await runOffline({ stack: "prod" });
        const check = run.graph.one("aws:route53/healthCheck:HealthCheck");
        expect(check.inputs).toMatchObject({ fqdn: "app.example.com", resourcePath: "/health", type: "HTTPS" });
        expect(run.graph.ofType(ALARM).some((a) => a.inputs.metricName === "HealthCheckStatus")).toBe(true);
    });

    it("in another region, adds a us-east-1 provider for the outside check", async () => {
        const run = await prodWith({ "aws:region": "eu-west-1", "slipway:web": { certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc" } });
        const providers = run.graph.ofType("pulumi:providers:aws").map((p) => p.inputs.region);
        expect(providers.sort()).toEqual(["eu-west-1", "us-east-1"]);
    });
});
