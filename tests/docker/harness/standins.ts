/**
 * Tier 5's stand-in images: no registry is reachable, so every image the payload runs is
 * replaced by one built from Debian bookworm packages that keeps the official image's contract
 * (user and uid/gid, binary and config paths, entrypoint behaviour, health-check tools). The
 * table of what matches and what differs is tests/docker/README.md.
 *
 * How to use from the applier:
 *   const daemon = await startDaemon();                        // ./daemon.ts
 *   const built = await buildStandins(daemon);                 // cold or warm; { hash, warm, ms, images }
 *   standinFor("postgres:16.6-alpine")                         // "slipway-standin/postgres:16.6-alpine"
 *   await buildAppImage(daemon, "slipway-standin/app:test");   // app/ onto the node stand-in
 *   await buildBackupImage(daemon, "slipway-standin/backup:test"); // backup/Dockerfile, FROM lines rewritten
 * Rewrite each container's `inputs.image` with standinFor() (the app and backup images: the
 * tags you built). standinFor() throws for a reference that has no stand-in.
 *
 * CLI: `npx tsx tests/docker/harness/standins.ts build` (starts the tier-5 daemon, builds,
 * prints cold/warm and the times, stops the daemon).
 *
 * Layers: base (mmdebstrap of standins/base/packages, `docker import`ed; keyed on that list
 * only, the slow part) → common (standins/common) → one image per stand-in directory. Cache key
 * of everything above base: this file, every file under tests/docker/standins/, the official
 * references, and the host node and nginx builds copied in. Images carrying that key in their
 * `slipway.standin.hash` label are not rebuilt ("warm").
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { images } from "../../../components/shared/images";
import { run } from "../../live/harness/commands";
import { tier5Dir, type Daemon } from "./daemon";

const repoRoot = path.resolve(__dirname, "../../..");
export const standinsDir = path.join(repoRoot, "tests/docker/standins");
/** Where stand-ins live in the daemon: nothing can mistake them for the official images. */
export const STANDIN_NAMESPACE = "slipway-standin";
const HASH_LABEL = "slipway.standin.hash";
/** The apt sources mmdebstrap copies into the root file system: the host's own mirror configuration. */
const APT_SOURCES = "/etc/apt/sources.list.d/debian.sources";
/** The mainline nginx tier 3/4 run (scripts/build-test-nginx); the nginx stand-in copies it in. */
const TEST_NGINX_LINK = process.env.SLIPWAY_TEST_PREFIX ? path.join(process.env.SLIPWAY_TEST_PREFIX, "nginx") : "/opt/slipway-test/nginx";

/** Official repository (registry and path, no tag) → its stand-in directory under tests/docker/standins. */
const standinDirs: Record<string, string> = {
    nginx: "nginx",
    postgres: "postgres",
    redis: "redis",
    node: "node",
    "prom/prometheus": "prometheus",
    "prom/alertmanager": "alertmanager",
    "grafana/grafana": "grafana",
    "prom/node-exporter": "node-exporter",
    "quay.io/prometheuscommunity/postgres-exporter": "postgres-exporter",
    "oliver006/redis_exporter": "redis-exporter",
    "nginx/nginx-prometheus-exporter": "nginx-exporter",
    "prom/blackbox-exporter": "blackbox-exporter",
    "certbot/certbot": "certbot",
    "restic/restic": "restic",
};

interface ParsedRef {
    repository: string;
    tag: string;
}

/** `[registry/]path[:tag][@digest]` → repository and tag; Docker Hub's `docker.io/library/` prefix dropped. */
export function parseImageRef(ref: string): ParsedRef {
    const noDigest = ref.split("@")[0];
    const lastSlash = noDigest.lastIndexOf("/");
    const colon = noDigest.lastIndexOf(":");
    const hasTag = colon > lastSlash;
    const repository = (hasTag ? noDigest.slice(0, colon) : noDigest).replace(/^docker\.io\/(library\/)?/, "");
    if (!hasTag) {
        throw new Error(`Image reference "${ref}" has no tag; a stand-in is named by the official tag, so pin one (e.g. "${repository}:1.2.3").`);
    }
    return { repository, tag: noDigest.slice(colon + 1) };
}

/**
 * The stand-in reference for an official one: `slipway-standin/<repository, / → ->:<tag>`,
 * e.g. `quay.io/prometheuscommunity/postgres-exporter:v0.16.0` →
 * `slipway-standin/quay.io-prometheuscommunity-postgres-exporter:v0.16.0`.
 */
export function standinFor(officialRef: string): string {
    const { repository, tag } = parseImageRef(officialRef);
    if (!(repository in standinDirs)) {
        throw new Error(
            `No stand-in for image "${officialRef}" (repository "${repository}"); add a directory under tests/docker/standins/ and map it in standinDirs in tests/docker/harness/standins.ts. Known: ${Object.keys(standinDirs).join(", ")}.`,
        );
    }
    return `${STANDIN_NAMESPACE}/${repository.replace(/\//g, "-")}:${tag}`;
}

/** The `FROM` images of a Dockerfile (stage names excluded), in order. */
export function dockerfileBases(text: string): string[] {
    const stages = new Set<string>();
    const bases: string[] = [];
    for (const m of text.matchAll(/^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?\s*$/gim)) {
        if (!stages.has(m[1].toLowerCase())) bases.push(m[1]);
        if (m[2]) stages.add(m[2].toLowerCase());
    }
    return bases;
}

/** Every official image a stand-in is built for: components/shared/images.ts plus the bases of backup/ and app/. */
export function officialImages(): string[] {
    const fromDockerfiles = ["backup/Dockerfile", "app/Dockerfile"].flatMap((f) => dockerfileBases(fs.readFileSync(path.join(repoRoot, f), "utf8")));
    return [...new Set([...Object.values(images), ...fromDockerfiles])].sort();
}

function sha256(...parts: (string | Buffer)[]): string {
    const h = crypto.createHash("sha256");
    for (const p of parts) h.update(p).update("\0");
    return h.digest("hex");
}

function filesUnder(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile())
        .map((e) => path.join(e.parentPath, e.name))
        .sort();
}

/** The packages of the base root file system (comments and blank lines dropped). */
export function basePackages(): string[] {
    return fs
        .readFileSync(path.join(standinsDir, "base/packages"), "utf8")
        .split("\n")
        .map((l) => l.replace(/#.*/, "").trim())
        .filter(Boolean);
}

const mmdebstrapArgs = (packages: string[], out: string) => [
    "--variant=apt",
    "--mode=root",
    "--format=tar",
    `--include=${packages.join(",")}`,
    '--aptopt=APT::Install-Recommends "false"',
    // No apt lists or caches in the image; the stand-ins install nothing at build time.
    "--skip=output/dev",
    "bookworm",
    out,
    APT_SOURCES,
];

/** The host's Node 20 (Debian bookworm's nodejs is 18; the app requires >= 20). */
function hostNode(): string {
    const p = fs.realpathSync(process.execPath);
    return p;
}

/** The directory of the mainline nginx build (contains sbin/nginx), resolved through the stable link. */
function testNginxDir(): string {
    if (!fs.existsSync(path.join(TEST_NGINX_LINK, "sbin/nginx"))) {
        throw new Error(`The nginx stand-in copies the mainline nginx from ${TEST_NGINX_LINK}, which is missing; run \`bash scripts/build-test-nginx\` (as root) first.`);
    }
    return fs.realpathSync(TEST_NGINX_LINK);
}

export interface BuildOptions {
    /** Progress lines. @default console.log */
    log?: (line: string) => void;
}

export interface BuiltStandins {
    /** The cache key the images carry. */
    hash: string;
    /** true: every image was already there; nothing was built. */
    warm: boolean;
    ms: number;
    /** official reference → stand-in reference */
    images: Record<string, string>;
    base: string;
}

function inputsHash(refs: string[]): string {
    const files = filesUnder(standinsDir);
    const node = hostNode();
    const nginx = testNginxDir();
    return sha256(
        fs.readFileSync(__filename),
        ...files.flatMap((f) => [path.relative(standinsDir, f), fs.readFileSync(f)]),
        refs.join("\n"),
        `${node} ${fs.statSync(node).size} ${fs.statSync(node).mtimeMs}`,
        `${nginx} ${fs.readFileSync(path.join(nginx, ".built"), "utf8")}`,
    ).slice(0, 16);
}

async function imageLabel(daemon: Daemon, ref: string): Promise<string | undefined> {
    const r = await daemon.docker(["image", "inspect", "--format", `{{index .Config.Labels "${HASH_LABEL}"}}`, ref]);
    return r.code === 0 ? r.stdout.trim() : undefined;
}

async function imageExists(daemon: Daemon, ref: string): Promise<boolean> {
    return (await daemon.docker(["image", "inspect", "--format", "{{.Id}}", ref])).code === 0;
}

/** The mmdebstrap root file system, imported as slipway-standin/base:<hash of the package list>. */
async function ensureBase(daemon: Daemon, log: (l: string) => void): Promise<string> {
    const packages = basePackages();
    const baseHash = sha256(packages.join("\n"), mmdebstrapArgs(packages, "OUT").join(" "), fs.readFileSync(APT_SOURCES)).slice(0, 16);
    const ref = `${STANDIN_NAMESPACE}/base:${baseHash}`;
    if (await imageExists(daemon, ref)) return ref;
    const rootfsDir = path.join(tier5Dir(), "rootfs");
    fs.mkdirSync(rootfsDir, { recursive: true });
    const tarball = path.join(rootfsDir, `base-${baseHash}.tar`);
    if (!fs.existsSync(tarball)) {
        const t = Date.now();
        log(`stand-ins: mmdebstrap bookworm with ${packages.length} packages → ${tarball}`);
        const tmp = `${tarball}.tmp`;
        const r = await run("mmdebstrap", mmdebstrapArgs(packages, tmp), { timeoutMs: 1_200_000 });
        if (r.code !== 0) {
            fs.rmSync(tmp, { force: true });
            throw new Error(`mmdebstrap of the stand-ins' base failed (${r.timedOut ? "timed out" : `exit ${r.code}`}); check tests/docker/standins/base/packages and the mirror in ${APT_SOURCES}:\n${r.stderr.slice(-3000)}`);
        }
        fs.renameSync(tmp, tarball);
        log(`stand-ins: mmdebstrap took ${((Date.now() - t) / 1000).toFixed(1)} s`);
        // Older base tarballs are dead weight (about 1 GB each).
        for (const f of fs.readdirSync(rootfsDir)) if (/^base-[0-9a-f]+\.tar$/.test(f) && f !== path.basename(tarball)) fs.rmSync(path.join(rootfsDir, f));
    }
    await daemon.docker(["import", "--message", `mmdebstrap bookworm: ${packages.join(" ")}`, tarball, ref], { check: true, timeoutMs: 600_000 });
    return ref;
}

/** A build context: the stand-in's directory plus the host files it needs, under the tier-5 directory. */
function prepareContext(name: string, extra: Record<string, string> = {}): string {
    const dir = path.join(tier5Dir(), "contexts", name);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.cpSync(path.join(standinsDir, name), dir, { recursive: true });
    for (const [to, from] of Object.entries(extra)) fs.cpSync(from, path.join(dir, to), { recursive: true, verbatimSymlinks: true });
    return dir;
}

async function build(daemon: Daemon, context: string, tags: string[], buildArgs: Record<string, string>, labels: Record<string, string>, dockerfile?: string): Promise<void> {
    await daemon.docker(
        [
            "build",
            "--network", "none",
            "--rm", "--force-rm",
            ...(dockerfile ? ["--file", dockerfile] : []),
            ...Object.entries(buildArgs).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]),
            ...Object.entries(labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]),
            ...tags.flatMap((t) => ["--tag", t]),
            context,
        ],
        { check: true, timeoutMs: 600_000 },
    );
}

/** Builds every stand-in that is missing or stale; prints "warm" when none is. */
export async function buildStandins(daemon: Daemon, o: BuildOptions = {}): Promise<BuiltStandins> {
    const log = o.log ?? ((l: string) => console.log(l));
    const t0 = Date.now();
    const refs = officialImages();
    const mapping = Object.fromEntries(refs.map((r) => [r, standinFor(r)]));
    const hash = inputsHash(refs);
    const labels = await Promise.all(refs.map((r) => imageLabel(daemon, mapping[r])));
    const base = await ensureBase(daemon, log);
    if (labels.every((l) => l === hash)) {
        const ms = Date.now() - t0;
        log(`stand-ins: warm (${refs.length} images, hash ${hash}) in ${(ms / 1000).toFixed(1)} s`);
        return { hash, warm: true, ms, images: mapping, base };
    }
    const common = `${STANDIN_NAMESPACE}/common:${hash}`;
    await build(daemon, prepareContext("common"), [common], { BASE: base }, { [HASH_LABEL]: hash });
    const nginxDir = testNginxDir();
    for (const ref of refs) {
        const name = standinDirs[parseImageRef(ref).repository];
        const t = Date.now();
        const extra: Record<string, string> = name === "node" ? { node: hostNode() } : name === "nginx" ? { "nginx-install": nginxDir } : {};
        const args: Record<string, string> = { COMMON: common, ...(name === "nginx" ? { NGINX_DIR: nginxDir } : {}) };
        await build(daemon, prepareContext(name, extra), [mapping[ref]], args, { [HASH_LABEL]: hash, "slipway.standin.official": ref });
        log(`stand-ins: ${mapping[ref]} built in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    const ms = Date.now() - t0;
    log(`stand-ins: cold (${refs.length} images, hash ${hash}) in ${(ms / 1000).toFixed(1)} s`);
    return { hash, warm: false, ms, images: mapping, base };
}

/**
 * The sample app's image from app/, on the node stand-in: app/Dockerfile's runtime stage
 * unchanged (user 10001, WORKDIR /app, ENV, HEALTHCHECK, CMD) except its FROM, and the
 * dependencies copied from app/node_modules (`npm ci` already ran there) instead of the
 * `deps` stage, which needs the registry.
 */
export async function buildAppImage(daemon: Daemon, tag: string): Promise<string> {
    const appDir = path.join(repoRoot, "app");
    if (!fs.existsSync(path.join(appDir, "node_modules"))) throw new Error("app/node_modules is missing; run `(cd app && npm ci)` first.");
    const dockerfile = fs.readFileSync(path.join(appDir, "Dockerfile"), "utf8");
    const stages = dockerfile.split(/^(?=FROM\s)/m);
    const runtime = stages[stages.length - 1];
    const copyDeps = /^COPY --from=deps \/app\/node_modules \.\/node_modules$/m;
    if (!copyDeps.test(runtime)) {
        throw new Error("app/Dockerfile's runtime stage no longer has `COPY --from=deps /app/node_modules ./node_modules`; update buildAppImage in tests/docker/harness/standins.ts to match it.");
    }
    const rewritten = runtime.replace(copyDeps, "COPY node_modules ./node_modules").replace(/^FROM\s+(\S+)/m, (_m, ref: string) => `FROM ${standinFor(ref)}`);
    const ctx = path.join(tier5Dir(), "contexts", "app");
    fs.rmSync(ctx, { recursive: true, force: true });
    fs.mkdirSync(ctx, { recursive: true });
    for (const f of ["package.json", "package-lock.json", "src", "static", "migrations", "node_modules"]) {
        fs.cpSync(path.join(appDir, f), path.join(ctx, f), { recursive: true, verbatimSymlinks: true });
    }
    fs.writeFileSync(path.join(ctx, "Dockerfile"), `# app/Dockerfile's runtime stage, FROM the stand-in, node_modules from app/ (tests/docker/harness/standins.ts)\n${rewritten}`);
    await build(daemon, ctx, [tag], {}, { "slipway.standin.official": "app/Dockerfile" });
    return tag;
}

/** backup/Dockerfile UNCHANGED but for its FROM lines (each official base → its stand-in), built from backup/. */
export async function buildBackupImage(daemon: Daemon, tag: string): Promise<string> {
    const backupDir = path.join(repoRoot, "backup");
    const text = fs.readFileSync(path.join(backupDir, "Dockerfile"), "utf8");
    const rewritten = text.replace(/^(\s*FROM\s+)(\S+)(\s+AS\s+\S+)?\s*$/gim, (_m, from: string, ref: string, as?: string) => `${from}${standinFor(ref)}${as ?? ""}`);
    const file = path.join(tier5Dir(), "contexts", "backup.Dockerfile");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, rewritten);
    await build(daemon, backupDir, [tag], {}, { "slipway.standin.official": "backup/Dockerfile" }, file);
    return tag;
}

async function main(argv: string[]): Promise<void> {
    if (argv[0] !== "build") {
        console.error("usage: npx tsx tests/docker/harness/standins.ts build");
        process.exit(64);
    }
    const { startDaemon } = await import("./daemon");
    const daemon = await startDaemon();
    try {
        await buildStandins(daemon);
    } finally {
        await daemon.stop();
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((e: unknown) => {
        console.error(e instanceof Error ? e.message : e);
        process.exit(1);
    });
}
