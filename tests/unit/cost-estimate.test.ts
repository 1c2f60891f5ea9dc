import { beforeAll, describe, expect, it } from "vitest";
import { estimateCost } from "../../offline/cost/estimate";
import { estimateStackCost } from "../../offline/cost/stack-cost";
import type { CostEstimate } from "../../offline/cost/types";
import type { Graph } from "../../offline/graph";
import { runOffline } from "../../offline/run";

/**
 * The estimate of the shipped stacks against totals computed by hand from the price table
 * (offline/cost/prices.ts, us-east-1 and DigitalOcean list prices of 2025-06-01) and the
 * default assumptions (offline/cost/assumptions.ts). Each line is rounded to cents, as the
 * estimate rounds it.
 */

const stacks: Record<string, { graph: Graph; cost: CostEstimate }> = {};

beforeAll(async () => {
    // The estimate reads the stack config the runtime holds, so each is taken right after its run.
    for (const stack of ["prod", "dev", "local"]) {
        const run = await runOffline({ stack });
        stacks[stack] = { graph: run.graph, cost: estimateStackCost(run.graph) };
    }
}, 120_000);

const line = (cost: CostEstimate, name: string) => {
    const found = cost.lines.find((l) => l.urn.endsWith(`::${name}`));
    if (!found) throw new Error(`no cost line for ${name}`);
    return found;
};

/** A line is rounded to cents: a hand figure with a half cent may land on either side. */
const expectCents = (actual: number, hand: number) => expect(Math.abs(actual - hand)).toBeLessThanOrEqual(0.005 + 1e-9);

describe("prod (aws, us-east-1)", () => {
    it("totals $562.46 a month, as computed by hand", () => {
        const { cost } = stacks.prod;
        // RDS db.t4g.large Multi-AZ:     730 × 0.258 + 100 GB × 0.23
        //   + the RDS-managed master-password secret 0.40                            = 211.74
        // ElastiCache 2 × t4g.medium:    2 × 730 × 0.052 (Valkey)                     =  75.92
        // Fargate 3 × 0.5 vCPU / 1 GB:   3 × 730 × (0.5 × 0.04048 + 1 × 0.004445)     =  54.06
        // ALB:                           730 × 0.0225 + 1 × 730 × 0.008
        //                                + 3 IPv4 × 730 × 0.005 + 100 GB × 0.09       =  42.22 (42.215)
        // NAT × 3:                       3 × (730 × 0.045 + 50/3 GB × 0.045)          = 100.80
        // WAF:                           5 + 3 rules × 1 + 30 M × 0.60                =  26.00
        // Container Insights:            30 × 0.30 + 0.5 GB × 0.50                    =   9.25
        // Flow-log group (600 s records): 8 × 0.50 + 8 × (90 × 12 / 365) × 0.03      =   4.71 (4.710)
        // S3 request metrics:            16 × 0.30                                    =   4.80
        // NAT EIPs × 3:                  3 × 730 × 0.005                              =  10.95
        // Dashboard:                                                                  =   3.00
        // App log group:                 5 × 0.50 + 5 × (90 × 12 / 365) × 0.03        =   2.94
        // WAF log group (vended):        1 × 0.50 + 1 × (90 × 12 / 365) × 0.03        =   0.59 (0.589)
        // KMS keys × 7 (the backup job's): 7 × (1 + 1 × 0.03)                     =   7.21
        // Secrets × 4 (REDIS_URL, restic,
        //   the app and backup roles'):   4 × (0.40 + 0.1 × 0.05) = 4 × 0.41        =   1.64
        // Backup bucket:                 20 GB × 0.023 (a restic repository: nothing
        //                                expires by age, so all Standard, an upper bound)
        //                                + 30 × 0.005 + 10 × 0.0004                   =   0.61 (0.614)
        // Backup job log group:          0.5 GB (serviceLogsGb) × 0.50
        //                                + 0.5 × (90 × 12 / 365) × 0.03               =   0.29 (0.294)
        // Backup schedule:               30.4375 runs × $1/M invocations
        //                                + 30.4375 × 15 min × (0.25 × 0.04048 + 0.5 × 0.004445) = 0.09 (0.094)
        // Backup image repository (ECR): 0.2 GB (imageStorageGb) × 0.10              =   0.02
        // 5xx-rate alarm (3 metrics):    3 × 0.10                                     =   0.30
        // Access-log bucket:             5 × 0.023 + 30 × 0.005 + 10 × 0.0004         =   0.27
        // Backup bucket's server access logs: (30 + 10) thousand requests × 500 bytes
        //                                = 0.02 GB/month × 12 months (365 days) × 0.023; delivery free =   0.01 (0.0055)
        // DB, DB-upgrade, cache, DB-bootstrap-function logs:
        //                                4 × (0.5 × 0.50 + 0.5 × (30 × 12 / 365) × 0.03) = 4 × 0.26 = 1.04
        // Other alarms × 16:             16 × 0.10                                    =   1.60
        // Tasks running vs desired (2 metrics), 3 NAT port-allocation alarms,
        //   RDS surplus credits, 2 cache credit balances: (2 + 3 + 1 + 2) × 0.10      =   0.80
        // Route 53 health check (outside watch): 0.50 + HTTPS option 1.00             =   1.50
        //   and its site-down alarm:      1 × 0.10                                     =   0.10
        const hand = 211.74 + 75.92 + 54.06 + 42.22 + 100.8 + 26 + 9.25 + 4.71 + 4.8 + 10.95 + 3 + 2.94 + 7.21 + 1.64 + 0.61 + 0.29 + 0.09 + 0.02 + 0.3 + 0.27 + 1.04 + 1.6 + 0.8 + 0.59 + 0.01 + 1.5 + 0.1;
        expect(cost.monthlyUsd).toBeCloseTo(hand, 2);
        expect(cost.monthlyUsd).toBeCloseTo(562.46, 2);
        expect(line(cost, "monitoring-health")).toMatchObject({ monthlyUsd: 1.5, basis: "health check $0.50 (AWS endpoint) + 1 optional feature (HTTPS) × $1.00" });
        expect(cost).toMatchObject({ currency: "USD", priceDate: "2025-06-01", region: "us-east-1" });
        expect(cost.notPriced).toEqual([]);
    });

    it("prices the main resources line by line with a basis that names each figure", () => {
        const { cost } = stacks.prod;
        expect(line(cost, "db-instance")).toMatchObject({ monthlyUsd: 211.74, type: "aws:rds/instance:Instance" });
        expect(line(cost, "db-instance").basis).toContain("db.t4g.large Multi-AZ 730 h × $0.258 + 100 GB gp3 Multi-AZ × $0.23 + the RDS-managed master-password secret $0.40");
        // The class is burstable and unlimited: the line says what it leaves out.
        expect(line(cost, "db-instance").basis).toContain("assumes CPU within the 30% baseline of db.t4g.large");
        expect(line(cost, "cache-group").monthlyUsd).toBe(75.92);
        expect(line(cost, "web-service").monthlyUsd).toBe(54.06);
        expectCents(line(cost, "web-alb").monthlyUsd, 42.215);
        expect(line(cost, "web-alb").basis).toContain("3 public IPv4 addresses (one per AZ)");
        for (const n of [1, 2, 3]) expect(line(cost, `net-nat-${n}`).monthlyUsd).toBe(33.6);
        expect(line(cost, "web-waf").monthlyUsd).toBe(26);
        expect(line(cost, "monitoring-alarm-alb-5xx-rate").monthlyUsd).toBe(0.3);
        // The backup job: runs counted from its cron expression, its size from its task definition.
        expect(line(cost, "backups-job-schedule")).toMatchObject({ monthlyUsd: 0.09, type: "aws:scheduler/schedule:Schedule" });
        expect(line(cost, "backups-job-schedule").basis).toContain("30.438 runs × 1 task × 15 min (assumed) × (0.25 vCPU × $0.04048 + 0.5 GB × $0.004445)");
        // Its log group takes a few lines a run: priced like the AWS services' own, not like the app's.
        expect(line(cost, "backups-job-logs").basis).toMatch(/^0\.5 GB\/month ingested \(serviceLogsGb\)/);
        // The log bucket of the backups is priced as logs, not as a second copy of the backups.
        expect(line(cost, "backups-access-logs").basis).toContain("server access logs of 1 bucket: (30 + 10) thousand requests");
        expect(line(cost, "backups-access-logs").basis).toContain("log delivery has no charge");
        expect(line(cost, "backups-bucket").basis).toContain("objects never expire by lifecycle: all Standard, an upper bound");
        // Only restic's packs move, and how much of the repository they are is not known offline.
        expect(line(cost, "backups-bucket").basis).toContain("the move of objects under restic/data/ over 1,048,576 bytes to Glacier IR after 30 d is not credited");
        expect(line(cost, "backups-job-images")).toMatchObject({ monthlyUsd: 0.02, basis: "0.2 GB stored (imageStorageGb) × $0.10" });
    });

    it("accounts for every custom resource once: priced, free with a reason, or not priced", () => {
        const { graph, cost } = stacks.prod;
        const billable = graph.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
        const accounted = [...cost.lines.map((l) => l.urn), ...cost.notPriced.map((n) => n.urn)];
        expect(accounted.sort()).toEqual(billable.map((r) => r.urn).sort());
        expect(cost.lines.some((l) => l.type.startsWith("slipway:components:") || l.type.startsWith("pulumi:providers:"))).toBe(false);
        for (const l of cost.lines.filter((x) => x.monthlyUsd === 0)) expect(l.basis, l.urn).toMatch(/^no charge: \S/);
        expect(line(cost, "db-sg").basis).toBe("no charge: security groups have no charge");
        expect(line(cost, "net-endpoint-s3").basis).toMatch(/^no charge: gateway endpoints/);
        // The lines add up to the total.
        expect(cost.lines.reduce((s, l) => s + l.monthlyUsd, 0)).toBeCloseTo(cost.monthlyUsd, 2);
    });

    it("recomputes the usage lines from overridden assumptions", () => {
        const overrides = { natProcessedGb: 300, dataTransferOutGb: 1000, requestsMillions: 100, averageTasks: 4.5, backupStorageGb: 400, appLogsGb: 20 };
        const cost = estimateCost(stacks.prod.graph, overrides);
        // NAT: 730 × 0.045 + 300/3 GB × 0.045 = 32.85 + 4.50
        expect(line(cost, "net-nat-1").monthlyUsd).toBe(37.35);
        // ALB: 16.425 + 5.84 + 10.95 + 1000 GB × 0.09 = 123.215
        expectCents(line(cost, "web-alb").monthlyUsd, 123.215);
        // WAF: 5 + 3 + 100 M × 0.60
        expect(line(cost, "web-waf").monthlyUsd).toBe(68);
        // Fargate: 4.5 tasks × 730 × 0.024685 = 81.090225
        expect(line(cost, "web-service").monthlyUsd).toBe(81.09);
        expect(line(cost, "web-service").basis).toContain("4.5 tasks (averageTasks)");
        // Backups: 400 GB Standard × 0.023 + 0.15 + 0.004 = 9.354 (a restic repository: nothing expires by age)
        expect(line(cost, "backups-bucket").monthlyUsd).toBe(9.35);
        // App logs: 20 × 0.50 + 20 × (90 × 12 / 365) × 0.03 = 10 + 1.775
        expect(line(cost, "web-logs").monthlyUsd).toBe(11.78);
        // Lines that use none of them do not move.
        expect(line(cost, "db-instance").monthlyUsd).toBe(211.74);
        expect(cost.assumptions).toMatchObject(overrides);
        expect(cost.monthlyUsd).toBeCloseTo(562.46 + 3 * (37.35 - 33.6) + (123.22 - 42.22) + (68 - 26) + (81.09 - 54.06) + (9.35 - 0.61) + (11.78 - 2.94), 2);
    });
});

describe("dev (vps, DigitalOcean)", () => {
    it("totals $39.80 a month, as computed by hand", () => {
        const { cost } = stacks.dev;
        // Droplet s-2vcpu-4gb:           24 + weekly backups 20% × 24                 = 28.80
        //                                (100 GB out, within the 4,000 GB included)
        // Volume:                        50 GB × 0.10                                 =  5.00
        // Spaces:                        subscription 5 (20 GB within 250 included)   =  5.00
        // Uptime check (off-host watch):  1 (its two alerts have no charge)          =  1.00
        // Reserved IP (assigned), DNS, firewall, VPC, containers:                    =  0
        expect(cost.monthlyUsd).toBeCloseTo(24 + 4.8 + 5 + 5 + 1, 2);
        expect(line(cost, "monitoring-uptime-check")).toMatchObject({ monthlyUsd: 1, basis: "uptime check $1.00" });
        expect(cost.region).toBe("fra1");
        expect(line(cost, "vps-droplet")).toMatchObject({ monthlyUsd: 28.8, basis: "s-2vcpu-4gb $24.00 + weekly backups 20% × $24.00 + 100 GB out within the 4000 GB included" });
        expect(line(cost, "vps-ip").basis).toMatch(/^no charge: reserved IPs are free while assigned/);
        expect(line(cost, "vps-dns").basis).toMatch(/^no charge: DNS hosting has no charge/);
        expect(cost.notPriced).toEqual([]);
    });

    it("bills transfer and Spaces storage beyond what is included", () => {
        const cost = estimateCost(stacks.dev.graph, { dataTransferOutGb: 5000, backupStorageGb: 400 });
        // 28.80 + (5,000 − 4,000) GB × 0.01
        expect(line(cost, "vps-droplet").monthlyUsd).toBe(38.8);
        // 5 + (400 − 250) GB × 0.02
        expect(line(cost, "backups-bucket").monthlyUsd).toBe(8);
        expect(cost.monthlyUsd).toBeCloseTo(38.8 + 5 + 8 + 1, 2);
    });
});

describe("local (Docker on this machine)", () => {
    it("costs nothing, and says why for every resource", () => {
        const { graph, cost } = stacks.local;
        expect(cost.monthlyUsd).toBe(0);
        expect(cost.region).toBe("local");
        expect(cost.notPriced).toEqual([]);
        expect(cost.lines).toHaveLength(graph.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).length);
        expect(line(cost, "web-edge").basis).toMatch(/^no charge: runs on the Docker host/);
    });
});
