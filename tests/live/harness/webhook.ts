/**
 * An in-process Alertmanager webhook receiver on 127.0.0.1: it records every notification so
 * drills can assert that an alert fired and resolved.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** The fields of Alertmanager's webhook payload (version 4) the drills read. */
export interface AlertNotification {
    status: "firing" | "resolved";
    receiver: string;
    alerts: { status: "firing" | "resolved"; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string }[];
    groupLabels: Record<string, string>;
    commonLabels: Record<string, string>;
}

export interface AlertWebhook {
    /** `http://127.0.0.1:port/alerts`, for alertmanager.yml. */
    readonly url: string;
    /** Every notification received, oldest first. */
    readonly notifications: AlertNotification[];
    close(): Promise<void>;
}

export function startAlertWebhook(): Promise<AlertWebhook> {
    const notifications: AlertNotification[] = [];
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (d: Buffer) => chunks.push(d));
        req.on("end", () => {
            try {
                notifications.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as AlertNotification);
                res.writeHead(200).end();
            } catch {
                res.writeHead(400).end();
            }
        });
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as AddressInfo;
            resolve({
                url: `http://127.0.0.1:${port}/alerts`,
                notifications,
                close: () => new Promise<void>((r) => server.close(() => r())),
            });
        });
    });
}
