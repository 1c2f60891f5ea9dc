import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { listOf, shown } from "./support";

interface Config {
    /** Viewer security policies accepted as minimumProtocolVersion. */
    allowedMinimumProtocolVersions: string[];
}

const WEAK_ORIGIN_PROTOCOLS = ["SSLv3", "TLSv1", "TLSv1.1"];

/** Viewers and custom origins are reached over modern TLS only. */
export const cloudfrontTls: SlipwayRule = resourceRule(
    {
        name: "cloudfront-tls",
        group: "aws",
        description:
            "CloudFront distributions must not allow plain HTTP to viewers (no allow-all in any cache behaviour), must serve a custom certificate with sni-only and a TLSv1.2_2021+ security policy, and must reach custom origins over https-only without deprecated SSL/TLS versions.",
        sources: ["FSBP CloudFront.3", "FSBP CloudFront.7", "FSBP CloudFront.10"],
        remediation:
            'Set viewerProtocolPolicy "redirect-to-https" (or "https-only") on the default and every ordered cache behaviour; viewerCertificate { acmCertificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" }; customOriginConfig.originProtocolPolicy "https-only" with originSslProtocols ["TLSv1.2"].',
        level: "mandatory",
        configSchema: {
            properties: {
                allowedMinimumProtocolVersions: { type: "array", items: { type: "string" }, default: ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"] },
            },
        },
    },
    types.cloudfront,
    (args, report) => {
        const { allowedMinimumProtocolVersions } = args.getConfig<Config>();

        const behaviours = read(() => [
            { where: "defaultCacheBehavior", b: args.props.defaultCacheBehavior },
            ...listOf(args.props.orderedCacheBehaviors).map((b: any, i) => ({ where: `orderedCacheBehaviors[${i}] (${String(b?.pathPattern ?? "?")})`, b })),
        ]);
        if (behaviours === UNKNOWN) reportUnknown(report, "the cache behaviours");
        else
            for (const { where, b } of behaviours) {
                const policy = read(() => b?.viewerProtocolPolicy);
                if (policy === UNKNOWN) reportUnknown(report, `${where}.viewerProtocolPolicy`);
                else if (policy !== "redirect-to-https" && policy !== "https-only")
                    report(`${where}.viewerProtocolPolicy is ${shown(policy)}; set it to "redirect-to-https" or "https-only".`);
            }

        const minVersion = read(() => args.props.viewerCertificate?.minimumProtocolVersion);
        const defaultCert = read(() => args.props.viewerCertificate?.cloudfrontDefaultCertificate);
        if (defaultCert === UNKNOWN) reportUnknown(report, "viewerCertificate.cloudfrontDefaultCertificate");
        else if (defaultCert === true)
            report("viewerCertificate.cloudfrontDefaultCertificate is true; the *.cloudfront.net certificate forces TLSv1: serve your own ACM certificate (acmCertificateArn).");
        if (minVersion === UNKNOWN) reportUnknown(report, "viewerCertificate.minimumProtocolVersion");
        else if (!allowedMinimumProtocolVersions.includes(String(minVersion)))
            report(`viewerCertificate.minimumProtocolVersion is ${shown(minVersion)}; use one of ${allowedMinimumProtocolVersions.join(", ")}.`);
        const sslMethod = read(() => args.props.viewerCertificate?.sslSupportMethod);
        if (sslMethod === UNKNOWN) reportUnknown(report, "viewerCertificate.sslSupportMethod");
        else if (sslMethod !== "sni-only") report(`viewerCertificate.sslSupportMethod is ${shown(sslMethod)}; set it to "sni-only".`);

        const origins = read(() => listOf(args.props.origins));
        if (origins === UNKNOWN) return reportUnknown(report, "origins");
        origins.forEach((o: any, i) => {
            const custom = read(() => o?.customOriginConfig);
            const id = read(() => o?.originId);
            const where = `origins[${i}] (${id === UNKNOWN ? "?" : String(id)})`;
            if (custom === UNKNOWN) return reportUnknown(report, `${where}.customOriginConfig`);
            // S3 and VPC origins have no protocol policy to weaken.
            if (!custom) return;
            const protocol = read(() => custom.originProtocolPolicy);
            if (protocol === UNKNOWN) reportUnknown(report, `${where}.customOriginConfig.originProtocolPolicy`);
            else if (protocol !== "https-only") report(`${where}.customOriginConfig.originProtocolPolicy is ${shown(protocol)}; set it to "https-only".`);
            const sslProtocols = read(() => listOf(custom.originSslProtocols).map(String));
            if (sslProtocols === UNKNOWN) reportUnknown(report, `${where}.customOriginConfig.originSslProtocols`);
            else {
                const weak = sslProtocols.filter((p) => WEAK_ORIGIN_PROTOCOLS.includes(p));
                if (weak.length) report(`${where}.customOriginConfig.originSslProtocols includes ${shown(weak)}; allow only "TLSv1.2".`);
            }
        });
    },
);
