import { describe, expect, it } from "vitest";
import { cloudfrontTls } from "../../policy/rules/aws-data/cloudfront-tls";
import { PREVIEW_UNKNOWN, messages } from "./helpers";

const CF = "aws:cloudfront/distribution:Distribution";
const CUSTOM_ORIGIN = { originId: "alb", domainName: "alb.example.com", customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] } };
const S3_ORIGIN = { originId: "assets", domainName: "b.s3.amazonaws.com", originAccessControlId: "oac" };
const GOOD = {
    enabled: true,
    origins: [CUSTOM_ORIGIN, S3_ORIGIN],
    defaultCacheBehavior: { targetOriginId: "alb", viewerProtocolPolicy: "redirect-to-https" },
    orderedCacheBehaviors: [{ pathPattern: "/assets/*", targetOriginId: "assets", viewerProtocolPolicy: "https-only" }],
    viewerCertificate: { acmCertificateArn: "arn:aws:acm:us-east-1:1:certificate/c", sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" },
};
const with_ = (patch: Record<string, unknown>) => ({ ...GOOD, ...patch });

describe("cloudfront-tls", () => {
    it("passes an HTTPS-only distribution", async () => {
        expect(await messages(cloudfrontTls, CF, GOOD)).toEqual([]);
        expect(await messages(cloudfrontTls, CF, with_({ orderedCacheBehaviors: undefined }))).toEqual([]);
    });

    it("fails allow-all in the default or an ordered cache behaviour", async () => {
        expect(await messages(cloudfrontTls, CF, with_({ defaultCacheBehavior: { targetOriginId: "alb", viewerProtocolPolicy: "allow-all" } }))).toEqual([
            expect.stringMatching(/^defaultCacheBehavior.viewerProtocolPolicy is "allow-all"/),
        ]);
        expect(await messages(cloudfrontTls, CF, with_({ orderedCacheBehaviors: [{ pathPattern: "/api/*", targetOriginId: "alb", viewerProtocolPolicy: "allow-all" }] }))).toEqual([
            expect.stringMatching(/^orderedCacheBehaviors\[0\] \(\/api\/\*\).viewerProtocolPolicy is "allow-all"/),
        ]);
    });

    it("fails an old minimum protocol version, and honours the configured allow-list", async () => {
        const old = with_({ viewerCertificate: { ...GOOD.viewerCertificate, minimumProtocolVersion: "TLSv1.2_2019" } });
        expect(await messages(cloudfrontTls, CF, old)).toEqual([expect.stringMatching(/minimumProtocolVersion is "TLSv1.2_2019"; use one of TLSv1.2_2021/)]);
        expect(await messages(cloudfrontTls, CF, old, { config: { "cloudfront-tls": { allowedMinimumProtocolVersions: ["TLSv1.2_2019"] } } })).toEqual([]);
        expect(await messages(cloudfrontTls, CF, with_({ viewerCertificate: { ...GOOD.viewerCertificate, minimumProtocolVersion: "TLSv1.3_2025" } }))).toEqual([]);
    });

    it("fails a dedicated-IP (vip) certificate", async () => {
        expect(await messages(cloudfrontTls, CF, with_({ viewerCertificate: { ...GOOD.viewerCertificate, sslSupportMethod: "vip" } }))).toEqual([
            expect.stringMatching(/sslSupportMethod is "vip"; set it to "sni-only"/),
        ]);
    });

    it("fails the default CloudFront certificate (which forces TLSv1)", async () => {
        const msgs = await messages(cloudfrontTls, CF, with_({ viewerCertificate: { cloudfrontDefaultCertificate: true } }));
        expect(msgs).toContainEqual(expect.stringMatching(/cloudfrontDefaultCertificate is true/));
        expect(msgs).toContainEqual(expect.stringMatching(/minimumProtocolVersion is "unset"/));
    });

    it("fails a custom origin reached over HTTP or with deprecated protocols", async () => {
        const origin = (cfg: Record<string, unknown>) => with_({ origins: [{ ...CUSTOM_ORIGIN, customOriginConfig: { ...CUSTOM_ORIGIN.customOriginConfig, ...cfg } }, S3_ORIGIN] });
        expect(await messages(cloudfrontTls, CF, origin({ originProtocolPolicy: "match-viewer" }))).toEqual([
            expect.stringMatching(/origins\[0\] \(alb\).customOriginConfig.originProtocolPolicy is "match-viewer"; set it to "https-only"/),
        ]);
        expect(await messages(cloudfrontTls, CF, origin({ originProtocolPolicy: "http-only" }))).toHaveLength(1);
        expect(await messages(cloudfrontTls, CF, origin({ originSslProtocols: ["TLSv1", "TLSv1.2"] }))).toEqual([expect.stringMatching(/originSslProtocols includes \["TLSv1"\]/)]);
    });

    it("never silently passes a value unknown at preview", async () => {
        expect(await messages(cloudfrontTls, CF, with_({ defaultCacheBehavior: { targetOriginId: "alb", viewerProtocolPolicy: PREVIEW_UNKNOWN } }))).toEqual([
            expect.stringMatching(/defaultCacheBehavior.viewerProtocolPolicy is unknown during preview/),
        ]);
        expect(await messages(cloudfrontTls, CF, with_({ viewerCertificate: { ...GOOD.viewerCertificate, minimumProtocolVersion: PREVIEW_UNKNOWN } }))).toEqual([
            expect.stringMatching(/minimumProtocolVersion is unknown/),
        ]);
        expect(await messages(cloudfrontTls, CF, with_({ origins: [{ ...CUSTOM_ORIGIN, customOriginConfig: { ...CUSTOM_ORIGIN.customOriginConfig, originProtocolPolicy: PREVIEW_UNKNOWN } }] }))).toEqual([
            expect.stringMatching(/originProtocolPolicy is unknown/),
        ]);
        expect(await messages(cloudfrontTls, CF, with_({ orderedCacheBehaviors: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/cache behaviours is unknown/)]);
    });
});
