import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { renderDiagram } from "../../offline/diagram";
import { Graph } from "../../offline/graph";
import { DIAGRAM_DOC, DIAGRAM_STACKS, REGENERATE_COMMAND, readDiagramBlock, writeDiagramBlock } from "../../offline/doc-diagrams";
import type { RecordedResource } from "../../offline/recorder";
import { type OfflineRun, runOffline } from "../../offline/run";
import { escapeLabelText, toMermaid } from "../../offline/topology/mermaid";
import { TopologyBuilder, safeId } from "../../offline/topology/model";
import { type ParsedEdge, type ParsedFlowchart, type ParsedNode, parseFlowchart } from "../helpers/mermaid-subset";

const runs: Record<string, OfflineRun> = {};
beforeAll(async () => {
    for (const stack of ["prod", "dev", "local"]) runs[stack] = await runOffline({ stack });
});

const diagram = (graph: Graph): ParsedFlowchart => parseFlowchart(renderDiagram(graph));

/** The one node whose first label line matches. */
function node(fc: ParsedFlowchart, firstLine: RegExp): ParsedNode {
    const found = [...fc.nodes.values()].filter((n) => firstLine.test(n.lines[0]));
    if (found.length !== 1) throw new Error(`expected one node whose label starts ${firstLine}, found ${found.map((n) => n.id).join(", ") || "none"}`);
    return found[0];
}
const titlesAround = (fc: ParsedFlowchart, n: ParsedNode): string[] => n.ancestors.map((g) => fc.groups.get(g)!.title);
/** The one node whose first label line matches inside the component group titled `component`. */
function nodeIn(fc: ParsedFlowchart, firstLine: RegExp, component: string): ParsedNode {
    const found = [...fc.nodes.values()].filter((n) => firstLine.test(n.lines[0]) && titlesAround(fc, n)[0] === component);
    if (found.length !== 1) throw new Error(`expected one node whose label starts ${firstLine} in ${component}, found ${found.length}`);
    return found[0];
}
const edge = (fc: ParsedFlowchart, from: ParsedNode, to: ParsedNode): ParsedEdge | undefined => fc.edges.find((e) => e.from === from.id && e.to === to.id);
const edgesFrom = (fc: ParsedFlowchart, from: ParsedNode): ParsedEdge[] => fc.edges.filter((e) => e.from === from.id);

/** The graph with some resources replaced, removed or added (records are copied, not mutated). */
function edited(graph: Graph, edit: (rs: RecordedResource[]) => RecordedResource[]): Graph {
    return new Graph(edit(graph.resources.map((r) => ({ ...r, inputs: { ...r.inputs }, propertyDependencies: { ...r.propertyDependencies } }))));
}
const named = (rs: RecordedResource[], name: string): RecordedResource => {
    const r = rs.find((x) => x.name === name);
    if (!r) throw new Error(`no resource ${name}`);
    return r;
};

describe("npm run plan -- --diagram", () => {
    it("prints the stack's diagram (and nothing else) on stdout", () => {
        const r = spawnSync(process.execPath, ["scripts/launch.js", "plan", "--stack", "dev", "--diagram"], {
            cwd: resolve(__dirname, "../.."),
            encoding: "utf8",
            timeout: 120_000,
        });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toBe(renderDiagram(runs.dev.graph));
        expect(() => parseFlowchart(r.stdout)).not.toThrow();
    });
});

describe("generated topology diagrams in docs/architecture.md", () => {
    const doc = readFileSync(resolve(__dirname, "../..", DIAGRAM_DOC), "utf8");

    it.each(DIAGRAM_STACKS.map((s) => [s]))("the %s block is what the current graph renders", (stack) => {
        const rendered = renderDiagram(runs[stack].graph);
        expect(readDiagramBlock(doc, stack), `${DIAGRAM_DOC}'s ${stack} diagram is stale: run \`${REGENERATE_COMMAND}\` and commit ${DIAGRAM_DOC}`).toBe(rendered);
    });

    it("rewrites only between a stack's markers", () => {
        const doc = "# T\n\n<!-- diagram:prod:start -->\nold\n<!-- diagram:prod:end -->\n\nafter\n";
        const out = writeDiagramBlock(doc, "prod", "flowchart LR\n  a[\"x\"]\n");
        expect(out).toBe('# T\n\n<!-- diagram:prod:start -->\n```mermaid\nflowchart LR\n  a["x"]\n```\n<!-- diagram:prod:end -->\n\nafter\n');
        expect(readDiagramBlock(out, "prod")).toBe('flowchart LR\n  a["x"]\n');
        expect(() => readDiagramBlock(doc, "dev")).toThrow(/no <!-- diagram:dev:start -->/);
    });
});

describe("prod (aws) diagram", () => {
    let fc: ParsedFlowchart;
    beforeAll(() => {
        fc = diagram(runs.prod.graph);
    });

    it("has the edge, app, data and backup nodes, each inside its component", () => {
        expect(titlesAround(fc, node(fc, /^Application Load Balancer$/))[0]).toBe("WebTier web");
        expect(titlesAround(fc, node(fc, /^WAF web ACL$/))[0]).toBe("WebTier web");
        expect(titlesAround(fc, node(fc, /^ECS Fargate service$/))[0]).toBe("WebTier web");
        expect(titlesAround(fc, node(fc, /^RDS postgres 16$/))[0]).toBe("Database db");
        expect(titlesAround(fc, node(fc, /^ElastiCache valkey/))[0]).toBe("Cache cache");
        expect(titlesAround(fc, node(fc, /^S3 bucket backups-bucket$/))[0]).toBe("BackupBucket backups");
        expect(node(fc, /^CloudWatch alarms ×\d+$/)).toBeDefined();
        expect(node(fc, /^SNS topic/)).toBeDefined();
    });

    it("puts the data tier in the isolated subnets, the service in the private ones, the ALB in the public ones, all in the VPC", () => {
        const tier = (n: ParsedNode): string => titlesAround(fc, n)[1];
        for (const data of [node(fc, /^RDS /), node(fc, /^ElastiCache /)]) {
            expect(tier(data)).toMatch(/^Isolated subnets ×3 · 3 AZs .* · no route to the internet$/);
            expect(titlesAround(fc, data)[2]).toMatch(/^VPC net-vpc · 10\.20\.0\.0\/16/);
        }
        expect(tier(node(fc, /^ECS Fargate service$/))).toMatch(/^Private subnets ×3 .* 0\.0\.0\.0\/0 → NAT gateway$/);
        expect(tier(node(fc, /^Application Load Balancer/))).toMatch(/^Public subnets ×3 .* 0\.0\.0\.0\/0 → internet gateway$/);
        // Outside the VPC: the regional services.
        expect(titlesAround(fc, node(fc, /^S3 bucket backups-bucket/))).toEqual(["BackupBucket backups"]);
    });

    it("draws the traffic path internet → WAF → ALB → service → database and cache, with ports", () => {
        const internet = node(fc, /^Internet$/);
        const [waf, alb, svc, db, cache] = [/^WAF/, /^Application Load/, /^ECS Fargate service$/, /^RDS /, /^ElastiCache /].map((re) => node(fc, re));
        expect(edge(fc, internet, waf)).toMatchObject({ style: "solid", label: "TCP 80, 443" });
        expect(edge(fc, waf, alb)).toMatchObject({ style: "solid" });
        expect(edge(fc, alb, svc)).toMatchObject({ style: "solid", label: "HTTP 8080 · health /health" });
        expect(edge(fc, svc, db)).toMatchObject({ style: "solid", label: "TCP 5432 · postgres" });
        expect(edge(fc, svc, cache)).toMatchObject({ style: "solid", label: "TCP 6379 · valkey, TLS" });
        const nat = node(fc, /^NAT gateway ×3$/);
        expect(edge(fc, svc, nat)).toMatchObject({ label: "TCP 443 out" });
        expect(edge(fc, nat, internet)).toBeDefined();
    });

    it("has no edge from the internet to anything but the WAF", () => {
        expect(edgesFrom(fc, node(fc, /^Internet$/)).map((e) => fc.nodes.get(e.to)!.lines[0])).toEqual(["WAF web ACL"]);
    });

    it("draws the data flows: metrics → alarms → SNS → subscribers, secrets → service, access logs → bucket", () => {
        const alarms = node(fc, /^CloudWatch alarms/);
        const sns = node(fc, /^SNS topic/);
        for (const watched of [/^RDS /, /^ElastiCache /, /^Application Load/, /^ECS Fargate service$/, /^S3 bucket backups-bucket/]) {
            expect(edge(fc, node(fc, watched), alarms), String(watched)).toMatchObject({ style: "dotted", label: "metrics" });
        }
        expect(edge(fc, alarms, sns)).toMatchObject({ style: "dotted", label: "alarm actions" });
        expect(edge(fc, sns, node(fc, /^Subscribers$/))).toMatchObject({ style: "dotted", label: "email" });
        // Each component's own secrets, and the database's per-role credentials, reach the tasks that use them.
        const [webSecrets, jobSecrets, dbSecrets] = ["WebTier web", "BackupBucket backups", "Database db"].map((c) => nodeIn(fc, /^Secrets Manager ×\d+$/, c));
        expect(edge(fc, webSecrets, node(fc, /^ECS Fargate service$/))).toMatchObject({ style: "dotted" });
        expect(edge(fc, jobSecrets, node(fc, /^ECS Fargate scheduled task$/))).toMatchObject({ style: "dotted", label: "injected at task start" });
        for (const task of [/^ECS Fargate service$/, /^ECS Fargate scheduled task$/]) {
            expect(edge(fc, dbSecrets, node(fc, task)), String(task)).toMatchObject({ style: "dotted", label: "injected at task start" });
        }
        expect(edge(fc, node(fc, /^Application Load/), node(fc, /^S3 bucket web-access-logs/))).toMatchObject({ style: "dotted", label: "access logs" });
    });

    it("draws the backup job where it runs: in the private subnets, reaching the database and, through NAT, HTTPS; writing to the bucket on its schedule", () => {
        const job = node(fc, /^ECS Fargate scheduled task$/);
        expect(titlesAround(fc, job)[0]).toBe("BackupBucket backups");
        expect(titlesAround(fc, job)[1]).toMatch(/^Private subnets ×3 .* 0\.0\.0\.0\/0 → NAT gateway$/);
        expect(job.lines).toEqual([
            "ECS Fargate scheduled task",
            // The backup image, by digest (shortened for the picture), from the job's ECR repository.
            expect.stringMatching(/^ECR backups-job-images-[0-9a-f]+@sha256:[0-9a-f]{12}…$/),
            "1 task per run · 256 CPU units, 512 MiB",
            "cron(17 3 * * ? *) UTC",
        ]);
        expect(edge(fc, job, node(fc, /^RDS /))).toMatchObject({ style: "solid", label: "TCP 5432 · postgres" });
        expect(edge(fc, job, node(fc, /^ElastiCache /))).toBeUndefined();
        expect(edge(fc, job, node(fc, /^NAT gateway ×3$/))).toMatchObject({ label: "TCP 443 out" });
        expect(edge(fc, job, node(fc, /^S3 bucket backups-bucket/))).toMatchObject({ style: "dotted", label: "backups · cron(17 3 * * ? *) UTC" });
        // Nothing reaches the job: it has no ingress.
        expect(fc.edges.filter((e) => e.to === job.id && e.style === "solid")).toEqual([]);
        // The bucket has a writer now.
        expect(node(fc, /^S3 bucket backups-bucket/).lines.join(" ")).not.toContain("no backup writer");
    });

    it("derives flows from the security-group rules, not from a fixed picture", () => {
        // Without the database's ingress rule, the service no longer reaches it.
        const closed = diagram(edited(runs.prod.graph, (rs) => rs.filter((r) => r.name !== "web-store-db-in-tasks")));
        expect(edge(closed, node(closed, /^ECS Fargate service$/), node(closed, /^RDS /))).toBeUndefined();
        expect(edge(closed, node(closed, /^ECS Fargate service$/), node(closed, /^ElastiCache /))).toBeDefined();
        // A rule opening the database to the world shows up as an edge from the internet.
        const opened = diagram(
            edited(runs.prod.graph, (rs) => {
                const model = named(rs, "web-store-db-in-tasks");
                const open: RecordedResource = {
                    ...model,
                    urn: model.urn.replace(/::web-store-db-in-tasks$/, "::db-open-to-world"),
                    name: "db-open-to-world",
                    inputs: { cidrIpv4: "0.0.0.0/0", fromPort: 5432, toPort: 5432, ipProtocol: "tcp" },
                    propertyDependencies: { securityGroupId: model.propertyDependencies.securityGroupId },
                };
                return [...rs, open];
            }),
        );
        expect(edge(opened, node(opened, /^Internet$/), node(opened, /^RDS /))).toMatchObject({ label: "TCP 5432 · postgres" });
    });
});

describe("dev (vps) diagram", () => {
    let fc: ParsedFlowchart;
    beforeAll(() => {
        fc = diagram(runs.dev.graph);
    });

    it("has the edge, app, data and backup nodes, each inside its component", () => {
        expect(titlesAround(fc, node(fc, /^dev-edge$/))[0]).toBe("WebTier web");
        expect(titlesAround(fc, node(fc, /^web-app ×2$/))[0]).toBe("WebTier web");
        expect(titlesAround(fc, node(fc, /^dev-postgres$/))[0]).toBe("Database db");
        expect(titlesAround(fc, node(fc, /^dev-redis$/))[0]).toBe("Cache cache");
        expect(titlesAround(fc, node(fc, /^dev-backup$/))[0]).toBe("BackupBucket backups");
        expect(titlesAround(fc, node(fc, /^Spaces bucket backups-bucket$/))).toEqual(["BackupBucket backups"]);
    });

    it("puts the data tier on the internal Docker network, on the droplet, behind the cloud firewall", () => {
        for (const data of [node(fc, /^dev-postgres$/), node(fc, /^dev-redis$/)]) {
            const [, network, droplet, firewall] = titlesAround(fc, data);
            expect(network).toBe("Docker network dev-data · internal: no route out");
            expect(droplet).toMatch(/^Droplet dev-vps-[0-9a-f]+ · s-2vcpu-4gb · fra1/);
            expect(firewall).toMatch(/^Cloud firewall .* · in: TCP 80, 443 from anywhere; TCP 22 from 1 address$/);
        }
        expect(titlesAround(fc, node(fc, /^dev-edge$/))[1]).toBe("Docker network dev-edge · bridge, outbound allowed");
        // The app is on both networks: it sits on the droplet between them, and says so.
        const app = node(fc, /^web-app ×2$/);
        expect(titlesAround(fc, app)[1]).toMatch(/^Droplet /);
        expect(app.lines).toContain("networks: dev-edge, dev-data");
    });

    it("draws internet → reserved IP → nginx → app → PostgreSQL and Redis, with ports", () => {
        const [internet, ip, edgeNode, app, pg, redis] = [/^Internet$/, /^Reserved IP$/, /^dev-edge$/, /^web-app/, /^dev-postgres$/, /^dev-redis$/].map((re) => node(fc, re));
        expect(ip.lines).toContain("DNS A dev.example.com");
        expect(edge(fc, internet, ip)).toMatchObject({ style: "solid", label: "TCP 80, 443" });
        expect(edge(fc, ip, edgeNode)).toMatchObject({ style: "solid", label: "HTTP 80 · HTTPS 443" });
        expect(edge(fc, edgeNode, app)).toMatchObject({ style: "solid", label: "HTTP 8080" });
        expect(edge(fc, app, pg)).toMatchObject({ style: "solid", label: "PostgreSQL 5432" });
        expect(edge(fc, app, redis)).toMatchObject({ style: "solid", label: "Redis 6379" });
    });

    it("has no edge from outside the droplet into the data network", () => {
        const outside = [/^Internet$/, /^Reserved IP$/, /^Operators$/].map((re) => node(fc, re));
        for (const from of outside) {
            for (const e of edgesFrom(fc, from)) {
                const to = fc.nodes.get(e.to);
                if (to) expect(titlesAround(fc, to), `${from.id} → ${to.id}`).not.toContain("Docker network dev-data · internal: no route out");
            }
        }
        expect(edgesFrom(fc, node(fc, /^Internet$/)).map((e) => e.to)).toEqual([node(fc, /^Reserved IP$/).id]);
    });

    it("draws the data flows: dump → backup job → Spaces, metrics → Prometheus → Alertmanager, SSH tunnels", () => {
        const backup = node(fc, /^dev-backup$/);
        expect(edge(fc, node(fc, /^dev-postgres$/), backup)).toMatchObject({ style: "dotted", label: "PostgreSQL 5432" });
        expect(edge(fc, backup, node(fc, /^Spaces bucket/))).toMatchObject({ style: "dotted", label: "restic · S3 API over HTTPS · cron 17 3 * * *" });
        const prometheus = node(fc, /^dev-prometheus$/);
        for (const [exporter, port] of [["dev-node-exporter", 9100], ["dev-postgres-exporter", 9187], ["dev-redis-exporter", 9121], ["dev-nginx-exporter", 9113]] as const) {
            expect(edge(fc, node(fc, new RegExp(`^${exporter}$`)), prometheus), exporter).toMatchObject({ style: "dotted", label: `metrics · HTTP ${port}` });
        }
        expect(edge(fc, node(fc, /^web-app/), prometheus)).toMatchObject({ label: "metrics · HTTP 8080" });
        expect(edge(fc, prometheus, node(fc, /^dev-alertmanager$/))).toMatchObject({ style: "dotted", label: "alerts · HTTP 9093" });
        expect(edge(fc, node(fc, /^Operators$/), node(fc, /^dev-grafana$/))).toMatchObject({ style: "solid", label: "SSH tunnel → 127.0.0.1:3000" });
        expect(fc.edges.find((e) => e.from === node(fc, /^Operators$/).id && fc.groups.get(e.to)?.title.startsWith("Droplet "))).toMatchObject({ label: "SSH 22" });
    });

    it("derives reachability from the firewall and the networks, not from a fixed picture", () => {
        // The firewall no longer admits 443: only port 80 reaches nginx.
        const no443 = diagram(
            edited(runs.dev.graph, (rs) => {
                const fw = named(rs, "vps-firewall");
                fw.inputs.inboundRules = (fw.inputs.inboundRules as { portRange: string }[]).filter((r) => r.portRange !== "443");
                return rs;
            }),
        );
        expect(edge(no443, node(no443, /^Reserved IP$/), node(no443, /^dev-edge$/))).toMatchObject({ label: "HTTP 80" });
        // PostgreSQL also joined to the edge network leaves the internal network's box.
        const exposed = diagram(
            edited(runs.dev.graph, (rs) => {
                const pg = named(rs, "db-postgres");
                const edgeNet = named(rs, "network-edge");
                pg.inputs.networksAdvanced = [...(pg.inputs.networksAdvanced as object[]), { name: edgeNet.inputs.name }];
                pg.propertyDependencies.networksAdvanced = [...pg.propertyDependencies.networksAdvanced, edgeNet.urn];
                return rs;
            }),
        );
        const pg = node(exposed, /^dev-postgres$/);
        expect(titlesAround(exposed, pg)).not.toContain("Docker network dev-data · internal: no route out");
        expect(pg.lines).toContain("networks: dev-data, dev-edge");
    });
});

describe("local diagram", () => {
    it("keeps the data tier internal and reaches nginx from this machine over loopback", () => {
        const fc = diagram(runs.local.graph);
        expect(titlesAround(fc, node(fc, /^local-postgres$/))[1]).toBe("Docker network local-data · internal: no route out");
        expect(titlesAround(fc, node(fc, /^local-postgres$/))[2]).toBe("Docker host · local daemon");
        expect(edge(fc, node(fc, /^This machine$/), node(fc, /^local-edge$/))).toMatchObject({ label: "HTTP 127.0.0.1:8080 → 80 · HTTPS 127.0.0.1:8443 → 443" });
        expect(edge(fc, node(fc, /^local-backup$/), node(fc, /^restic repository$/))).toMatchObject({ style: "dotted" });
        expect([...fc.nodes.values()].some((n) => /^Internet$/.test(n.lines[0]))).toBe(false);
    });
});

describe("diagram text", () => {
    it("escapes every character that would end or change a quoted label", () => {
        expect(escapeLabelText(`a "b" <c> #d; e & f | g \`h\`\nnext`)).toBe("a #quot;b#quot; #lt;c#gt; #35;d; e #amp; f #124; g #96;h#96; next");
    });

    it("round-trips hostile labels and names through the strict reader", () => {
        const hostile = [`say "hi" <b>bold</b>`, "50% | #1; & `tick`", "end", "line\nbreak"];
        const b = new TopologyBuilder();
        const g = b.group({ id: safeId("g", "end"), title: hostile[0], kind: "boundary" });
        const ids = hostile.map((h, i) => b.node({ id: safeId("n", `${h} ${i}`), lines: [h, "x"], shape: "box", group: i % 2 ? g : undefined }));
        b.edge(ids[0], ids[1], "traffic", hostile[1]);
        b.edge(ids[2], g, "data", hostile[2]);
        const fc = parseFlowchart(toMermaid(b.build()));
        expect(ids.map((id) => fc.nodes.get(id)!.lines[0])).toEqual(hostile.map((h) => h.replace(/\n/g, " ")));
        expect(fc.groups.get(g)!.title).toBe(hostile[0]);
        expect(fc.edges.map((e) => e.label).sort()).toEqual([hostile[1], hostile[2]].sort());
        expect([...fc.nodes.keys()].every((id) => /^n_[A-Za-z0-9_]+$/.test(id))).toBe(true);
    });

    it("is the same text whatever order the graph lists resources in", () => {
        for (const stack of ["prod", "dev"]) {
            const reversed = new Graph([...runs[stack].graph.resources].reverse());
            expect(renderDiagram(reversed)).toBe(renderDiagram(runs[stack].graph));
        }
    });

    it("never prints a secret value", () => {
        for (const stack of ["prod", "dev", "local"]) expect(renderDiagram(runs[stack].graph)).not.toMatch(/offline-[0-9a-f]{8}/);
    });

    it("the strict reader rejects what Mermaid would misread", () => {
        expect(() => parseFlowchart('flowchart LR\n  a["say "hi""]\n')).toThrow(/not in the emitted Mermaid subset/);
        expect(() => parseFlowchart('flowchart LR\n  a["x"]\n  a --> b\n')).toThrow(/b is not declared/);
        expect(() => parseFlowchart('flowchart LR\n  subgraph g["t"]\n    a["x"]\n')).toThrow(/never closed/);
        expect(() => parseFlowchart('flowchart LR\n  end["x"]\n')).toThrow(/keyword/);
        expect(() => parseFlowchart('flowchart LR\n  a["1 #2 <i>"]\n')).toThrow(/not in the emitted Mermaid subset/);
    });
});
