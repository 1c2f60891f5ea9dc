import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { postgresImageMajor } from "../../components/backup-bucket/aws-job";
import { dockerPostgresMajor } from "../../components/database/docker";
import { images, imagesWithoutDigest } from "../../components/shared/images";
import { shortImage } from "../../offline/topology/docker";
import { parseImageRef } from "../../policy/rules/docker/image-ref";

const root = join(__dirname, "../..");
const read = (path: string): string => readFileSync(join(root, path), "utf8");

/** `repo:tag@sha256:<64 hex>`: a tag for humans and Renovate, the index digest for Docker. */
const PINNED = /^[a-z0-9][a-z0-9._/-]*[a-z0-9]:[A-Za-z0-9][A-Za-z0-9._-]*@sha256:[0-9a-f]{64}$/;
/** `repo:tag`: only for the images in imagesWithoutDigest. */
const TAG_ONLY = /^[a-z0-9][a-z0-9._/-]*[a-z0-9]:[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The `FROM <ref>` lines of a Dockerfile, without any `AS <stage>`. */
const fromLines = (dockerfile: string): string[] =>
    dockerfile
        .split("\n")
        .map((l) => /^FROM\s+(?:--platform=\S+\s+)?(\S+)/i.exec(l)?.[1])
        .filter((x): x is string => x !== undefined);

describe("components/shared/images.ts", () => {
    it("pins every image as repo:tag@sha256:<digest>, except the commented digest-less ones", () => {
        for (const [key, ref] of Object.entries(images)) {
            if (key in imagesWithoutDigest) expect(ref, `${key}: listed as digest-less`).toMatch(TAG_ONLY);
            else expect(ref, `${key} has no digest; pin it, or list it in imagesWithoutDigest with the reason`).toMatch(PINNED);
        }
    });

    it("lists as digest-less only images that exist and lack a digest, each with its reason", () => {
        for (const [key, reason] of Object.entries(imagesWithoutDigest)) {
            expect(Object.keys(images)).toContain(key);
            expect(images[key as keyof typeof images]).not.toContain("@sha256:");
            expect(reason).toMatch(/^digest: not found offline on \d{4}-\d{2}-\d{2}.*pin on first pull$/);
        }
        // Each digest-less line says so in images.ts itself, next to the ref.
        const source = read("components/shared/images.ts");
        for (const key of Object.keys(imagesWithoutDigest)) {
            const lines = source.split("\n");
            const at = lines.findIndex((l) => l.startsWith(`    ${key}: "`));
            expect(at, key).toBeGreaterThan(0);
            expect(lines[at - 1], key).toBe("    // Digest: not found offline on 2026-12-03, pin on first pull.");
        }
    });

    it("takes a tag-and-digest ref apart where the payload reads it (PostgreSQL major, policy, diagram labels)", () => {
        expect(dockerPostgresMajor(images.postgres)).toBe(16);
        expect(postgresImageMajor(images.postgres)).toBe(16);
        expect(dockerPostgresMajor(`docker.io/library/${images.postgres}`)).toBe(16);
        for (const ref of Object.values(images)) {
            const parsed = parseImageRef(ref);
            expect(`${parsed.repository}:${parsed.tag}${parsed.digest ? `@${parsed.digest}` : ""}`).toBe(ref);
            // A diagram shows the version, not 64 hex digits.
            expect(shortImage(ref)).toBe(ref.replace(/@sha256:[0-9a-f]{64}$/, ""));
        }
        expect(shortImage(`nginx@sha256:${"ab".repeat(32)}`)).toBe("nginx@sha256:abababababab…");
    });
});

describe("Dockerfiles use the same bases as images.ts", () => {
    it("backup/Dockerfile: restic and postgres exactly as images.restic and images.postgres", () => {
        // pg_dump must be the server's major (and carry its CVE fixes); restic the one the drills test.
        expect(fromLines(read("backup/Dockerfile"))).toEqual([images.restic, images.postgres]);
    });

    it("app/Dockerfile: both stages on one node LTS image, pinned by tag and digest", () => {
        const froms = fromLines(read("app/Dockerfile"));
        expect(froms).toHaveLength(2);
        expect(new Set(froms).size).toBe(1);
        expect(froms[0]).toMatch(PINNED);
        // An even major: Node's LTS lines (odd majors never become LTS).
        expect(Number(/^node:(\d+)\./.exec(froms[0])?.[1]) % 2).toBe(0);
    });
});

describe("renovate.json", () => {
    const config = JSON.parse(read("renovate.json")) as {
        enabledManagers: string[];
        customManagers: { managerFilePatterns: string[]; matchStrings: string[]; datasourceTemplate: string; autoReplaceStringTemplate: string }[];
        packageRules: { matchPackageNames?: string[]; matchUpdateTypes?: string[]; enabled?: boolean; groupName?: string }[];
    };
    const manager = config.customManagers.find((m) => m.managerFilePatterns.some((p) => new RegExp(p.slice(1, -1)).test("components/shared/images.ts")));

    it("has a docker regex manager for components/shared/images.ts, and the npm, dockerfile and github-actions managers", () => {
        expect(manager?.datasourceTemplate).toBe("docker");
        expect(config.enabledManagers).toEqual(expect.arrayContaining(["custom.regex", "npm", "dockerfile", "github-actions"]));
    });

    it("matches every image line of images.ts, capturing repo, tag and digest, so no image escapes updates", () => {
        const source = read("components/shared/images.ts");
        const block = /export const images = \{\n([\s\S]*?)\n\} as const;/.exec(source)?.[1];
        expect(block).toBeDefined();
        const imageLines = block!.split("\n").filter((l) => /^\s+\w+: "/.test(l));
        expect(imageLines).toHaveLength(Object.keys(images).length);
        for (const line of imageLines) {
            const m = manager!.matchStrings.map((s) => new RegExp(s).exec(line)).find((x) => x !== null);
            expect(m, `renovate.json does not match: ${line.trim()}`).toBeTruthy();
            const { depName, currentValue, currentDigest } = m!.groups!;
            const ref = `${depName}:${currentValue}${currentDigest ? `@${currentDigest}` : ""}`;
            expect(Object.values(images)).toContain(ref);
            // Renovate writes back exactly what it read (the template's shape round-trips the line).
            const rewritten = manager!.autoReplaceStringTemplate
                .replace("{{{depName}}}", depName)
                .replace("{{{newValue}}}", currentValue)
                .replace(/\{\{#if newDigest\}\}@\{\{\{newDigest\}\}\}\{\{\/if\}\}/, currentDigest ? `@${currentDigest}` : "");
            expect(line).toContain(rewritten);
        }
        // It matches nothing else in the file: no path, alias or reason string looks like an image.
        const all = manager!.matchStrings.flatMap((s) => [...source.matchAll(new RegExp(s, "g"))].map((x) => x[0]));
        expect(all).toHaveLength(imageLines.length);
    });

    it("never proposes a PostgreSQL major (the data directory opens only with its own major)", () => {
        const rule = config.packageRules.find((r) => r.matchPackageNames?.includes("postgres") && r.matchUpdateTypes?.includes("major") && r.enabled === false);
        expect(rule).toBeDefined();
    });
});

describe(".github/workflows", () => {
    it("pin every third-party action by commit SHA with its version in a comment (Renovate's github-actions manager keeps both)", () => {
        const dir = join(root, ".github/workflows");
        const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
        expect(files.length).toBeGreaterThan(0);
        let actions = 0;
        for (const file of files) {
            for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
                const uses = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
                if (!uses || uses[1].startsWith("./")) continue;
                actions++;
                expect(`${uses[1]}${uses[2]}`, `${file}: ${line.trim()}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
            }
        }
        expect(actions).toBeGreaterThan(0);
    });
});
