import { describe, expect, it } from "vitest";
import { runPolicies } from "../../offline/policy-run";
import { albCertificateValidated } from "../../policy/rules/aws-edge/alb-certificate-validated";
import { dependsVia, urnOf } from "./aws-edge-support";
import { type FakeResource, PREVIEW_UNKNOWN, fakeGraph } from "./helpers";

const CERT = "aws:acm/certificate:Certificate";
const VALIDATION = "aws:acm/certificateValidation:CertificateValidation";
const LISTENER = "aws:lb/listener:Listener";
const LISTENER_CERT = "aws:lb/listenerCertificate:ListenerCertificate";
const CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/e237e2ae";

const cert = (props: Record<string, unknown> = {}, name = "web-certificate"): FakeResource => ({ type: CERT, name, props: { domainName: "app.example.com", validationMethod: "DNS", ...props } });
const validation: FakeResource = { type: VALIDATION, name: "web-certificate-validation", props: { certificateArn: PREVIEW_UNKNOWN, validationRecordFqdns: ["_x.app.example.com"] } };
const https = (props: Record<string, unknown> = {}, name = "web-https"): FakeResource => ({
    type: LISTENER,
    name,
    props: { port: 443, protocol: "HTTPS", certificateArn: PREVIEW_UNKNOWN, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", ...props },
});

async function run(resources: FakeResource[], deps?: (g: ReturnType<typeof fakeGraph>) => void) {
    const graph = fakeGraph(resources);
    deps?.(graph);
    return runPolicies(graph, [albCertificateValidated]);
}
const messagesOf = async (...args: Parameters<typeof run>) => (await run(...args)).map((v) => v.message);

/** The shape the web tier has had since issue 12: listener ← validation ← certificate. */
const validated = (g: ReturnType<typeof fakeGraph>) => {
    dependsVia(g, "web-certificate-validation", "certificateArn", "web-certificate");
    dependsVia(g, "web-https", "certificateArn", "web-certificate-validation");
};

describe("alb-certificate-validated", () => {
    it("passes a listener that takes its certificate ARN from the validation", async () => {
        expect(await run([cert(), validation, https()], validated)).toEqual([]);
    });

    it("passes a listener that uses the certificate but waits for the validation through dependsOn", async () => {
        expect(
            await run([cert(), validation, https()], (g) => {
                dependsVia(g, "web-certificate-validation", "certificateArn", "web-certificate");
                dependsVia(g, "web-https", "certificateArn", "web-certificate");
                g.byName("web-https").dependencies = [g.byName("web-certificate-validation").urn];
            }),
        ).toEqual([]);
    });

    it("fails a listener on a requested certificate with nothing waiting for its issuance (the web tier without a zone, before issue 12)", async () => {
        const violations = await run([cert(), https()], (g) => dependsVia(g, "web-https", "certificateArn", "web-certificate"));
        expect(violations).toEqual([
            expect.objectContaining({ level: "mandatory", urn: urnOf(LISTENER, "web-https"), message: expect.stringMatching(/Listener "web-https" uses certificate "web-certificate" \(validationMethod "DNS"\) without depending on an aws\.acm\.CertificateValidation/) }),
        ]);
    });

    it("fails even when a validation exists, if the listener does not wait for it", async () => {
        const violations = await messagesOf([cert(), validation, https()], (g) => {
            dependsVia(g, "web-certificate-validation", "certificateArn", "web-certificate");
            dependsVia(g, "web-https", "certificateArn", "web-certificate");
        });
        expect(violations).toEqual([expect.stringMatching(/without depending on an aws\.acm\.CertificateValidation/)]);
    });

    it("matches by known ARN after deploy, and covers email validation and extra listener certificates", async () => {
        expect(await messagesOf([cert({ arn: CERT_ARN, validationMethod: "EMAIL" }), https({ certificateArn: CERT_ARN })])).toEqual([expect.stringMatching(/validationMethod "EMAIL"/)]);
        const extra: FakeResource = { type: LISTENER_CERT, name: "web-sni", props: { listenerArn: "arn:listener", certificateArn: CERT_ARN } };
        expect(await messagesOf([cert({ arn: CERT_ARN }), extra])).toEqual([expect.stringMatching(/Listener certificate "web-sni" uses certificate/)]);
    });

    it("ignores issued certificates: imported ones, ARNs from outside the stack, and plain HTTP listeners", async () => {
        expect(await run([cert({ validationMethod: undefined, privateKey: "x" }), https()], (g) => dependsVia(g, "web-https", "certificateArn", "web-certificate"))).toEqual([]);
        expect(await run([cert(), https({ certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/issued-elsewhere" })])).toEqual([]);
        expect(await run([cert(), { type: LISTENER, name: "web-http", props: { port: 80, protocol: "HTTP" } }])).toEqual([]);
    });

    it("reports an unknown validation method instead of passing", async () => {
        expect(await messagesOf([cert({ validationMethod: PREVIEW_UNKNOWN }), https()], (g) => dependsVia(g, "web-https", "certificateArn", "web-certificate"))).toEqual([
            expect.stringMatching(/validationMethod of certificate "web-certificate" is unknown during preview/),
        ]);
    });

    it("honours the configured level", async () => {
        const g = fakeGraph([cert(), https()]);
        dependsVia(g, "web-https", "certificateArn", "web-certificate");
        const [v] = await runPolicies(g, [albCertificateValidated], { config: { "alb-certificate-validated": { enforcementLevel: "advisory" } } });
        expect(v.level).toBe("advisory");
    });
});
