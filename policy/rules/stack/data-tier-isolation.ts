import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { type Maybe, type SlipwayRule, UNKNOWN, stackRule, types } from "../kit";
import { dependsVia, depsVia, entries, label, ofType, path, prop, runsImage } from "./resources";

interface Settings {
    dataImages: string[];
}

type Report = (message: string, urn: string) => void;

/** Data stores and the input that lists their security groups. */
const DATA_STORES: { tokens: readonly string[]; key: string }[] = [
    { tokens: types.rdsInstance, key: "vpcSecurityGroupIds" },
    { tokens: types.rdsCluster, key: "vpcSecurityGroupIds" },
    { tokens: types.replicationGroup, key: "securityGroupIds" },
    { tokens: types.elasticacheCluster, key: "securityGroupIds" },
];

const nonEmpty = (v: Maybe<unknown>): Maybe<boolean> => {
    if (v === UNKNOWN) return UNKNOWN;
    if (Array.isArray(v)) return v.length > 0;
    return typeof v === "string" && v !== "";
};

/** The address sources of one ingress rule (CIDR or prefix list), as `field=value` strings; UNKNOWN when unknown. */
function addressSources(rule: unknown, fields: readonly string[]): Maybe<string[]> {
    const out: string[] = [];
    for (const f of fields) {
        const v = path(rule, f);
        const present = nonEmpty(v);
        if (present === UNKNOWN) return UNKNOWN;
        if (present) out.push(`${f}=${JSON.stringify(v)}`);
    }
    return out;
}

/**
 * Every way an ingress can be attached to a security group, with the fields that name an
 * address source (anything but another security group): inline `ingress`, the classic
 * SecurityGroupRule (type ingress) and the vpc SecurityGroupIngressRule.
 */
function ingressProblems(resources: PolicyResource[], sg: PolicyResource, report: Report, store: PolicyResource): void {
    const bad = (where: string, sources: Maybe<string[]>) => {
        if (sources === UNKNOWN) report(`${label(store)}: an ingress of its security group ${sg.name} (${where}) has a source unknown during preview; it cannot be verified.`, store.urn);
        else if (sources.length) {
            report(
                `${label(store)}: its security group ${sg.name} accepts traffic from addresses (${where}: ${sources.join(", ")}); a data store may accept traffic only from the app tier's security group.`,
                store.urn,
            );
        }
    };
    const inline = entries(prop(sg, "ingress"));
    if (inline === UNKNOWN) bad("ingress", UNKNOWN);
    for (const [i, r] of (inline === UNKNOWN ? [] : (inline ?? [])).entries()) bad(`ingress[${i}]`, r === UNKNOWN ? UNKNOWN : addressSources(r, ["cidrBlocks", "ipv6CidrBlocks", "prefixListIds"]));

    for (const r of ofType(resources, types.securityGroupRule)) {
        if (!dependsVia(r, "securityGroupId", sg)) continue;
        const type = prop(r, "type");
        if (type === "egress") continue;
        bad(r.name, type === UNKNOWN ? UNKNOWN : addressSources(r.props, ["cidrBlocks", "ipv6CidrBlocks", "prefixListIds"]));
    }
    for (const r of ofType(resources, types.sgIngressRule)) {
        if (dependsVia(r, "securityGroupId", sg)) bad(r.name, addressSources(r.props, ["cidrIpv4", "cidrIpv6", "prefixListId"]));
    }
}

function checkAws(args: StackValidationArgs, report: Report): void {
    for (const { tokens, key } of DATA_STORES) {
        for (const store of ofType(args.resources, tokens)) {
            const ids = entries(prop(store, key));
            if (ids === UNKNOWN) {
                report(`${label(store)}: ${key} is unknown during preview, so its security groups cannot be verified.`, store.urn);
                continue;
            }
            if (!ids || ids.length === 0) {
                report(`${label(store)} sets no ${key}, so it gets the VPC's default security group; give it a security group of its own that admits only the app tier.`, store.urn);
                continue;
            }
            const groups = depsVia(store, key, types.securityGroup);
            // Each id must come from a group of this stack: an outside group's rules are invisible here.
            if (groups.length < ids.length) {
                report(
                    `${label(store)}: ${ids.length - groups.length} of its ${key} are not security groups of this stack, so what they admit cannot be verified; use security groups managed here.`,
                    store.urn,
                );
            }
            for (const sg of groups) ingressProblems(args.resources, sg, report, store);
        }
    }
}

/** The Docker networks a container joins: resolved by name, else through its dependencies. */
function checkContainerNetworks(args: StackValidationArgs, c: PolicyResource, report: Report): void {
    const networks = ofType(args.resources, types.dockerNetwork);
    const mode = prop(c, "networkMode");
    if (mode === UNKNOWN) return report(`${label(c)}: networkMode is unknown during preview; it cannot be verified.`, c.urn);
    if (mode === "none") return;
    if (mode !== undefined && mode !== "bridge" && mode !== "default") {
        return report(`${label(c)} has networkMode ${JSON.stringify(mode)}; a data container must join only internal networks.`, c.urn);
    }
    const joined = entries(prop(c, "networksAdvanced"));
    if (joined === UNKNOWN) return report(`${label(c)}: networksAdvanced is unknown during preview; it cannot be verified.`, c.urn);
    if (!joined || joined.length === 0) {
        return report(`${label(c)} joins no network of its own, so it sits on Docker's default bridge, which is not internal; join an internal network (internal: true).`, c.urn);
    }
    const deps = depsVia(c, "networksAdvanced", types.dockerNetwork);
    for (const entry of joined) {
        const name = path(entry, "name");
        const candidates =
            name === UNKNOWN ? deps : networks.filter((n) => prop(n, "name") === name || (deps.some((d) => d.urn === n.urn) && prop(n, "name") === UNKNOWN));
        if (candidates.length === 0) {
            report(
                `${label(c)} joins network ${JSON.stringify(name === UNKNOWN ? "unknown" : name)}, which is not a network of this stack, so it cannot be verified as internal; join an internal network of the stack.`,
                c.urn,
            );
            continue;
        }
        for (const n of candidates) {
            const internal = prop(n, "internal");
            if (internal === UNKNOWN) report(`${label(c)}: internal of network ${n.name} is unknown during preview; it cannot be verified.`, c.urn);
            else if (internal !== true) {
                report(`${label(c)} joins network ${n.name} (${JSON.stringify(prop(n, "name") ?? n.name)}) whose internal is ${JSON.stringify(internal ?? "unset")}; a data container may join only internal networks.`, c.urn);
            }
        }
    }
}

function checkDocker(args: StackValidationArgs, s: Settings, report: Report): void {
    for (const c of ofType(args.resources, types.dockerContainer)) {
        const isData = runsImage(c, s.dataImages);
        // An image unknown at preview is built in the stack (the app, a job); data stores run a pinned upstream image.
        if (isData !== true) continue;
        const ports = entries(prop(c, "ports"));
        if (ports === UNKNOWN) report(`${label(c)}: ports is unknown during preview, so it cannot be verified that nothing is published.`, c.urn);
        else if (ports && ports.length) {
            const shown = ports.map((p) => (p === UNKNOWN ? "unknown" : `${path(p, "ip") ?? "0.0.0.0"}:${path(p, "external") ?? "?"}->${path(p, "internal")}`));
            report(`${label(c)} publishes ports ${shown.join(", ")}; a database or cache container must publish none (the app reaches it on the internal network).`, c.urn);
        }
        checkContainerNetworks(args, c, report);
    }
}

/** Databases and caches accept traffic only from the app tier: security groups, never addresses; internal networks only. */
export const dataTierIsolation: SlipwayRule = stackRule(
    {
        name: "data-tier-isolation",
        group: "stack",
        description:
            "Database and cache security groups must admit traffic only from other security groups (the app tier), never from CIDR blocks or prefix lists; PostgreSQL/Redis containers must publish no port and join only internal Docker networks.",
        sources: ["FSBP RDS.2", "FSBP EC2.19", "CKV_AWS_17", "CIS Controls v8 12.2", "CIS Docker 5.13"],
        remediation:
            "AWS: give the database and cache security groups ingress rules with referencedSecurityGroupId (the app tasks' group) and remove cidr sources. Docker: remove ports from the data containers and join them only to a network with internal: true.",
        level: "mandatory",
        configSchema: {
            properties: {
                dataImages: {
                    type: "array",
                    items: { type: "string" },
                    default: ["postgres", "postgis/postgis", "timescale/timescaledb", "pgvector/pgvector", "redis", "valkey/valkey", "mysql", "mariadb", "mongo"],
                    description: "Image repositories that are data stores.",
                },
            },
        },
    },
    (args, report) => {
        checkAws(args, report);
        checkDocker(args, args.getConfig<Settings>(), report);
    },
);
