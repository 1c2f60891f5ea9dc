import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { type ProductionConfig, isProduction, productionSchema, shown } from "./support";

/**
 * Production databases run Multi-AZ. "Production" is decided by the environment tag (resource
 * tag, else the AWS provider's default tag, else the stack tag; see `isProduction`), or the rule
 * is applied to every stack with `applyTo: "all"`.
 */
export const rdsMultiAz: SlipwayRule = resourceRule(
    {
        name: "rds-multi-az",
        group: "aws",
        description: "RDS instances of production stacks must be Multi-AZ, so an AZ outage fails over to a standby.",
        sources: ["CKV_AWS_157", "FSBP RDS.5"],
        remediation: "Set multiAz: true (it roughly doubles the instance cost); production is recognised by the `environment` tag (configurable: environmentTag, productionValues, applyTo).",
        level: "mandatory",
        configSchema: { properties: { ...productionSchema } },
    },
    types.rdsInstance,
    (args, report) => {
        const cfg = args.getConfig<ProductionConfig>();
        const production = isProduction(args, cfg);
        if (production === UNKNOWN) return reportUnknown(report, `The "${cfg.environmentTag}" tag that decides whether this production rule applies`);
        if (!production) return args.notApplicable(`not a production stack (${cfg.environmentTag} tag not in ${shown(cfg.productionValues)})`);
        const multiAz = read(() => args.props.multiAz);
        if (multiAz === UNKNOWN) return reportUnknown(report, "multiAz");
        if (multiAz !== true) report(`multiAz is ${shown(multiAz)}; production databases must be Multi-AZ: set multiAz to true.`);
    },
);
