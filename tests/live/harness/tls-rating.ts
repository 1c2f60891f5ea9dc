/**
 * The SSL Labs server rating (SSL Server Rating Guide, with its 2014–2020 caps) computed from
 * testssl.sh's JSON findings. testssl.sh ≥ 3.1 rates by this guide itself (finding
 * `overall_grade`); Debian 12 ships 3.0.8, which measures everything the rating needs
 * (protocols, every cipher with its key exchange and bits, the certificate, HSTS, the
 * vulnerability checks) but prints no grade. So the grade is taken from testssl when it gives
 * one, and otherwise derived here from its measurements, never from our own probes.
 */

export interface TestsslFinding {
    id: string;
    severity: string;
    finding: string;
}

export type TlsGrade = "A+" | "A" | "A-" | "B" | "C" | "D" | "E" | "F" | "M" | "T";

export interface TlsRating {
    grade: TlsGrade;
    /** Where the grade comes from: testssl's own `overall_grade`, or derived from its findings. */
    source: "testssl" | "derived";
    /** 0–100: protocol 30%, key exchange 30%, cipher strength 40% (derived only). */
    score?: number;
    protocolScore?: number;
    keyExchangeScore?: number;
    cipherStrengthScore?: number;
    /** Why the grade is capped below what the score gives. */
    caps: string[];
    /** What keeps an A from being an A+ (it becomes A-). */
    warnings: string[];
}

/** Best first; T (untrusted) and M (name mismatch) rank below F. */
export const gradeOrder: readonly TlsGrade[] = ["A+", "A", "A-", "B", "C", "D", "E", "F", "M", "T"];

/** True when `grade` is `min` or better. */
export const gradeAtLeast = (grade: TlsGrade, min: TlsGrade): boolean => gradeOrder.indexOf(grade) <= gradeOrder.indexOf(min);

/** HSTS max-age that earns A+ (testssl's and SSL Labs' 180 days). */
export const hstsMinSeconds = 180 * 86_400;

const protocolScores: Array<[id: string, score: number]> = [
    ["SSLv2", 0],
    ["SSLv3", 80],
    ["TLS1", 90],
    ["TLS1_1", 95],
    ["TLS1_2", 100],
    ["TLS1_3", 100],
];

/** Vulnerabilities that cap the grade when testssl reports them, and to what. */
const vulnerabilityCaps: Record<string, TlsGrade> = {
    heartbleed: "F",
    CCS: "F",
    ticketbleed: "F",
    ROBOT: "F",
    DROWN: "F",
    FREAK: "F",
    LOGJAM: "F",
    POODLE_SSL: "C",
    CRIME_TLS: "C",
    SWEET32: "C",
    RC4: "C",
};

interface Cipher {
    name: string;
    kx: string;
    kxBits?: number;
    encryption: string;
    bits: number;
}

/** `x1302   TLS_AES_256_GCM_SHA384   ECDH 253   AESGCM   256   TLS_AES_256_GCM_SHA384` */
const cipherRe = /^x[0-9a-fA-F]+\s+(\S+)\s+(\S+)(?:\s+(\d+))?\s+(\S+)\s+(\d+)\s+\S+\s*$/;

function parseCiphers(findings: TestsslFinding[]): Cipher[] {
    return findings
        .filter((f) => /^cipher_x[0-9a-f]+$/i.test(f.id))
        .map((f) => {
            const m = cipherRe.exec(f.finding.trim());
            if (!m) throw new Error(`testssl cipher finding ${f.id} is not in the expected form: "${f.finding}"`);
            return { name: m[1], kx: m[2], kxBits: m[3] === undefined ? undefined : Number(m[3]), encryption: m[4], bits: Number(m[5]) };
        });
}

/** SSL Labs' key exchange table (testssl's set_key_str_score): EC sizes have their own steps. */
export function keyStrengthScore(algorithm: string, bits: number): number {
    const ec = /^(EC|ECDH|ECDSA|EdDSA|X25519|X448)/i.test(algorithm);
    const steps: Array<[below: number, score: number]> = ec
        ? [[110, 20], [123, 40], [163, 80], [225, 90]]
        : [[512, 20], [1024, 40], [2048, 80], [4096, 90]];
    for (const [below, score] of steps) if (bits < below) return score;
    return 100;
}

/** SSL Labs' cipher strength table. */
export function cipherBitsScore(bits: number): number {
    if (bits <= 0) return 0;
    if (bits < 128) return 20;
    if (bits < 256) return 80;
    return 100;
}

/** The grade a 0–100 score earns before caps. */
export function scoreGrade(score: number): TlsGrade {
    if (score >= 80) return "A";
    if (score >= 65) return "B";
    if (score >= 50) return "C";
    if (score >= 35) return "D";
    if (score >= 20) return "E";
    return "F";
}

/** Rates testssl findings; throws when they lack what a rating needs (an incomplete run). */
export function rateTestsslFindings(findings: TestsslFinding[]): TlsRating {
    const own = findings.find((f) => f.id === "overall_grade");
    if (own) {
        const grade = own.finding.trim() as TlsGrade;
        if (!gradeOrder.includes(grade)) throw new Error(`testssl overall_grade "${own.finding}" is not a grade.`);
        return {
            grade,
            source: "testssl",
            caps: findings.filter((f) => f.id.startsWith("grade_cap_reason")).map((f) => f.finding),
            warnings: findings.filter((f) => f.id.startsWith("grade_cap_warning")).map((f) => f.finding),
        };
    }

    const byId = (id: string): TestsslFinding | undefined => findings.find((f) => f.id === id);
    const withPrefix = (id: string): TestsslFinding[] => findings.filter((f) => f.id === id || f.id.startsWith(`${id} `));
    const offered = (id: string): boolean => /^offered/i.test(byId(id)?.finding ?? "");
    const caps: Array<[TlsGrade, string]> = [];
    const warnings: string[] = [];

    // --- Protocols (30%): the mean of the best and the worst protocol offered.
    for (const [id] of protocolScores) if (!byId(id)) throw new Error(`testssl findings lack protocol ${id}: run it with -p.`);
    const protocols = protocolScores.filter(([id]) => offered(id));
    if (protocols.length === 0) throw new Error("testssl found no SSL/TLS protocol offered.");
    const protocolScore = (Math.max(...protocols.map(([, s]) => s)) + Math.min(...protocols.map(([, s]) => s))) / 2;
    if (offered("SSLv2")) caps.push(["F", "SSL 2 offered"]);
    if (offered("SSLv3")) caps.push(["B", "SSL 3 offered"]);
    if (offered("TLS1") || offered("TLS1_1")) caps.push(["B", "TLS 1.0 or 1.1 offered"]);
    if (!offered("TLS1_2")) caps.push(["C", "TLS 1.2 not offered"]);
    if (!offered("TLS1_3")) warnings.push("TLS 1.3 not offered");

    // --- Ciphers: strength (40%) and the kinds that cap.
    const ciphers = parseCiphers(findings);
    if (ciphers.length === 0) throw new Error("testssl findings list no cipher (cipher_x…): run it with -e.");
    const bits = ciphers.map((c) => c.bits);
    const cipherStrengthScore = (cipherBitsScore(Math.max(...bits)) + cipherBitsScore(Math.min(...bits))) / 2;
    if (Math.min(...bits) < 112) caps.push(["F", "a cipher weaker than 112 bits"]);
    for (const [id, what] of [["cipherlist_NULL", "NULL"], ["cipherlist_aNULL", "anonymous"], ["cipherlist_EXPORT", "export"]] as const) {
        if (offered(id)) caps.push(["F", `${what} ciphers offered`]);
    }
    if (offered("cipherlist_3DES_IDEA")) caps.push(["C", "64-bit block ciphers (3DES/IDEA) offered"]);
    if (!ciphers.some((c) => /GCM|CHACHA20|CCM/i.test(c.encryption) || /GCM|CHACHA20|CCM/i.test(c.name))) caps.push(["B", "no AEAD cipher"]);
    const fs = byId("FS") ?? byId("PFS");
    const hasFs = fs ? /^offered/i.test(fs.finding) : ciphers.some((c) => /^(ECDH|DH)/.test(c.kx));
    if (!hasFs) caps.push(["B", "no forward secrecy"]);

    // --- Key exchange (30%): the weakest of the certificate key and the ephemeral keys.
    let keyExchangeScore = 100;
    const keySizes = withPrefix("cert_keySize");
    if (keySizes.length === 0) throw new Error("testssl findings lack cert_keySize: run it with -S.");
    for (const f of keySizes) {
        const m = /^(\S+)\s+(\d+)\s+bits/.exec(f.finding);
        if (!m) throw new Error(`testssl cert_keySize "${f.finding}" is not "<algorithm> <n> bits".`);
        const keyScore = keyStrengthScore(m[1], Number(m[2]));
        keyExchangeScore = Math.min(keyExchangeScore, keyScore);
        // Below 112-bit security (RSA 2048 / EC 224) the certificate key itself caps the grade.
        if (keyScore <= 40) caps.push(["F", `certificate key ${f.finding}`]);
        else if (keyScore <= 80) caps.push(["B", `certificate key ${f.finding}`]);
    }
    for (const c of ciphers) if (c.kxBits !== undefined) keyExchangeScore = Math.min(keyExchangeScore, keyStrengthScore(c.kx, c.kxBits));

    // --- Certificate: trust and name are hard caps.
    for (const f of withPrefix("cert_chain_of_trust")) if (!/^passed/i.test(f.finding)) caps.push(["T", `certificate chain not trusted: ${f.finding}`]);
    for (const f of withPrefix("cert_trust")) if (!/^Ok via/i.test(f.finding)) caps.push(["M", `certificate name: ${f.finding}`]);
    for (const f of withPrefix("cert_expirationStatus")) if (/expired/i.test(f.finding)) caps.push(["T", "certificate expired"]);
    if (withPrefix("cert_chain_of_trust").length === 0) throw new Error("testssl findings lack cert_chain_of_trust: run it with -S.");

    // --- Vulnerabilities.
    for (const [id, cap] of Object.entries(vulnerabilityCaps)) {
        const f = byId(id);
        if (!f) throw new Error(`testssl findings lack the ${id} check: run it with -U.`);
        if (/^(potentially )?VULNERABLE/i.test(f.finding)) caps.push([cap, `vulnerable to ${id}`]);
    }
    const renego = byId("secure_renego");
    if (renego && /not supported|VULNERABLE/i.test(renego.finding)) caps.push(["C", "no secure renegotiation"]);
    const scsv = byId("fallback_SCSV");
    if (scsv && /NOT supported/i.test(scsv.finding)) warnings.push("no TLS_FALLBACK_SCSV downgrade protection");

    // --- Grade: score, then caps, then A+/A- by warnings and HSTS.
    const score = protocolScore * 0.3 + keyExchangeScore * 0.3 + cipherStrengthScore * 0.4;
    let grade = scoreGrade(score);
    for (const [cap] of caps) if (gradeOrder.indexOf(cap) > gradeOrder.indexOf(grade)) grade = cap;
    if (grade === "A") {
        const hsts = /=\s*(\d+)\s*seconds/.exec(byId("HSTS_time")?.finding ?? "");
        if (warnings.length > 0) grade = "A-";
        else if (hsts && Number(hsts[1]) >= hstsMinSeconds) grade = "A+";
    }
    return {
        grade,
        source: "derived",
        score,
        protocolScore,
        keyExchangeScore,
        cipherStrengthScore,
        caps: caps.map(([g, why]) => `${g}: ${why}`),
        warnings,
    };
}
