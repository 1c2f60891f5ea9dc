import { describe, expect, it } from "vitest";
import { cipherBitsScore, gradeAtLeast, keyStrengthScore, rateTestsslFindings, scoreGrade, type TestsslFinding } from "../live/harness/tls-rating";

const f = (id: string, severity: string, finding: string): TestsslFinding => ({ id, severity, finding });

// testssl.sh 3.0.8's findings for the payload's edge (Debian nginx 1.22, ECDSA P-256 test
// certificate), trimmed to what the rating reads.
const edge: TestsslFinding[] = [
    f("SSLv2", "OK", "not offered"),
    f("SSLv3", "OK", "not offered"),
    f("TLS1", "INFO", "not offered"),
    f("TLS1_1", "INFO", "not offered"),
    f("TLS1_2", "OK", "offered"),
    f("TLS1_3", "OK", "offered with final"),
    f("cipherlist_NULL", "OK", "not offered"),
    f("cipherlist_aNULL", "OK", "not offered"),
    f("cipherlist_EXPORT", "OK", "not offered"),
    f("cipherlist_LOW", "OK", "not offered"),
    f("cipherlist_3DES_IDEA", "INFO", "not offered"),
    f("cipherlist_STRONG", "OK", "offered"),
    f("PFS", "OK", "offered"),
    f("cert_keySize", "OK", "EC 256 bits"),
    f("cert_trust", "OK", "Ok via SAN (same w/o SNI)"),
    f("cert_chain_of_trust", "OK", "passed."),
    f("cert_expirationStatus", "OK", "89 >= 60 days"),
    f("HSTS_time", "OK", "730 days (=63072000 seconds) > 15552000 seconds"),
    f("heartbleed", "OK", "not vulnerable, no heartbeat extension"),
    f("CCS", "OK", "not vulnerable"),
    f("ticketbleed", "OK", "no session ticket extension"),
    f("ROBOT", "OK", "not vulnerable, no RSA key transport cipher"),
    f("secure_renego", "OK", "supported"),
    f("CRIME_TLS", "OK", "not vulnerable"),
    f("BREACH", "MEDIUM", "potentially VULNERABLE, gzip HTTP compression detected  - only supplied '/' tested"),
    f("POODLE_SSL", "OK", "not vulnerable, no SSLv3"),
    f("fallback_SCSV", "OK", "no protocol below TLS 1.2 offered"),
    f("SWEET32", "OK", "not vulnerable"),
    f("FREAK", "OK", "not vulnerable"),
    f("DROWN", "OK", "not vulnerable on this host and port"),
    f("LOGJAM", "OK", "not vulnerable, no DH EXPORT ciphers,"),
    f("RC4", "OK", "not vulnerable"),
    f("cipher_x1302", "INFO", "x1302   TLS_AES_256_GCM_SHA384            ECDH 253   AESGCM      256      TLS_AES_256_GCM_SHA384"),
    f("cipher_x1303", "INFO", "x1303   TLS_CHACHA20_POLY1305_SHA256      ECDH 253   ChaCha20    256      TLS_CHACHA20_POLY1305_SHA256"),
    f("cipher_xc02c", "INFO", "xc02c   ECDHE-ECDSA-AES256-GCM-SHA384     ECDH 253   AESGCM      256      TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
    f("cipher_x1301", "INFO", "x1301   TLS_AES_128_GCM_SHA256            ECDH 253   AESGCM      128      TLS_AES_128_GCM_SHA256"),
    f("cipher_xc02b", "INFO", "xc02b   ECDHE-ECDSA-AES128-GCM-SHA256     ECDH 253   AESGCM      128      TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
];

/** The edge's findings with some replaced (same id) or added. */
const edgeWith = (...changes: TestsslFinding[]): TestsslFinding[] => [
    ...edge.filter((e) => !changes.some((c) => c.id === e.id)),
    ...changes,
];

describe("rateTestsslFindings (SSL Labs guide on testssl 3.0.8 findings)", () => {
    it("gives the edge A+: TLS 1.2/1.3 only, AEAD + forward secrecy, P-256, HSTS two years", () => {
        const r = rateTestsslFindings(edge);
        expect(r).toMatchObject({ grade: "A+", source: "derived", protocolScore: 100, keyExchangeScore: 100, cipherStrengthScore: 90, caps: [], warnings: [] });
        expect(r.score).toBeCloseTo(96);
    });

    it("is A without HSTS of at least 180 days, and A- when TLS 1.3 is missing", () => {
        expect(rateTestsslFindings(edgeWith(f("HSTS_time", "MEDIUM", "90 days (=7776000 seconds) < 15552000 seconds"))).grade).toBe("A");
        expect(rateTestsslFindings(edge.filter((x) => x.id !== "HSTS_time")).grade).toBe("A");
        const noTls13 = rateTestsslFindings(edgeWith(f("TLS1_3", "MEDIUM", "not offered and downgraded to a weaker protocol")));
        expect(noTls13.grade).toBe("A-");
        expect(noTls13.warnings).toEqual(["TLS 1.3 not offered"]);
    });

    it("caps at B when TLS 1.0 or 1.1 is offered, and lowers the protocol score", () => {
        const r = rateTestsslFindings(edgeWith(f("TLS1", "LOW", "offered (deprecated)")));
        expect(r.grade).toBe("B");
        expect(r.protocolScore).toBe(95);
        expect(r.caps).toEqual(["B: TLS 1.0 or 1.1 offered"]);
    });

    it("is T with an untrusted chain and M with a name mismatch, whatever the score", () => {
        expect(rateTestsslFindings(edgeWith(f("cert_chain_of_trust", "CRITICAL", "failed (self signed)."))).grade).toBe("T");
        expect(rateTestsslFindings(edgeWith(f("cert_trust", "HIGH", "certificate does not match supplied URI"))).grade).toBe("M");
    });

    it("fails a vulnerable server and caps weak ciphers", () => {
        expect(rateTestsslFindings(edgeWith(f("heartbleed", "CRITICAL", "VULNERABLE (NOT ok)"))).grade).toBe("F");
        expect(rateTestsslFindings(edgeWith(f("cipherlist_3DES_IDEA", "MEDIUM", "offered"))).grade).toBe("C");
        const des = rateTestsslFindings(edgeWith(f("cipher_x09", "INFO", "x09     DES-CBC-SHA                       RSA        DES         56       TLS_RSA_WITH_DES_CBC_SHA")));
        expect(des.grade).toBe("F");
        expect(des.cipherStrengthScore).toBe(60);
        expect(rateTestsslFindings(edgeWith(f("PFS", "HIGH", "not offered"))).grade).toBe("B");
    });

    it("scores the key exchange by the weakest of the certificate key and the ephemeral keys", () => {
        expect(rateTestsslFindings(edgeWith(f("cert_keySize", "OK", "RSA 2048 bits"))).keyExchangeScore).toBe(90);
        expect(rateTestsslFindings(edgeWith(f("cert_keySize", "MEDIUM", "RSA 1024 bits"))).grade).toBe("B");
        expect(keyStrengthScore("EC", 256)).toBe(100);
        expect(keyStrengthScore("ECDH", 160)).toBe(80);
        expect(keyStrengthScore("DH", 1024)).toBe(80);
        expect(keyStrengthScore("RSA", 4096)).toBe(100);
    });

    it("uses testssl's own grade when a newer testssl gives one", () => {
        const r = rateTestsslFindings([...edge, f("overall_grade", "OK", "A"), f("grade_cap_warning", "INFO", "something")]);
        expect(r).toMatchObject({ grade: "A", source: "testssl", warnings: ["something"] });
    });

    it("refuses to rate an incomplete run rather than guessing", () => {
        expect(() => rateTestsslFindings(edge.filter((x) => !x.id.startsWith("cipher_x")))).toThrow(/-e/);
        expect(() => rateTestsslFindings(edge.filter((x) => x.id !== "heartbleed"))).toThrow(/-U/);
        expect(() => rateTestsslFindings(edge.filter((x) => x.id !== "TLS1_3"))).toThrow(/-p/);
    });

    it("maps scores and orders grades like SSL Labs", () => {
        expect([80, 79.9, 65, 50, 35, 20, 19].map(scoreGrade)).toEqual(["A", "B", "B", "C", "D", "E", "F"]);
        expect([0, 56, 128, 256].map(cipherBitsScore)).toEqual([0, 20, 80, 100]);
        expect(gradeAtLeast("A+", "A")).toBe(true);
        expect(gradeAtLeast("A-", "A")).toBe(false);
        expect(gradeAtLeast("T", "F")).toBe(false);
    });
});
