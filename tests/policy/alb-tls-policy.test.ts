import { describe, expect, it } from "vitest";
import { TLS12_PLUS_POLICIES, albTlsPolicy } from "../../policy/rules/aws-edge/alb-tls-policy";
import { remediate } from "./aws-edge-support";
import { PREVIEW_UNKNOWN, check, messages } from "./helpers";

const LISTENER = "aws:lb/listener:Listener";
const https = (over: Record<string, unknown> = {}) => ({
    port: 443,
    protocol: "HTTPS",
    certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/e237e2ae",
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    defaultActions: [{ type: "forward", targetGroupArn: "tg" }],
    ...over,
});

describe("alb-tls-policy", () => {
    it("passes HTTPS and TLS listeners with an allowed policy and a certificate", async () => {
        expect(await messages(albTlsPolicy, LISTENER, https())).toEqual([]);
        expect(await messages(albTlsPolicy, LISTENER, https({ protocol: "TLS", sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" }))).toEqual([]);
    });

    it("ignores plain HTTP listeners", async () => {
        expect(await messages(albTlsPolicy, LISTENER, { port: 80, protocol: "HTTP", defaultActions: [] })).toEqual([]);
    });

    it("fails a missing policy, naming the TLS 1.0 API default", async () => {
        expect(await messages(albTlsPolicy, LISTENER, https({ sslPolicy: undefined }))).toEqual([expect.stringMatching(/sslPolicy is unset.*ELBSecurityPolicy-2016-08/)]);
    });

    it("fails policies that still accept TLS 1.0 or 1.1", async () => {
        for (const weak of ["ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS13-1-0-2021-06", "ELBSecurityPolicy-TLS13-1-1-2021-06", "ELBSecurityPolicy-FS-1-1-2019-08"]) {
            expect(await messages(albTlsPolicy, LISTENER, https({ sslPolicy: weak }))).toEqual([expect.stringContaining(`sslPolicy is "${weak}"`)]);
        }
        expect(TLS12_PLUS_POLICIES.some((p) => /2016-08|TLS13-1-[01]-|TLS-1-[01]-|FS-1-1-|FS-2018/.test(p))).toBe(false);
    });

    it("fails a TLS listener without a certificate", async () => {
        expect(await messages(albTlsPolicy, LISTENER, https({ certificateArn: undefined }))).toEqual([expect.stringMatching(/certificateArn is unset/)]);
    });

    it("accepts a certificate ARN that is computed at preview, but not an unknown policy or protocol", async () => {
        expect(await messages(albTlsPolicy, LISTENER, https({ certificateArn: PREVIEW_UNKNOWN }))).toEqual([]);
        expect(await messages(albTlsPolicy, LISTENER, https({ sslPolicy: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/sslPolicy is unknown during preview/)]);
        expect(await messages(albTlsPolicy, LISTENER, https({ protocol: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/protocol is unknown during preview/)]);
    });

    it("honours a configured allow-list", async () => {
        const ctx = { config: { "alb-tls-policy": { allowedSslPolicies: ["ELBSecurityPolicy-TLS13-1-3-2021-06"] } } };
        expect(await messages(albTlsPolicy, LISTENER, https(), ctx)).toEqual([expect.stringMatching(/not in the TLS 1\.2\+ allow-list \(ELBSecurityPolicy-TLS13-1-3-2021-06\)/)]);
        expect(await messages(albTlsPolicy, LISTENER, https({ sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" }), ctx)).toEqual([]);
    });

    it("remediates a missing policy with the first allowed one and leaves explicit choices alone", async () => {
        expect(await remediate(albTlsPolicy, LISTENER, https({ sslPolicy: undefined }))).toMatchObject({ sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", port: 443 });
        const ctx = { config: { "alb-tls-policy": { allowedSslPolicies: ["ELBSecurityPolicy-TLS13-1-3-2021-06"] } } };
        expect(await remediate(albTlsPolicy, LISTENER, https({ sslPolicy: undefined }), ctx)).toMatchObject({ sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" });
        expect(await remediate(albTlsPolicy, LISTENER, https({ sslPolicy: "ELBSecurityPolicy-2016-08" }))).toBeUndefined();
        expect(await remediate(albTlsPolicy, LISTENER, { port: 80, protocol: "HTTP" })).toBeUndefined();
        expect(await remediate(albTlsPolicy, "aws:s3/bucket:Bucket", { protocol: "HTTPS" })).toBeUndefined();
    });

    it("registers on the alb alias and honours the level", async () => {
        expect(await messages(albTlsPolicy, "aws:alb/listener:Listener", https({ sslPolicy: undefined }))).toHaveLength(1);
        expect(await messages(albTlsPolicy, "aws:lb/targetGroup:TargetGroup", https({ sslPolicy: undefined }))).toEqual([]);
        const bad = [{ type: LISTENER, props: https({ sslPolicy: undefined }) }];
        expect((await check(albTlsPolicy, bad))[0].level).toBe("mandatory");
        expect(await check(albTlsPolicy, bad, { config: { "alb-tls-policy": { enforcementLevel: "disabled" } } })).toEqual([]);
    });
});
