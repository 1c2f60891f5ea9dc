/**
 * The alarm forwarder: a small Lambda function subscribed to the alarm topic that posts each
 * notification to a Slack incoming webhook and/or a generic webhook.
 *
 * Why a function and not an `https` subscription: SNS first sends an HTTPS endpoint a
 * `SubscriptionConfirmation` that the endpoint must confirm (visit `SubscribeURL`); a Slack
 * incoming webhook never does, so the subscription stays pending and nothing is delivered — and
 * even when confirmed, SNS posts its own JSON envelope, which Slack rejects. AWS Chatbot
 * (Amazon Q Developer in chat applications) can post to Slack, but only after a person
 * authorises the Slack workspace in the console, which a stack cannot do. A Lambda subscription
 * needs no confirmation (same account), SNS decrypts the KMS-encrypted message before invoking
 * it, and the function sends each receiver the format it takes. The webhook URLs are
 * credentials: they live in a Secrets Manager secret (encrypted with the topic's key), never in
 * the function's environment or in plain stack outputs.
 *
 * The generic webhook receives Alertmanager's webhook JSON (version 4), the same document the
 * Docker targets' Alertmanager sends, so one receiver works for every target. A failed delivery
 * throws: Lambda retries an asynchronous (SNS) invocation twice, and the function's Errors
 * metric has an alarm of its own, which still reaches the email subscribers.
 *
 * The source is a string (one ES module, no dependencies beyond the Node.js runtime and the AWS
 * SDK v3 it ships), so the program needs no bundler; `deliver` takes its secret and `fetch` as
 * arguments so tests run the real code against a local receiver.
 */

/** The Lambda runtime the source is written for (global `fetch`, the AWS SDK v3 built in). */
export const forwarderRuntime = "nodejs22.x";
/** Seconds the function may run: two webhook posts with a 5-second timeout each, and the secret. */
export const forwarderTimeoutSeconds = 20;

/** The JSON keys of the forwarder's secret. */
export interface ForwarderSecret {
    /** A Slack incoming webhook (`https://hooks.slack.com/services/…`). */
    slackWebhookUrl?: string;
    /** A receiver of Alertmanager's webhook JSON. */
    webhookUrl?: string;
}

/** The function's one file, `index.mjs` (handler `index.handler`). */
export const forwarderSource = String.raw`// Slipway alarm forwarder: SNS -> Slack incoming webhook and/or Alertmanager-style webhook.
import { createHash } from "node:crypto";

const CACHE_MS = 5 * 60 * 1000;
let cached;

// The secret is read once per 5 minutes per container: a changed URL is used within minutes.
async function loadSecret() {
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.value;
    const { SecretsManagerClient, GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
    const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: process.env.SECRET_ARN }));
    cached = { at: Date.now(), value: JSON.parse(out.SecretString) };
    return cached.value;
}

const consoleHost = (partition) =>
    partition === "aws-cn" ? "console.amazonaws.cn" : partition === "aws-us-gov" ? "console.amazonaws-us-gov.com" : "console.aws.amazon.com";

// One notification as a neutral alert: CloudWatch alarm JSON, or any other message as text.
export function toAlert(record) {
    const sns = record.Sns ?? {};
    let alarm;
    try {
        const parsed = JSON.parse(sns.Message);
        if (parsed && typeof parsed === "object" && parsed.AlarmName && parsed.NewStateValue) alarm = parsed;
    } catch {
        // not JSON: a plain message
    }
    const topicArn = String(sns.TopicArn ?? "");
    if (!alarm) {
        return {
            name: sns.Subject || "SNS notification",
            state: "MESSAGE",
            summary: sns.Subject || "SNS notification",
            description: String(sns.Message ?? "").slice(0, 3000),
            time: sns.Timestamp ?? new Date().toISOString(),
            id: sns.MessageId ?? topicArn,
            labels: { source: "sns", topic: topicArn.split(":").pop() ?? "" },
        };
    }
    const arn = String(alarm.AlarmArn ?? "");
    const [, partition = "aws", , region = "", account = ""] = arn.split(":");
    const url = region
        ? "https://" + region + "." + consoleHost(partition) + "/cloudwatch/home?region=" + region + "#alarmsV2:alarm/" + encodeURIComponent(alarm.AlarmName)
        : undefined;
    return {
        name: alarm.AlarmName,
        state: alarm.NewStateValue,
        summary: alarm.AlarmDescription || alarm.AlarmName,
        description: alarm.NewStateReason ?? "",
        time: alarm.StateChangeTime ?? sns.Timestamp ?? new Date().toISOString(),
        id: arn || alarm.AlarmName,
        url,
        labels: { source: "cloudwatch", region, account },
    };
}

const escapeSlack = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

// Slack's incoming-webhook payload: one mrkdwn text.
export function slackPayload(a) {
    const head = "*" + escapeSlack(a.state) + "*: " + escapeSlack(a.name);
    const lines = [head, escapeSlack(a.summary)];
    if (a.description) lines.push(escapeSlack(a.description));
    if (a.url) lines.push("<" + a.url + "|Open in CloudWatch>");
    return { text: lines.join("\n") };
}

// Alertmanager's webhook JSON (version 4): ALARM and INSUFFICIENT_DATA fire, OK resolves.
export function alertmanagerPayload(a) {
    const status = a.state === "OK" ? "resolved" : "firing";
    const labels = { alertname: a.name, state: a.state, ...a.labels };
    const annotations = { summary: a.summary, description: a.description };
    return {
        version: "4",
        groupKey: "{}:{alertname=" + JSON.stringify(a.name) + "}",
        truncatedAlerts: 0,
        status,
        receiver: "slipway-sns",
        groupLabels: { alertname: a.name },
        commonLabels: labels,
        commonAnnotations: annotations,
        externalURL: a.url ?? "",
        alerts: [
            {
                status,
                labels,
                annotations,
                startsAt: a.time,
                endsAt: status === "resolved" ? a.time : "0001-01-01T00:00:00Z",
                generatorURL: a.url ?? "",
                fingerprint: createHash("sha256").update(a.id).digest("hex").slice(0, 16),
            },
        ],
    };
}

// A failed delivery, not a bad argument: Lambda reports the error and SNS retries the message.
class DeliveryError extends Error {}

async function post(fetchFn, url, body) {
    const res = await fetchFn(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new DeliveryError("the receiver answered HTTP " + res.status);
}

// Posts every record to every receiver; throws when any post failed (the URLs stay unlogged).
export async function deliver(event, { secret, fetch: fetchFn }) {
    const failures = [];
    for (const record of event.Records ?? []) {
        const alert = toAlert(record);
        const posts = [];
        if (secret.slackWebhookUrl) posts.push(["slack", post(fetchFn, secret.slackWebhookUrl, slackPayload(alert))]);
        if (secret.webhookUrl) posts.push(["webhook", post(fetchFn, secret.webhookUrl, alertmanagerPayload(alert))]);
        const results = await Promise.allSettled(posts.map(([, p]) => p));
        results.forEach((r, i) => {
            if (r.status === "rejected") failures.push(posts[i][0] + " (" + alert.name + "): " + (r.reason?.message ?? r.reason));
        });
    }
    if (failures.length > 0) throw new DeliveryError("alarm delivery failed: " + failures.join("; "));
    return { delivered: (event.Records ?? []).length };
}

export async function handler(event) {
    return deliver(event, { secret: await loadSecret(), fetch: globalThis.fetch });
}
`;
