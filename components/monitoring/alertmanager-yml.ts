import { renderedBy, toYaml } from "./yaml-text";
import { argError } from "../shared/errors";

export interface AlertmanagerYmlOptions {
    /** Email delivery: the recipients and the SMTP relay that sends to them. @default no email */
    email?: {
        to: string[];
        smtp: { smarthost: string; from: string; username?: string; password?: string; requireTls?: boolean };
    };
    /**
     * A generic webhook that receives every alert as Alertmanager's webhook JSON (a secret: the
     * rendered file is then secret too). Not for Slack: Slack rejects that JSON — use `slack`.
     * @default no webhook
     */
    webhookUrl?: string;
    /**
     * Slack through Alertmanager's own Slack integration (`slack_configs`), which posts the
     * `text`/`attachments` JSON an incoming webhook accepts. The webhook URL is read from a file
     * (`api_url_file`, Alertmanager ≥ 0.22) so it stays out of this file and of `amtool config show`.
     * @default no Slack
     */
    slack?: { apiUrlFile: string; channel?: string };
    /**
     * A dead man's switch (healthchecks.io, Cronitor, …): the always-firing `Watchdog` alert is
     * sent here every `repeatInterval`; the service alerts a human when the pings stop — the
     * one alarm that still works when this host, Prometheus or Alertmanager is dead.
     * @default none: Watchdog goes to the receiver with no integrations (never to people)
     */
    deadMansSwitch?: { url: string; repeatInterval?: string };
    /** Labels that group alerts into one notification. @default ["alertname", "severity"] */
    groupBy?: string[];
    /** Wait before the first notification of a new group, to batch its alerts. @default "30s" */
    groupWait?: string;
    /** Wait before notifying about new alerts in a group already notified. @default "5m" */
    groupInterval?: string;
    /** Resend a still-firing alert this often. @default "4h" */
    repeatInterval?: string;
}

/**
 * The receivers: `notify` (email, Slack and/or webhook) for every alert, `none` (no
 * integrations: alerts stay in the UI) when nothing is configured, `deadMansSwitch` for the
 * Watchdog heartbeat only.
 */
export const receiverNames = { notify: "slipway", none: "null", deadMansSwitch: "deadmansswitch" } as const;

/** The always-firing heartbeat alert (alert-rules.ts) routed to the dead man's switch. */
export const watchdogAlertName = "Watchdog";

const duration = /^\d+(ms|s|m|h|d|w|y)$/;
const httpUrl = /^https?:\/\/\S+$/;

function checkDuration(what: string, value: string): string {
    if (!duration.test(value)) throw argError(what, value, "a duration such as 30s, 5m or 4h", { where: "alertmanager.yml" });
    return value;
}

/** Slack message text: one line per alert with its summary and description. */
const slackTitle = '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}';
const slackText = "{{ range .Alerts }}*{{ .Annotations.summary }}* ({{ .Labels.severity }})\n{{ .Annotations.description }}\n{{ end }}";

/**
 * alertmanager.yml: alerts grouped by name and severity, sent by email, to Slack and/or to a
 * webhook (all with recoveries), or to a receiver with no integrations when none is configured.
 * The `Watchdog` heartbeat has its own route that never reaches people: to the dead man's
 * switch when there is one, else nowhere. Critical alerts silence warnings about the same
 * instance, so an outage pages once.
 */
export function renderAlertmanagerYml(o: AlertmanagerYmlOptions): string {
    const global: Record<string, unknown> = { resolve_timeout: "5m" };
    const receiver: Record<string, unknown> = { name: receiverNames.notify };
    if (o.email) {
        const { smtp, to } = o.email;
        if (to.length === 0) throw argError("email.to", to, "at least one recipient", { where: "alertmanager.yml" });
        if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(smtp.smarthost)) {
            throw argError("smtp.smarthost", smtp.smarthost, "host:port, e.g. smtp.example.com:587", { where: "alertmanager.yml" });
        }
        if ((smtp.username === undefined) !== (smtp.password === undefined)) {
            throw argError(smtp.username === undefined ? "smtp.username" : "smtp.password", undefined, "both smtp.username and smtp.password for authentication, or neither", { where: "alertmanager.yml" });
        }
        Object.assign(global, {
            smtp_smarthost: smtp.smarthost,
            smtp_from: smtp.from,
            ...(smtp.username !== undefined ? { smtp_auth_username: smtp.username, smtp_auth_password: smtp.password } : {}),
            smtp_require_tls: smtp.requireTls ?? true,
        });
        receiver.email_configs = to.map((address) => ({ to: address, send_resolved: true }));
    }
    if (o.slack) {
        if (!o.slack.apiUrlFile.startsWith("/")) throw argError("slack.apiUrlFile", o.slack.apiUrlFile, "an absolute path inside the container", { where: "alertmanager.yml" });
        if (o.slack.channel !== undefined && !/^[#@]?[\w.-]{1,80}$/.test(o.slack.channel)) {
            throw argError("slack.channel", o.slack.channel, "a Slack channel such as #ops", { where: "alertmanager.yml" });
        }
        receiver.slack_configs = [
            {
                api_url_file: o.slack.apiUrlFile,
                ...(o.slack.channel !== undefined ? { channel: o.slack.channel } : {}),
                send_resolved: true,
                title: slackTitle,
                text: slackText,
            },
        ];
    }
    if (o.webhookUrl !== undefined) {
        if (!httpUrl.test(o.webhookUrl)) throw argError("webhookUrl", o.webhookUrl, "an http(s) URL", { where: "alertmanager.yml", secret: true });
        receiver.webhook_configs = [{ url: o.webhookUrl, send_resolved: true }];
    }
    const notifies = o.email !== undefined || o.webhookUrl !== undefined || o.slack !== undefined;

    const receivers: Record<string, unknown>[] = [notifies ? receiver : { name: receiverNames.none }];
    let watchdogReceiver: string = receiverNames.none;
    let watchdogRepeat = "1h";
    if (o.deadMansSwitch) {
        if (!httpUrl.test(o.deadMansSwitch.url)) throw argError("deadMansSwitch.url", o.deadMansSwitch.url, "an http(s) URL", { where: "alertmanager.yml", secret: true });
        watchdogRepeat = checkDuration("deadMansSwitch.repeatInterval", o.deadMansSwitch.repeatInterval ?? "1m");
        watchdogReceiver = receiverNames.deadMansSwitch;
        // No resolved notifications: the switch's only signal is the heartbeat stopping.
        receivers.push({ name: receiverNames.deadMansSwitch, webhook_configs: [{ url: o.deadMansSwitch.url, send_resolved: false }] });
    }
    if (notifies && watchdogReceiver === receiverNames.none) receivers.push({ name: receiverNames.none });

    const config = {
        global,
        route: {
            receiver: notifies ? receiverNames.notify : receiverNames.none,
            group_by: [...(o.groupBy ?? ["alertname", "severity"])],
            group_wait: checkDuration("groupWait", o.groupWait ?? "30s"),
            group_interval: checkDuration("groupInterval", o.groupInterval ?? "5m"),
            repeat_interval: checkDuration("repeatInterval", o.repeatInterval ?? "4h"),
            routes: [
                {
                    // The heartbeat: first, and it stops here (no `continue`), so it never
                    // reaches the people the default route notifies.
                    matchers: [`alertname="${watchdogAlertName}"`],
                    receiver: watchdogReceiver,
                    group_by: ["alertname"],
                    group_wait: "0s",
                    group_interval: watchdogRepeat,
                    repeat_interval: watchdogRepeat,
                },
            ],
        },
        receivers,
        inhibit_rules: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ["instance"] }],
    };
    return toYaml(config, renderedBy("Alertmanager configuration"));
}
