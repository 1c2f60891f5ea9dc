import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { type SlipwayRule, UNKNOWN, ofTypes, read, stackRule, types } from "../kit";
import { shown } from "./support";

const certificateType = ["aws:acm/certificate:Certificate"];
const validationType = ["aws:acm/certificateValidation:CertificateValidation"];
/** Certificates added to a listener beside its default one (SNI). */
const listenerCertificateType = ["aws:lb/listenerCertificate:ListenerCertificate", "aws:alb/listenerCertificate:ListenerCertificate"];

const isTls = (protocol: unknown): boolean => ["HTTPS", "TLS"].includes(String(protocol ?? "").toUpperCase());

/**
 * The certificate of this stack that `holder.props[prop]` is, if any: through the engine's
 * property dependencies (the ARN is unknown until the certificate exists), or, once known, by
 * comparing the ARN with each certificate's.
 */
function certificateBehind(holder: PolicyResource, prop: string, certificates: PolicyResource[]): PolicyResource | undefined {
    const deps = holder.propertyDependencies?.[prop] ?? [];
    const direct = certificates.find((c) => deps.some((d) => d.urn === c.urn));
    if (direct) return direct;
    const value = read(() => holder.props[prop]);
    if (typeof value !== "string" || value === "") return undefined;
    return certificates.find((c) => read(() => c.props.arn) === value);
}

/** Whether `from` waits for `to`: a (transitive) dependency, property or explicit. */
function waitsFor(from: PolicyResource, to: PolicyResource, seen = new Set<string>()): boolean {
    if (seen.has(from.urn)) return false;
    seen.add(from.urn);
    const next = [...(from.dependencies ?? []), ...Object.values(from.propertyDependencies ?? {}).flat()];
    return next.some((d) => d.urn === to.urn || waitsFor(d, to, seen));
}

/** The validations of this stack that wait for `certificate`'s issuance. */
const validationsOf = (certificate: PolicyResource, validations: PolicyResource[]): PolicyResource[] =>
    validations.filter((v) => certificateBehind(v, "certificateArn", [certificate]) !== undefined);

/**
 * A listener (or an extra listener certificate) whose certificate is requested in this stack
 * must wait for ACM to issue it. A DNS- or email-validated certificate is created pending
 * validation, the load balancer refuses a certificate that is not issued, and nothing orders
 * the listener after the issuance unless it depends on an `aws.acm.CertificateValidation`: the
 * first `pulumi up` then fails half-built. Imported certificates (no validationMethod) are
 * issued on creation.
 */
export const albCertificateValidated: SlipwayRule = stackRule(
    {
        name: "alb-certificate-validated",
        group: "aws",
        description:
            "An HTTPS or TLS listener whose certificate is an aws.acm.Certificate requested in this stack (DNS or email validation) must depend on an aws.acm.CertificateValidation of that certificate, so it is created only once ACM has issued it.",
        sources: ["ACM User Guide: DNS validation (certificates stay Pending validation until the record resolves)", "Slipway issue 12, defect 2 (the first pulumi up)"],
        remediation:
            "Create an aws.acm.CertificateValidation for the certificate (with validationRecordFqdns of the Route 53 records that answer its challenge) and give the listener certificateArn: validation.certificateArn; or use an already issued certificate's ARN.",
        level: "mandatory",
    },
    (args, report) => {
        const certificates = ofTypes(args.resources, certificateType);
        if (certificates.length === 0) return;
        const validations = ofTypes(args.resources, validationType);
        const holders: Array<{ r: PolicyResource; what: string }> = [];
        for (const l of ofTypes(args.resources, types.lbListener)) {
            const protocol = read(() => l.props.protocol);
            if (protocol === UNKNOWN || isTls(protocol)) holders.push({ r: l, what: `Listener "${l.name}"` });
        }
        for (const c of ofTypes(args.resources, listenerCertificateType)) holders.push({ r: c, what: `Listener certificate "${c.name}"` });

        for (const { r, what } of holders) {
            const certificate = certificateBehind(r, "certificateArn", certificates);
            if (!certificate) continue;
            const method = read(() => certificate.props.validationMethod);
            if (method === UNKNOWN) {
                report(`validationMethod of certificate "${certificate.name}" is unknown during preview, so whether ${what} must wait for its validation cannot be verified; set it to a known value.`, r.urn);
                continue;
            }
            if (method === undefined || method === null || method === "") continue; // imported: issued already
            const at: ReportViolation = (m) => report(m, r.urn);
            const waited = validationsOf(certificate, validations).some((v) => waitsFor(r, v));
            if (!waited) {
                at(
                    `${what} uses certificate "${certificate.name}" (validationMethod ${shown(method)}) without depending on an aws.acm.CertificateValidation of it, so it is created while the certificate is still pending validation and the load balancer refuses it; take certificateArn from the validation's certificateArn.`,
                );
            }
        }
    },
);
