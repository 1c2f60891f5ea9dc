import type { z } from "zod";
import type { costAssumptionsSchema } from "../../stacks/config-schema";

/**
 * Usage the graph cannot tell: monthly traffic, logs, stored backups. Each default is sized
 * for the requirement Slipway's production topology is built for (1,000+ concurrent users at
 * a 99.9% SLO, a typical web app) and can be overridden per stack with
 * `slipway:costAssumptions` (validated by stacks/config-schema.ts).
 */
export type CostAssumptionOverrides = z.infer<typeof costAssumptionsSchema>;

export type CostAssumptions = Required<Omit<CostAssumptionOverrides, "averageTasks">> & {
    /** When unset, each service's desired count (the autoscaling minimum). */
    averageTasks?: number;
};

export const defaultCostAssumptions: Readonly<Required<Omit<CostAssumptions, "averageTasks">>> = {
    // 1,000 concurrent users in business hours, one request each ~30 s (≈ 33 req/s for 8 h
    // a day, 22 days) plus off-hours traffic: ~30 million requests a month.
    requestsMillions: 30,
    // 30 M responses at ~3.5 KB each once compressed.
    dataTransferOutGb: 100,
    // Largest LCU dimension on average: 1,000 active connections / 3,000 per LCU ≈ 0.33,
    // bytes 100 GB / 730 h ≈ 0.14 GB/h; rounded up to 1 for peaks.
    albLcus: 1,
    // Image pulls from a public registry, OS and package updates, outbound API calls.
    natProcessedGb: 50,
    // One JSON line per request at LOG_LEVEL=info, ~170 bytes × 30 M.
    appLogsGb: 5,
    // Flow-log records for all VPC traffic at 600 s aggregation (components/network/aws.ts),
    // one record per flow direction, network interface and interval, ~130 bytes billed each:
    //   client connections at the ALB: 30 M requests ÷ ~3 per keep-alive connection × 2  20 M
    //   target health checks, each a new connection: 3 ALB nodes × 3 tasks × 4/min
    //     × 43,800 min × 2 directions × 2 interfaces                                    6.3 M
    //   long-lived connections (ALB → tasks keep-alive, database and cache pools):
    //     ~126 × 2 × 2 × 4,380 intervals                                                2.2 M
    //   egress through NAT (AWS APIs, ECR, outbound calls): ~1 M connections × 6
    //     (task interface 2, NAT interface 4: both sides of the translation)              6 M
    //   internet scans of the 6 public addresses                                          1 M
    // ≈ 36 M records ≈ 4.6 GB; rounded up to 8 for what the count leaves out (retries,
    // deploy bursts, chatty clients). At 60 s the long-lived flows and the clients' keep-alive
    // connections are re-recorded every minute: ~75 M records, ~10 GB. Check the log group's
    // IncomingBytes metric after a week and set the real figure.
    flowLogsGb: 8,
    // WAF log records (~1.5 KB each, full request headers) of the requests a rule blocked or
    // counted, the only ones the web tier's logging filter keeps: ~2% of 30 M requests
    // (scanners, floods, oversized bodies counted by SizeRestrictions_BODY) ≈ 0.9 GB.
    wafLogsGb: 1,
    // PostgreSQL slow-query/upgrade logs, cache slow/engine logs, Container Insights events.
    serviceLogsGb: 0.5,
    // 90 days of compressed daily dumps of a database of a few GB.
    backupStorageGb: 20,
    // Gzipped ALB access logs for 30 M requests, kept 90 days.
    accessLogsStorageGb: 5,
    // The backup image (PostgreSQL on Alpine and restic, ~0.1 GB compressed); the few images
    // the repository keeps share their base layers.
    imageStorageGb: 0.2,
    // The ALB writes a log object every 5 minutes per node: 3 × 8,760 ≈ 26 thousand.
    s3PutRequestsThousands: 30,
    s3GetRequestsThousands: 10,
    // Each task start reads each secret once; deploys and scaling events.
    secretsApiCallsThousands: 1,
    // Data-key requests from encrypted logs, storage and secrets.
    kmsRequestsThousands: 10,
    // Cluster-, service- and task-family-level Container Insights metrics.
    containerInsightsMetrics: 30,
};

/** The defaults with a stack's overrides applied. */
export function resolveCostAssumptions(overrides: CostAssumptionOverrides = {}): CostAssumptions {
    const set = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
    return { ...defaultCostAssumptions, ...set };
}
