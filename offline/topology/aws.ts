import type { RecordedResource } from "../recorder";
import { GraphIndex, plain, text } from "./index-graph";
import { type NodeShape, TopologyBuilder, safeId } from "./model";
import { type PortRange, formatPorts, isWorld } from "./ports";

/**
 * The AWS part of a topology, read from the recorded graph.
 *
 * Which resources become nodes: the ones a reader of the architecture looks for (load
 * balancer, WAF, ECS service, database, cache, buckets, NAT gateways, VPC endpoints, secrets,
 * alarms, the alarm topic, the dashboard, schedules that start ECS tasks). NAT gateways, secrets and alarms are drawn once per
 * component with a count. Not drawn: IAM, KMS keys, log groups, route tables and
 * associations, subnet and parameter groups, listeners, target groups, rules and policies;
 * they are read to place nodes and label edges instead.
 *
 * Boundaries: the VPC, and inside it one group per subnet tier. A subnet's tier comes from its
 * route table's default route: to an internet gateway (public), to a NAT gateway (private),
 * or none (isolated). A resource sits in the tier of the subnets it is placed in (directly or
 * through a subnet group).
 *
 * Flows: security-group ingress rules give the traffic edges (a rule referencing another group
 * connects that group's members; a rule open to 0.0.0.0/0 or ::/0 connects the internet);
 * listeners and target groups name the protocol between the load balancer and the service;
 * a WAF association puts the web ACL in front of its load balancer; world-open egress leaves
 * through the NAT gateway of the member's subnets. Data flows: alarm dimensions (metrics →
 * CloudWatch alarms), alarm actions (→ SNS) and subscriptions, load-balancer access logs,
 * task secrets, and backup writers named in a bucket policy.
 */

const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    route: "aws:ec2/route:Route",
    igw: "aws:ec2/internetGateway:InternetGateway",
    nat: "aws:ec2/natGateway:NatGateway",
    endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    flowLog: "aws:ec2/flowLog:FlowLog",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    lb: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
    listener: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
    targetGroup: ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"],
    waf: "aws:wafv2/webAcl:WebAcl",
    wafAssociation: "aws:wafv2/webAclAssociation:WebAclAssociation",
    service: "aws:ecs/service:Service",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    schedule: "aws:scheduler/schedule:Schedule",
    scalingTarget: "aws:appautoscaling/target:Target",
    rds: ["aws:rds/instance:Instance", "aws:rds/cluster:Cluster"],
    subnetGroup: ["aws:rds/subnetGroup:SubnetGroup", "aws:elasticache/subnetGroup:SubnetGroup"],
    cache: ["aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/cluster:Cluster"],
    bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    bucketVersioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
    bucketEncryption: ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"],
    bucketLifecycle: ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"],
    role: "aws:iam/role:Role",
    secret: "aws:secretsmanager/secret:Secret",
    topic: "aws:sns/topic:Topic",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    dashboard: "aws:cloudwatch/dashboard:Dashboard",
} as const;

const is = (r: RecordedResource, types: string | readonly string[]): boolean => (typeof types === "string" ? r.type === types : types.includes(r.type));

type Tier = "public" | "private" | "isolated";
const TIER_ORDER: Tier[] = ["public", "private", "isolated"];

const INTERNET = "n_internet";

export function awsTopology(index: GraphIndex, b: TopologyBuilder): void {
    if (index.ofType(T.vpc).length === 0 && index.graph.resources.every((r) => !r.type.startsWith("aws:"))) return;
    const nodeOf = new Map<string, string>(); // resource URN → node id
    const placement = placeResources(index, b);

    // ---- nodes -----------------------------------------------------------------------------
    const add = (r: RecordedResource, shape: NodeShape, lines: string[]): void => {
        const id = safeId("n", r.name);
        b.node({ id, lines, shape, group: b.componentGroup(placement.boundaryOf(r), index.componentOf(r)) });
        nodeOf.set(r.urn, id);
    };
    /** One node per component (and boundary) for a type drawn with a count. */
    const addCollapsed = (rs: RecordedResource[], shape: NodeShape, title: (n: number, members: RecordedResource[]) => string[]): void => {
        const buckets = new Map<string, RecordedResource[]>();
        for (const r of rs) {
            const key = `${index.componentOf(r)?.name ?? "stack"}|${placement.boundaryOf(r) ?? "top"}`;
            buckets.set(key, [...(buckets.get(key) ?? []), r]);
        }
        const perComponent = new Map<string, number>();
        for (const key of buckets.keys()) perComponent.set(key.split("|")[0], (perComponent.get(key.split("|")[0]) ?? 0) + 1);
        for (const [key, members] of buckets) {
            const [component, boundary] = key.split("|");
            const kind = members[0].type.split(":").pop()!.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
            // The boundary joins the id only when one component has such resources in several.
            const id = safeId("n", [component, `${kind}s`, perComponent.get(component)! > 1 ? boundary : undefined].filter(Boolean).join("_"));
            b.node({ id, lines: title(members.length, members), shape, group: b.componentGroup(placement.boundaryOf(members[0]), index.componentOf(members[0])) });
            for (const m of members) nodeOf.set(m.urn, id);
        }
    };

    for (const lb of index.ofType(...T.lb)) add(lb, "box", loadBalancerLines(index, lb));
    for (const waf of index.ofType(T.waf)) add(waf, "box", wafLines(waf));
    for (const svc of index.ofType(T.service)) add(svc, "box", serviceLines(index, svc));
    // A scheduled task is drawn where it runs (its subnets and security groups are the schedule's inputs).
    for (const sched of index.ofType(T.schedule).filter((x) => index.refsOfType(x, T.taskDefinition, "target").length > 0)) add(sched, "box", scheduledTaskLines(index, sched));
    for (const db of index.ofType(...T.rds)) add(db, "cylinder", databaseLines(db));
    for (const c of index.ofType(...T.cache)) add(c, "cylinder", cacheLines(c));
    for (const bucket of index.ofType(...T.bucket)) add(bucket, "cylinder", bucketLines(index, bucket));
    for (const ep of index.ofType(T.endpoint)) add(ep, "box", [`VPC endpoint: ${String(text(ep, "serviceName") ?? "").split(".").pop()}`, `${text(ep, "vpcEndpointType") ?? "Gateway"} type`]);
    for (const topic of index.ofType(T.topic)) add(topic, "box", [`SNS topic ${topic.name}`, ...(plain(topic, "kmsMasterKeyId") ? ["KMS-encrypted"] : [])]);
    for (const d of index.ofType(T.dashboard)) add(d, "box", ["CloudWatch dashboard"]);
    const nats = index.ofType(T.nat);
    addCollapsed(nats, "box", (n, members) => [`NAT gateway ×${n}`, distinctAzs(index, members) === n && n > 1 ? "one per AZ" : `${distinctAzs(index, members)} AZ`]);
    addCollapsed(index.ofType(T.secret), "box", (n) => [`Secrets Manager ×${n}`]);
    addCollapsed(index.ofType(T.alarm), "box", (n) => [`CloudWatch alarms ×${n}`]);

    const node = (r: RecordedResource | undefined): string | undefined => (r ? nodeOf.get(r.urn) : undefined);
    const ensureInternet = (): string => {
        if (!b.hasNode(INTERNET)) b.node({ id: INTERNET, lines: ["Internet"], shape: "circle" });
        return INTERNET;
    };

    // ---- traffic: security-group rules, target groups, WAF, NAT ------------------------------
    const membersOf = (sg: RecordedResource): string[] =>
        [...nodeOf.entries()].filter(([urn]) => index.refsOfType(index.get(urn)!, T.sg).includes(sg)).map(([, id]) => id);
    const wafFor = new Map<string, string>(); // load balancer node → WAF node
    for (const a of index.ofType(T.wafAssociation)) {
        const lb = node(index.refs(a, "resourceArn")[0]);
        const waf = node(index.refs(a, "webAclArn")[0]);
        if (lb && waf) wafFor.set(lb, waf);
    }
    const targetGroupLabel = targetGroupLabels(index, node);

    const allowed = new Map<string, { from: string; to: string; ranges: PortRange[] }>();
    const allow = (from: string, to: string, range: PortRange): void => {
        const key = `${from}→${to}`;
        const entry = allowed.get(key) ?? { from, to, ranges: [] };
        entry.ranges.push(range);
        allowed.set(key, entry);
    };
    for (const rule of ingressRules(index)) {
        const targets = membersOf(rule.group);
        const sources = rule.source ? membersOf(rule.source) : rule.world ? [ensureInternet()] : [];
        for (const to of targets) for (const from of sources) allow(from, to, rule.range);
    }
    for (const { from, to, ranges } of allowed.values()) {
        const toResource = resourceOfNode(nodeOf, index, to);
        const specific = targetGroupLabel.get(`${from}→${to}`);
        const hint = toResource ? engineHint(toResource) : undefined;
        const portLabel = specific ?? [formatPorts(ranges), hint].filter(Boolean).join(" · ");
        const waf = wafFor.get(to);
        if (from === INTERNET && waf) {
            b.edge(from, waf, "traffic", portLabel);
            b.edge(waf, to, "traffic", "allowed requests");
        } else b.edge(from, to, "traffic", portLabel);
    }
    for (const [pair, lbl] of targetGroupLabel) {
        const [from, to] = pair.split("→");
        if (!allowed.has(pair)) b.edge(from, to, "traffic", lbl);
    }
    // World-open egress leaves through the default route of the member's subnets.
    for (const rule of egressRules(index)) {
        for (const member of membersOf(rule.group)) {
            const r = resourceOfNode(nodeOf, index, member);
            const via = r ? placement.defaultRouteOf(r) : undefined;
            if (!via) continue;
            const hop = via.nat ? node(via.nat) : undefined;
            if (hop) {
                b.edge(member, hop, "traffic", `${formatPorts([rule.range])} out`);
                b.edge(hop, ensureInternet(), "traffic", "egress");
            } else if (via.igw) b.edge(member, ensureInternet(), "traffic", `${formatPorts([rule.range])} out`);
        }
    }

    // ---- data flows --------------------------------------------------------------------------
    for (const lb of index.ofType(...T.lb)) {
        for (const bucket of index.refs(lb, "accessLogs")) if (node(bucket)) b.edge(node(lb)!, node(bucket)!, "data", "access logs");
    }
    /** The nodes that run a task definition: its services and the schedules that start it. */
    const runnersOf = (td: RecordedResource): string[] =>
        [...index.referrers(td, T.service, "taskDefinition"), ...index.referrers(td, T.schedule, "target")].map(node).filter((x): x is string => !!x);
    for (const td of index.ofType(T.taskDefinition)) {
        const runners = runnersOf(td);
        for (const secret of index.refsOfType(td, T.secret)) for (const s of runners) b.edge(node(secret)!, s, "data", "injected at task start");
    }
    for (const alarm of index.ofType(T.alarm)) {
        const alarms = node(alarm)!;
        for (const watched of index.refs(alarm, "dimensions", "metricQueries")) {
            const n = node(watched);
            if (n && n !== alarms) b.edge(n, alarms, "data", "metrics");
        }
        for (const topic of index.refs(alarm, "alarmActions", "okActions", "insufficientDataActions")) {
            if (node(topic)) b.edge(alarms, node(topic)!, "data", "alarm actions");
        }
    }
    for (const topic of index.ofType(T.topic)) {
        const subs = index.referrers(topic, T.subscription, "topic");
        if (!subs.length) continue;
        const protocols = new Map<string, number>();
        for (const s of subs) protocols.set(text(s, "protocol") ?? "?", (protocols.get(text(s, "protocol") ?? "?") ?? 0) + 1);
        const summary = [...protocols.entries()].sort().map(([p, n]) => `${p} ×${n}`).join(", ");
        const id = b.node({ id: safeId("n", `${topic.name}_subscribers`), lines: ["Subscribers", summary], shape: "stadium" });
        b.edge(node(topic)!, id, "data", [...protocols.keys()].sort().join(", "));
    }
    for (const policy of index.ofType(T.bucketPolicy)) {
        const bucket = node(index.refs(policy, "bucket").find((x) => is(x, T.bucket)));
        if (!bucket) continue;
        for (const role of index.refsOfType(policy, T.role, "policy")) {
            for (const td of index.referrers(role, T.taskDefinition, "taskRoleArn")) {
                for (const svc of index.referrers(td, T.service, "taskDefinition")) if (node(svc)) b.edge(node(svc)!, bucket, "data", "backups");
                for (const sched of index.referrers(td, T.schedule, "target")) {
                    const expression = text(sched, "scheduleExpression");
                    if (node(sched)) b.edge(node(sched)!, bucket, "data", ["backups", expression ? `${expression} ${text(sched, "scheduleExpressionTimezone") ?? "UTC"}` : undefined].filter(Boolean).join(" · "));
                }
            }
        }
    }
}

// ---- placement -------------------------------------------------------------------------------

interface Placement {
    boundaryOf(r: RecordedResource): string | undefined;
    defaultRouteOf(r: RecordedResource): { igw?: RecordedResource; nat?: RecordedResource } | undefined;
}

function placeResources(index: GraphIndex, b: TopologyBuilder): Placement {
    const tierOf = new Map<string, Tier>(); // subnet URN → tier
    const routeOf = new Map<string, { igw?: RecordedResource; nat?: RecordedResource }>();
    const vpcOfSubnet = new Map<string, RecordedResource>();
    for (const subnet of index.ofType(T.subnet)) {
        const vpc = index.refsOfType(subnet, T.vpc, "vpcId")[0];
        if (vpc) vpcOfSubnet.set(subnet.urn, vpc);
        const tables = index.referrers(subnet, T.routeTableAssociation, "subnetId").flatMap((a) => index.refs(a, "routeTableId"));
        const defaults = index.ofType(T.route).filter((r) => text(r, "destinationCidrBlock") === "0.0.0.0/0" && index.refs(r, "routeTableId").some((t) => tables.includes(t)));
        const igw = defaults.flatMap((r) => index.refsOfType(r, T.igw, "gatewayId"))[0];
        const nat = defaults.flatMap((r) => index.refsOfType(r, T.nat, "natGatewayId"))[0];
        tierOf.set(subnet.urn, igw ? "public" : nat ? "private" : "isolated");
        routeOf.set(subnet.urn, { igw, nat });
    }
    const vpcGroup = (vpc: RecordedResource): string => {
        const flowLogs = index.referrers(vpc, T.flowLog, "vpcId").length > 0;
        return b.group({ id: safeId("g", vpc.name), title: [`VPC ${vpc.name}`, text(vpc, "cidrBlock"), flowLogs ? "flow logs" : undefined].filter(Boolean).join(" · "), kind: "boundary" });
    };
    const tierGroup = (vpc: RecordedResource, tier: Tier): string => {
        const subnets = [...tierOf.entries()].filter(([urn, t]) => t === tier && vpcOfSubnet.get(urn) === vpc).map(([urn]) => index.get(urn)!);
        const azs = [...new Set(subnets.map((s) => text(s, "availabilityZone")).filter(Boolean))].sort();
        const route = { public: "0.0.0.0/0 → internet gateway", private: "0.0.0.0/0 → NAT gateway", isolated: "no route to the internet" }[tier];
        const name = { public: "Public", private: "Private", isolated: "Isolated" }[tier];
        return b.group({
            id: safeId("g", `${vpc.name}_${tier}`),
            title: `${name} subnets ×${subnets.length} · ${azs.length} AZ${azs.length === 1 ? "" : "s"} (${azs.join(", ")}) · ${route}`,
            kind: "boundary",
            parent: vpcGroup(vpc),
        });
    };
    // Declared in a fixed order so the output does not depend on which resource came first.
    for (const vpc of index.ofType(T.vpc)) {
        vpcGroup(vpc);
        for (const tier of TIER_ORDER) if ([...tierOf.entries()].some(([u, t]) => t === tier && vpcOfSubnet.get(u) === vpc)) tierGroup(vpc, tier);
    }

    const subnetsOf = (r: RecordedResource): RecordedResource[] => {
        const direct = index.refsOfType(r, T.subnet);
        const viaGroups = index.refs(r).filter((x) => is(x, T.subnetGroup)).flatMap((g) => index.refsOfType(g, T.subnet));
        return [...new Set([...direct, ...viaGroups])];
    };
    return {
        boundaryOf(r) {
            const subnets = subnetsOf(r);
            if (subnets.length) {
                const vpc = vpcOfSubnet.get(subnets[0].urn);
                const tiers = new Set(subnets.map((s) => tierOf.get(s.urn)));
                if (!vpc) return undefined;
                return tiers.size === 1 ? tierGroup(vpc, [...tiers][0]!) : vpcGroup(vpc);
            }
            const vpc = index.refsOfType(r, T.vpc)[0];
            return vpc ? vpcGroup(vpc) : undefined;
        },
        defaultRouteOf(r) {
            const routes = subnetsOf(r).map((s) => routeOf.get(s.urn)).filter((x) => x && (x.igw || x.nat));
            return routes[0];
        },
    };
}

const distinctAzs = (index: GraphIndex, nats: RecordedResource[]): number =>
    new Set(nats.flatMap((n) => index.refsOfType(n, T.subnet, "subnetId")).map((s) => text(s, "availabilityZone"))).size;

const resourceOfNode = (nodeOf: Map<string, string>, index: GraphIndex, id: string): RecordedResource | undefined => {
    const urn = [...nodeOf.entries()].find(([, n]) => n === id)?.[0];
    return index.get(urn);
};

// ---- security-group rules ----------------------------------------------------------------------

interface Rule {
    group: RecordedResource;
    source?: RecordedResource;
    world: boolean;
    range: PortRange;
}

const ruleRange = (r: RecordedResource, protocolKey: string): PortRange => ({
    protocol: String(plain(r, protocolKey) ?? "tcp"),
    from: plain<number>(r, "fromPort"),
    to: plain<number>(r, "toPort"),
});

function ingressRules(index: GraphIndex): Rule[] {
    const rules: Rule[] = [];
    for (const r of index.ofType(T.ingress)) {
        const group = index.refsOfType(r, T.sg, "securityGroupId")[0];
        if (!group) continue;
        const source = index.refsOfType(r, T.sg, "referencedSecurityGroupId")[0];
        const world = [text(r, "cidrIpv4"), text(r, "cidrIpv6")].some((c) => c !== undefined && isWorld(c));
        if (source || world) rules.push({ group, source, world, range: ruleRange(r, "ipProtocol") });
    }
    for (const r of index.ofType(T.sgRule).filter((x) => text(x, "type") === "ingress")) {
        const group = index.refsOfType(r, T.sg, "securityGroupId")[0];
        if (!group) continue;
        const source = index.refsOfType(r, T.sg, "sourceSecurityGroupId")[0];
        const cidrs = [...(plain<string[]>(r, "cidrBlocks") ?? []), ...(plain<string[]>(r, "ipv6CidrBlocks") ?? [])];
        if (source || cidrs.some(isWorld)) rules.push({ group, source, world: cidrs.some(isWorld), range: ruleRange(r, "protocol") });
    }
    // Inline rules open to the world (inline rules naming other groups carry ids, not references).
    for (const group of index.ofType(T.sg)) {
        for (const rule of plain<Record<string, unknown>[]>(group, "ingress") ?? []) {
            const cidrs = [...((rule.cidrBlocks as string[]) ?? []), ...((rule.ipv6CidrBlocks as string[]) ?? [])];
            if (cidrs.some(isWorld)) rules.push({ group, world: true, range: { protocol: String(rule.protocol), from: rule.fromPort as number, to: rule.toPort as number } });
        }
    }
    return rules;
}

function egressRules(index: GraphIndex): Rule[] {
    return index
        .ofType(T.egress)
        .filter((r) => [text(r, "cidrIpv4"), text(r, "cidrIpv6")].some((c) => c !== undefined && isWorld(c)))
        .map((r) => ({ group: index.refsOfType(r, T.sg, "securityGroupId")[0], world: true, range: ruleRange(r, "ipProtocol") }))
        .filter((r) => !!r.group);
}

/** `HTTP 8080 · health /health` for each load balancer → service pair joined by a target group. */
function targetGroupLabels(index: GraphIndex, node: (r: RecordedResource | undefined) => string | undefined): Map<string, string> {
    const labels = new Map<string, string>();
    for (const listener of index.ofType(...T.listener)) {
        const lb = node(index.refs(listener, "loadBalancerArn")[0]);
        for (const tg of index.refs(listener, "defaultActions").filter((x) => is(x, T.targetGroup))) {
            const health = plain<{ path?: string }>(tg, "healthCheck")?.path;
            const lbl = [`${text(tg, "protocol") ?? "TCP"} ${plain(tg, "port") ?? ""}`.trim(), health ? `health ${health}` : undefined].filter(Boolean).join(" · ");
            for (const svc of index.referrers(tg, T.service, "loadBalancers")) {
                const to = node(svc);
                if (lb && to) labels.set(`${lb}→${to}`, lbl);
            }
        }
    }
    return labels;
}

/** What speaks on a data store's port: `postgres`, `valkey, TLS`. */
function engineHint(r: RecordedResource): string | undefined {
    if (is(r, T.rds)) return text(r, "engine");
    if (is(r, T.cache)) return [text(r, "engine") ?? "redis", plain(r, "transitEncryptionEnabled") ? "TLS" : undefined].filter(Boolean).join(", ");
    return undefined;
}

// ---- labels --------------------------------------------------------------------------------------

function loadBalancerLines(index: GraphIndex, lb: RecordedResource): string[] {
    const kind = text(lb, "loadBalancerType") === "network" ? "Network Load Balancer" : "Application Load Balancer";
    const lines = [kind, plain(lb, "internal") ? "internal" : "internet-facing"];
    const listeners = index.referrers(lb, T.listener[0], "loadBalancerArn").concat(index.referrers(lb, T.listener[1], "loadBalancerArn"));
    for (const l of listeners.sort((a, b) => Number(plain(a, "port")) - Number(plain(b, "port")))) {
        const action = plain<{ type?: string; redirect?: { protocol?: string; port?: string; statusCode?: string } }[]>(l, "defaultActions")?.[0];
        const head = `${text(l, "protocol")} ${plain(l, "port")}`;
        if (action?.type === "redirect" && action.redirect) {
            lines.push(`${head} → ${String(action.redirect.statusCode ?? "").replace("HTTP_", "")} ${action.redirect.protocol ?? ""} ${action.redirect.port ?? ""}`.trim());
        } else lines.push(`${head} → ${action?.type ?? "forward"}${text(l, "sslPolicy") ? ` (${text(l, "sslPolicy")})` : ""}`);
    }
    return lines;
}

function wafLines(waf: RecordedResource): string[] {
    const rules = plain<{ name?: string; statement?: { rateBasedStatement?: { limit?: number; evaluationWindowSec?: number } } }[]>(waf, "rules") ?? [];
    const lines = ["WAF web ACL"];
    for (const r of rules) {
        const rate = r.statement?.rateBasedStatement;
        lines.push(rate ? `rate limit ${rate.limit} per ${rate.evaluationWindowSec ?? 300} s per IP` : String(r.name));
    }
    return lines;
}

function serviceLines(index: GraphIndex, svc: RecordedResource): string[] {
    const td = index.refsOfType(svc, T.taskDefinition, "taskDefinition")[0];
    const lines = [`ECS ${text(svc, "launchType") === "FARGATE" ? "Fargate " : ""}service`];
    const image = td ? containerImage(td) : undefined;
    if (image) lines.push(image);
    const size = td ? `${text(td, "cpu")} CPU units, ${text(td, "memory")} MiB` : undefined;
    lines.push([`${plain(svc, "desiredCount") ?? "?"} tasks`, size].filter(Boolean).join(" · "));
    const scaling = index.ofType(T.scalingTarget).find((t) => text(t, "serviceNamespace") === "ecs" && String(text(t, "resourceId")).endsWith(`/${text(svc, "name")}`));
    if (scaling) lines.push(`autoscaling ${plain(scaling, "minCapacity")}–${plain(scaling, "maxCapacity")} tasks`);
    const breaker = plain<{ enable?: boolean; rollback?: boolean }>(svc, "deploymentCircuitBreaker");
    if (breaker?.enable) lines.push(`circuit breaker${breaker.rollback ? " + rollback" : ""}`);
    return lines;
}

/** `ECS Fargate scheduled task`, its images, its size and when it runs. */
function scheduledTaskLines(index: GraphIndex, sched: RecordedResource): string[] {
    const td = index.refsOfType(sched, T.taskDefinition, "target")[0];
    const ecs = plain<{ launchType?: string; taskCount?: number }>(sched, "target") as { ecsParameters?: { launchType?: string; taskCount?: number } } | undefined;
    const lines = [`ECS ${ecs?.ecsParameters?.launchType === "FARGATE" ? "Fargate " : ""}scheduled task`];
    const images = td ? containerImages(td).map(shortImage) : [];
    if (images.length) lines.push(images.join(" + "));
    const size = td ? `${text(td, "cpu")} CPU units, ${text(td, "memory")} MiB` : undefined;
    lines.push([`${ecs?.ecsParameters?.taskCount ?? 1} task per run`, size].filter(Boolean).join(" · "));
    const expression = text(sched, "scheduleExpression");
    if (expression) lines.push(`${expression} ${text(sched, "scheduleExpressionTimezone") ?? "UTC"}`);
    return lines;
}

/** An image reference short enough for a label: `ECR <repository>`, and a digest cut to 12 digits. */
const shortImage = (ref: string): string =>
    ref.replace(/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//, "ECR ").replace(/@sha256:([0-9a-f]{12})[0-9a-f]{52}$/, "@sha256:$1…");

/** Every container's image, the essential ones first. */
function containerImages(td: RecordedResource): string[] {
    try {
        const defs = JSON.parse(text(td, "containerDefinitions") ?? "[]") as { image?: string; essential?: boolean }[];
        const ordered = [...defs.filter((d) => d.essential !== false), ...defs.filter((d) => d.essential === false)];
        return [...new Set(ordered.map((d) => d.image).filter((x): x is string => !!x))];
    } catch {
        return [];
    }
}

function containerImage(td: RecordedResource): string | undefined {
    try {
        const defs = JSON.parse(text(td, "containerDefinitions") ?? "[]") as { image?: string; essential?: boolean }[];
        return (defs.find((d) => d.essential) ?? defs[0])?.image;
    } catch {
        return undefined;
    }
}

function databaseLines(db: RecordedResource): string[] {
    const lines = [`RDS ${text(db, "engine")} ${text(db, "engineVersion") ?? ""}`.trim()];
    lines.push([text(db, "instanceClass"), plain(db, "multiAz") ? "Multi-AZ" : "single-AZ"].filter(Boolean).join(" · "));
    const retention = plain<number>(db, "backupRetentionPeriod");
    if (retention) lines.push(`${retention}-day automated backups (RDS-managed)`);
    if (plain(db, "storageEncrypted")) lines.push("encrypted at rest (KMS)");
    return lines;
}

function cacheLines(c: RecordedResource): string[] {
    const nodes = plain<number>(c, "numCacheClusters") ?? plain<number>(c, "numCacheNodes");
    const lines = [`ElastiCache ${text(c, "engine") ?? "redis"} ${text(c, "engineVersion") ?? ""}`.trim()];
    lines.push([`${text(c, "nodeType")}${nodes ? ` ×${nodes}` : ""}`, plain(c, "multiAzEnabled") ? "Multi-AZ" : undefined, plain(c, "automaticFailoverEnabled") ? "failover" : undefined].filter(Boolean).join(" · "));
    const enc = [plain(c, "transitEncryptionEnabled") ? "TLS" : undefined, plain(c, "atRestEncryptionEnabled") ? "at-rest encryption" : undefined].filter(Boolean);
    if (enc.length) lines.push(enc.join(" + "));
    return lines;
}

function bucketLines(index: GraphIndex, bucket: RecordedResource): string[] {
    const about = (types: readonly string[]): RecordedResource[] => types.flatMap((t) => index.referrers(bucket, t, "bucket"));
    const traits = [
        about(T.bucketVersioning).some((v) => plain<{ status?: string }>(v, "versioningConfiguration")?.status === "Enabled") ? "versioned" : undefined,
        about(T.bucketEncryption).length ? "encrypted (SSE)" : undefined,
        about(T.bucketLifecycle).length ? "lifecycle rules" : undefined,
    ].filter((x): x is string => !!x);
    const lines = [`S3 bucket ${bucket.name}`];
    if (traits.length) lines.push(traits.join(", "));
    // A backup store nobody writes to is worth seeing on the picture.
    if (index.componentType(bucket) === "BackupBucket") {
        const writers = index.referrers(bucket, T.bucketPolicy, "bucket").flatMap((p) => index.refsOfType(p, T.role, "policy"));
        if (!writers.length) lines.push("no backup writer in this stack");
    }
    return lines;
}
