import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { listOf, remediateOn, shown } from "./support";

/**
 * The TLS-enforcing parameter of an engine family and whether the family's default already
 * enforces it. PostgreSQL 15+ ships `rds.force_ssl = 1`; older PostgreSQL and SQL Server ship 0;
 * MySQL and MariaDB use `require_secure_transport` (default OFF). Other engines (Oracle uses
 * option groups) have no such parameter.
 */
export function tlsParameterFor(family: string): { name: string; onByDefault: boolean } | undefined {
    const pg = /^postgres(\d+)/.exec(family);
    if (pg) return { name: "rds.force_ssl", onByDefault: Number(pg[1]) >= 15 };
    if (family.startsWith("sqlserver")) return { name: "rds.force_ssl", onByDefault: false };
    if (family.startsWith("mysql") || family.startsWith("mariadb")) return { name: "require_secure_transport", onByDefault: false };
    return undefined;
}

const isOn = (v: unknown): boolean => ["1", "on", "true"].includes(String(v).toLowerCase());

function checkInstance(args: ResourceValidationArgs, report: ReportViolation): void {
    const minor = read(() => args.props.autoMinorVersionUpgrade);
    // Unset means the provider default (true).
    if (minor === UNKNOWN) reportUnknown(report, "autoMinorVersionUpgrade");
    else if (minor === false) report("autoMinorVersionUpgrade is false; set it to true so security patches of the engine are applied in the maintenance window.");

    const logs = read(() => listOf(args.props.enabledCloudwatchLogsExports).map(String));
    if (logs === UNKNOWN) reportUnknown(report, "enabledCloudwatchLogsExports");
    else if (logs.length === 0)
        report(`enabledCloudwatchLogsExports is ${shown(read(() => args.props.enabledCloudwatchLogsExports))}; export the engine's logs to CloudWatch (e.g. ["postgresql", "upgrade"]).`);

    const copyTags = read(() => args.props.copyTagsToSnapshot);
    if (copyTags === UNKNOWN) reportUnknown(report, "copyTagsToSnapshot");
    else if (copyTags !== true) report(`copyTagsToSnapshot is ${shown(copyTags)}; set it to true so snapshots carry the owner and cost tags.`);

    const pi = read(() => args.props.performanceInsightsEnabled);
    if (pi === UNKNOWN) return reportUnknown(report, "performanceInsightsEnabled");
    if (pi !== true) return;
    // A key ARN computed from a key created in the same stack is unknown at preview and is
    // exactly what we want, so only an absent key fails.
    const piKey = read(() => args.props.performanceInsightsKmsKeyId);
    if (piKey !== UNKNOWN && !piKey)
        report(`performanceInsightsKmsKeyId is ${shown(piKey)} while Performance Insights is on; encrypt it with a customer-managed KMS key (performanceInsightsKmsKeyId).`);
}

function checkParameterGroup(args: ResourceValidationArgs, report: ReportViolation): void {
    const family = read(() => args.props.family);
    if (family === UNKNOWN) return reportUnknown(report, "family");
    const tls = tlsParameterFor(String(family ?? ""));
    if (!tls) return args.notApplicable(`family ${shown(family)} has no TLS-enforcing parameter`);
    const params = read(() => listOf(args.props.parameters));
    if (params === UNKNOWN) return reportUnknown(report, "parameters");
    const param = params.find((p) => read(() => String((p as { name?: unknown }).name).toLowerCase()) === tls.name);
    if (!param) {
        if (!tls.onByDefault) report(`${tls.name} is unset and the ${family} default is off; add the parameter ${tls.name} = 1 so clients must use TLS.`);
        return;
    }
    const value = read(() => (param as { value?: unknown }).value);
    if (value === UNKNOWN) return reportUnknown(report, `parameter ${tls.name}`);
    if (!isOn(value)) report(`${tls.name} is ${shown(value)}; set it to 1 so clients must use TLS.`);
}

/** Advisory RDS hygiene: patches, logs, tagged snapshots, PI encryption and TLS-only clients. */
export const rdsHardening: SlipwayRule = resourceRule(
    {
        name: "rds-hardening",
        group: "aws",
        description:
            "RDS instances should take minor engine upgrades, export logs to CloudWatch, copy tags to snapshots and encrypt Performance Insights with a customer-managed key; their parameter groups should force TLS (rds.force_ssl = 1).",
        sources: ["FSBP RDS.13", "FSBP RDS.9", "FSBP RDS.17"],
        remediation:
            "On the instance set autoMinorVersionUpgrade: true, enabledCloudwatchLogsExports (e.g. [\"postgresql\", \"upgrade\"]), copyTagsToSnapshot: true and performanceInsightsKmsKeyId; in the parameter group set rds.force_ssl = 1 (require_secure_transport = 1 on MySQL/MariaDB).",
        level: "advisory",
    },
    [...types.rdsInstance, ...types.rdsParameterGroup],
    (args, report) => ((types.rdsParameterGroup as readonly string[]).includes(args.type) ? checkParameterGroup(args, report) : checkInstance(args, report)),
    {
        // Both flags are in-place changes with no downtime.
        remediateResource: remediateOn(types.rdsInstance, (p) => {
            const fix: Record<string, unknown> = {};
            if (p.copyTagsToSnapshot !== true) fix.copyTagsToSnapshot = true;
            if (p.autoMinorVersionUpgrade === false) fix.autoMinorVersionUpgrade = true;
            return Object.keys(fix).length ? fix : undefined;
        }),
    },
);
