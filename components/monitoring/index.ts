import type * as pulumi from "@pulumi/pulumi";
import { argError } from "../shared/errors";

/**
 * The alert thresholds of a Slipway app. Each target turns them into its own alarms
 * (CloudWatch on AWS, Prometheus rules on a VPS), so they are stated in terms both understand.
 */
export interface MonitoringThresholds {
    /**
     * Share of requests answered with a 5xx (by the app or the load balancer / edge), in percent.
     * @default 5
     * @example
     * ```ts
     * { thresholds: { error5xxPercent: 1 } }
     * ```
     */
    error5xxPercent?: number;
    /**
     * 95th-percentile response time of the app, in milliseconds.
     * @default 500
     * @example
     * ```ts
     * { thresholds: { latencyP95Ms: 300 } }
     * ```
     */
    latencyP95Ms?: number;
    /**
     * CPU use, in percent, above which the app, the database or the cache engine is overloaded.
     * @default 80
     * @example
     * ```ts
     * { thresholds: { cpuPercent: 70 } }
     * ```
     */
    cpuPercent?: number;
    /**
     * Memory use of the app containers, in percent of their limit.
     * @default 90
     * @example
     * ```ts
     * { thresholds: { memoryPercent: 85 } }
     * ```
     */
    memoryPercent?: number;
    /**
     * Open database connections, in percent of the server's `max_connections`.
     * @default 80
     * @example
     * ```ts
     * { thresholds: { dbConnectionsPercentOfMax: 70 } }
     * ```
     */
    dbConnectionsPercentOfMax?: number;
    /**
     * Free database storage, in percent of the allocated size, below which to alert.
     * @default 10
     * @example
     * ```ts
     * { thresholds: { dbFreeStoragePercent: 20 } }
     * ```
     */
    dbFreeStoragePercent?: number;
    /**
     * Free memory of the database server, in MB, below which to alert (it is about to swap).
     * @default 256
     * @example
     * ```ts
     * { thresholds: { dbFreeMemoryMb: 512 } }
     * ```
     */
    dbFreeMemoryMb?: number;
    /**
     * Memory use of the cache, in percent of what it may use, above which to alert (evictions
     * follow).
     * @default 80
     * @example
     * ```ts
     * { thresholds: { cacheMemoryPercent: 75 } }
     * ```
     */
    cacheMemoryPercent?: number;
}

/**
 * Alerting for a Slipway app, whatever the target: who is told, and when. Target
 * implementations add what the alarms watch (load balancer, service, database, cache ids on AWS).
 */
export interface MonitoringArgs {
    /**
     * Addresses that receive alarm and recovery notifications. Each address gets a confirmation
     * email first; nothing is delivered until it is confirmed. The stack validates the addresses.
     * @default []
     * @example
     * ```ts
     * { alarmEmails: ["oncall@example.com"] }
     * ```
     */
    alarmEmails?: string[];
    /**
     * When to alert. Unset values keep their defaults.
     * @default { error5xxPercent: 5, latencyP95Ms: 500, cpuPercent: 80, memoryPercent: 90, dbConnectionsPercentOfMax: 80, dbFreeStoragePercent: 10, dbFreeMemoryMb: 256, cacheMemoryPercent: 80 }
     * @example
     * ```ts
     * { thresholds: { latencyP95Ms: 300, error5xxPercent: 1 } }
     * ```
     */
    thresholds?: MonitoringThresholds;
    /**
     * Protect the stateful parts (the encryption key of the alarm topic) from deletion.
     * @default true
     * @example
     * ```ts
     * { protect: false }
     * ```
     */
    protect?: boolean;
    /**
     * How many days of metrics to keep. The Docker targets size Prometheus' storage with it; on
     * AWS, CloudWatch keeps metrics for 15 months whatever this says.
     * @default 15
     * @example
     * ```ts
     * { retentionDays: 30 }
     * ```
     */
    retentionDays?: number;
    /**
     * A webhook that receives every alert and recovery (a Slack incoming webhook or any receiver
     * of Alertmanager's webhook JSON). It is a credential: pass a secret. Used by the Docker
     * targets; the AWS target notifies by email only.
     * @default no webhook
     * @example
     * ```ts
     * { webhookUrl: config.requireSecret("alertWebhookUrl") }
     * ```
     */
    webhookUrl?: pulumi.Input<string>;
    /**
     * The SMTP relay that sends alert emails to `alarmEmails` on the Docker targets (on AWS the
     * SNS topic sends them). Without it the Docker targets cannot email: alerts still show in
     * Alertmanager and go to `webhookUrl`.
     * @default no email on the Docker targets
     * @example
     * ```ts
     * { smtp: { smarthost: "smtp.example.com:587", from: "alerts@example.com", username: "alerts", password: config.requireSecret("smtpPassword") } }
     * ```
     */
    smtp?: SmtpSettings;
}

/** An SMTP relay for alert emails. */
export interface SmtpSettings {
    /**
     * The relay as `host:port` (587 with STARTTLS, or 465 with implicit TLS).
     * @example
     * ```ts
     * { smarthost: "smtp.example.com:587" }
     * ```
     */
    smarthost: string;
    /**
     * The sender address of alert emails.
     * @example
     * ```ts
     * { from: "alerts@example.com" }
     * ```
     */
    from: string;
    /**
     * User name for SMTP authentication.
     * @default no authentication
     * @example
     * ```ts
     * { username: "alerts@example.com" }
     * ```
     */
    username?: string;
    /**
     * Password for SMTP authentication; a secret.
     * @default no authentication
     * @example
     * ```ts
     * { password: config.requireSecret("smtpPassword") }
     * ```
     */
    password?: pulumi.Input<string>;
    /**
     * Refuse to send unless the relay offers TLS (STARTTLS).
     * @default true
     * @example
     * ```ts
     * { requireTls: false } // a relay on a trusted private network only
     * ```
     */
    requireTls?: boolean;
}

/** `MonitoringArgs` with every default applied. */
export interface NormalizedMonitoringArgs {
    alarmEmails: string[];
    thresholds: Required<MonitoringThresholds>;
    protect: boolean;
}

export const defaultThresholds: Readonly<Required<MonitoringThresholds>> = Object.freeze({
    error5xxPercent: 5,
    latencyP95Ms: 500,
    cpuPercent: 80,
    memoryPercent: 90,
    dbConnectionsPercentOfMax: 80,
    dbFreeStoragePercent: 10,
    dbFreeMemoryMb: 256,
    cacheMemoryPercent: 80,
});

const percentKeys = [
    "error5xxPercent",
    "cpuPercent",
    "memoryPercent",
    "dbConnectionsPercentOfMax",
    "dbFreeStoragePercent",
    "cacheMemoryPercent",
] as const;

/**
 * Applies the defaults and checks the thresholds. Addresses are de-duplicated (case-insensitively)
 * so one person does not get every alarm twice.
 */
export function normalizeMonitoringArgs(args: MonitoringArgs = {}): NormalizedMonitoringArgs {
    const thresholds: Required<MonitoringThresholds> = { ...defaultThresholds };
    for (const [key, value] of Object.entries(args.thresholds ?? {}) as [keyof MonitoringThresholds, number | undefined][]) {
        if (value !== undefined) thresholds[key] = value;
    }
    for (const key of percentKeys) {
        const v = thresholds[key];
        if (!Number.isFinite(v) || v <= 0 || v > 100) {
            throw argError(`thresholds.${key}`, v, "a percentage above 0 and at most 100");
        }
    }
    for (const key of ["latencyP95Ms", "dbFreeMemoryMb"] as const) {
        const v = thresholds[key];
        if (!Number.isFinite(v) || v <= 0) {
            throw argError(`thresholds.${key}`, v, "a positive number");
        }
    }
    const seen = new Set<string>();
    const alarmEmails: string[] = [];
    for (const email of args.alarmEmails ?? []) {
        const key = email.trim().toLowerCase();
        if (!seen.has(key)) {
            seen.add(key);
            alarmEmails.push(email.trim());
        }
    }
    return { alarmEmails, thresholds, protect: args.protect ?? true };
}
