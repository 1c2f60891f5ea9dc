import { describe, expect, it } from "vitest";
import { s3TlsOnly } from "../../policy/rules/aws-data/s3-tls-only";
import { PREVIEW_UNKNOWN, messages } from "./helpers";

const POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const BUCKET = "aws:s3/bucket:Bucket";
const ARN = "arn:aws:s3:::b";
const DENY_HTTP = { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [ARN, `${ARN}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } };
const ELB_WRITE = { Sid: "ElbWrites", Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Action: "s3:PutObject", Resource: `${ARN}/*` };
const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

describe("s3-tls-only", () => {
    it("passes a TLS-only policy with specific Allow principals", async () => {
        expect(await messages(s3TlsOnly, POLICY, { bucket: "b", policy: doc(DENY_HTTP, ELB_WRITE) })).toEqual([]);
        // A single statement object, a wildcard action and BoolIfExists with a boolean are equivalent.
        const variant = { ...DENY_HTTP, Principal: { AWS: "*" }, Action: ["*"], Condition: { BoolIfExists: { "aws:securetransport": false } } };
        expect(await messages(s3TlsOnly, POLICY, { bucket: "b", policy: JSON.stringify({ Statement: variant }) })).toEqual([]);
        // A policy passed as an object rather than a string.
        expect(await messages(s3TlsOnly, POLICY, { bucket: "b", policy: { Version: "2012-10-17", Statement: [DENY_HTTP] } })).toEqual([]);
    });

    it("fails without the deny on plain HTTP, or with a deny that is narrower", async () => {
        const missing = /no statement denying "s3:\*" to every principal/;
        expect(await messages(s3TlsOnly, POLICY, { bucket: "b", policy: doc(ELB_WRITE) })).toEqual([expect.stringMatching(missing)]);
        expect(await messages(s3TlsOnly, POLICY, { bucket: "b", policy: doc({ ...DENY_HTTP, Action: "s3:GetObject" }) })).toEqual([expect.stringMatching(missing)]);
        expect(await messages(s3TlsOnly, POLICY, { bucket: "b", policy: doc({ ...DENY_HTTP, Principal: { AWS: "arn:aws:iam::1:root" } }) })).toEqual([expect.stringMatching(missing)]);
        expect(await messages(s3TlsOnly, POLICY, { bucket: "b", policy: doc({ ...DENY_HTTP, Condition: { Bool: { "aws:SecureTransport": "true" } } }) })).toEqual([expect.stringMatching(missing)]);
        expect(await messages(s3TlsOnly, POLICY, { bucket: "b", policy: doc({ ...DENY_HTTP, Effect: "Allow", Principal: { Service: "s3.amazonaws.com" } }) })).toEqual([expect.stringMatching(missing)]);
    });

    it("fails an Allow to the world, in either spelling, and an Allow with NotPrincipal", async () => {
        const world = (Principal: unknown) => doc(DENY_HTTP, { Sid: "Public", Effect: "Allow", Principal, Action: "s3:GetObject", Resource: `${ARN}/*` });
        expect(await messages(s3TlsOnly, POLICY, { bucket: "b", policy: world("*") })).toEqual([expect.stringMatching(/statement "Public" allows "\*"/)]);
        expect(await messages(s3TlsOnly, POLICY, { bucket: "b", policy: world({ AWS: "*" }) })).toEqual([expect.stringMatching(/allows \{"AWS":"\*"\}/)]);
        expect(await messages(s3TlsOnly, POLICY, { bucket: "b", policy: world({ AWS: ["arn:aws:iam::1:root", "*"] }) })).toHaveLength(1);
        const notPrincipal = doc(DENY_HTTP, { Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::1:root" }, Action: "s3:GetObject", Resource: `${ARN}/*` });
        expect(await messages(s3TlsOnly, POLICY, { bucket: "b", policy: notPrincipal })).toEqual([expect.stringMatching(/statement #2 is an Allow with NotPrincipal/)]);
    });

    it("fails a policy that is not JSON or is missing", async () => {
        expect(await messages(s3TlsOnly, POLICY, { bucket: "b", policy: "{not json" })).toEqual([expect.stringMatching(/policy is not valid JSON/)]);
        expect(await messages(s3TlsOnly, POLICY, { bucket: "b" })).toEqual([expect.stringMatching(/no statement denying/)]);
    });

    it("never silently passes a policy unknown at preview, whole or in part", async () => {
        expect(await messages(s3TlsOnly, POLICY, { bucket: "b", policy: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/^policy is unknown during preview/)]);
        const partly = { Statement: [{ ...DENY_HTTP, Effect: PREVIEW_UNKNOWN }] };
        expect(await messages(s3TlsOnly, POLICY, { bucket: "b", policy: partly })).toEqual([expect.stringMatching(/part of policy is unknown during preview/)]);
    });

    it("checks a bucket's deprecated inline policy only when one is set", async () => {
        expect(await messages(s3TlsOnly, BUCKET, { bucket: "b" })).toEqual([]);
        expect(await messages(s3TlsOnly, BUCKET, { bucket: "b", policy: doc(ELB_WRITE) })).toHaveLength(1);
        expect(await messages(s3TlsOnly, BUCKET, { bucket: "b", policy: PREVIEW_UNKNOWN })).toHaveLength(1);
    });
});
