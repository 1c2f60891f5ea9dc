import { renderedBy, toYaml } from "./yaml-text";

export interface AlertmanagerYmlOptions {
    /** Email delivery: the recipients and the SMTP relay that sends to them. @default no email */
    email?: {
        to: string[];
        smtp: { smarthost: string; from: string; username?: string; password?: string; requireTls?: boolean };
    };
    /** A webhook that receives every alert (a secret: the rendered file is then secret too). @default no webhook */
    webhookUrl?: string;
    /** Labels that group alerts into one notification. @default ["alertname", "severity"] */
    groupBy?: string[];
    /** Wait before the first notification of a new group, to batch its alerts. @default "30s" */
    groupWait?: string;
    /** Wait before notifying about new alerts in a group already notified. @default "5m" */
    groupInterval?: string;
    /** Resend a still-firing alert this often. @default "4h" */
    repeatInterval?: string;
}

/** The receiver every alert goes to: email and/or webhook, or nothing (alerts stay in the UI). */
export const receiverNames = { notify: "slipway", none: "null" } as const;

const duration = /^\d+(ms|s|m|h|d|w|y)$/;

function checkDuration(what: string, value: string): string {
    if (!duration.test(value)) throw new Error(`Alertmanager ${what} must be a duration such as 30s, 5m or 4h; got "${value}".`);
    return value;
}

/**
 * alertmanager.yml: alerts grouped by name and severity, sent by email and/or to a webhook
 * (both with recoveries), or to a receiver with no integrations when neither is configured.
 * Critical alerts silence warnings about the same instance, so an outage pages once.
 */
export function renderAlertmanagerYml(o: AlertmanagerYmlOptions): string {
    const global: Record<string, unknown> = { resolve_timeout: "5m" };
    const receiver: Record<string, unknown> = { name: receiverNames.notify };
    if (o.email) {
        const { smtp, to } = o.email;
        if (to.length === 0) throw new Error("Alertmanager email needs at least one recipient in `to`.");
        if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(smtp.smarthost)) {
            throw new Error(`Alertmanager smtp.smarthost must be host:port, e.g. smtp.example.com:587; got "${smtp.smarthost}".`);
        }
        if ((smtp.username === undefined) !== (smtp.password === undefined)) {
            throw new Error("Alertmanager SMTP authentication needs both smtp.username and smtp.password (or neither).");
        }
        Object.assign(global, {
            smtp_smarthost: smtp.smarthost,
            smtp_from: smtp.from,
            ...(smtp.username !== undefined ? { smtp_auth_username: smtp.username, smtp_auth_password: smtp.password } : {}),
            smtp_require_tls: smtp.requireTls ?? true,
        });
        receiver.email_configs = to.map((address) => ({ to: address, send_resolved: true }));
    }
    if (o.webhookUrl !== undefined) {
        if (!/^https?:\/\/\S+$/.test(o.webhookUrl)) throw new Error("Alertmanager webhookUrl must be an http(s) URL.");
        receiver.webhook_configs = [{ url: o.webhookUrl, send_resolved: true }];
    }
    const notifies = o.email !== undefined || o.webhookUrl !== undefined;
    const config = {
        global,
        route: {
            receiver: notifies ? receiverNames.notify : receiverNames.none,
            group_by: [...(o.groupBy ?? ["alertname", "severity"])],
            group_wait: checkDuration("groupWait", o.groupWait ?? "30s"),
            group_interval: checkDuration("groupInterval", o.groupInterval ?? "5m"),
            repeat_interval: checkDuration("repeatInterval", o.repeatInterval ?? "4h"),
        },
        receivers: notifies ? [receiver] : [{ name: receiverNames.none }],
        inhibit_rules: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ["instance"] }],
    };
    return toYaml(config, renderedBy("Alertmanager configuration"));
}
