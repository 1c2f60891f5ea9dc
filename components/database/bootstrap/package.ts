/**
 * The bootstrap function's code: ./handler.mjs as `index.mjs`, the rendered SQL as
 * `statements.json`, and the `pg` client with its runtime dependencies copied from this
 * project's node_modules (Lambda's Node.js runtime ships the AWS SDK, not a PostgreSQL client).
 * No bundler: the files go in as they are installed, so what runs is what `npm ci` installed.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { EnvironmentError } from "../../shared/errors";

/**
 * The project directory (the one holding Pulumi.yaml), found upwards from this module: the plan
 * CLI runs it bundled into bin/, Pulumi and the tests from its source folder.
 */
function projectRoot(from = __dirname): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
        if (path.dirname(dir) === dir) throw new EnvironmentError(`No Pulumi.yaml above ${from}: the database bootstrap function's code is found from the project directory.`);
    }
}

/** The handler's source file, shipped unchanged. */
export const bootstrapHandlerFile = (): string => path.join(projectRoot(), "components", "database", "bootstrap", "handler.mjs");

/** The Lambda runtime the handler is written for (the AWS SDK v3 built in, ES modules). */
export const bootstrapRuntime = "nodejs22.x";

interface PackageJson {
    name: string;
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
}

/**
 * The directories of `root` and every package it needs at run time (dependencies, and the
 * optional ones that are installed), resolved the way Node.js would from `fromDir`.
 * @throws naming the missing package and the fix, when `root` is not installed
 */
export function runtimeClosure(root: string, fromDir = projectRoot()): Map<string, string> {
    const found = new Map<string, string>();
    const visit = (name: string, from: string, optional: boolean): void => {
        if (found.has(name)) return;
        // Node's lookup (node_modules of each folder upwards), without require.resolve: a
        // package's `exports` may hide its package.json.
        let manifest: string | undefined;
        for (let dir = from; ; dir = path.dirname(dir)) {
            const candidate = path.join(dir, "node_modules", name, "package.json");
            if (fs.existsSync(candidate)) {
                manifest = candidate;
                break;
            }
            if (path.dirname(dir) === dir) break;
        }
        if (manifest === undefined) {
            if (optional) return;
            throw new EnvironmentError(
                `The database bootstrap function bundles the "${name}" package, which is not installed: run npm ci (${root} is a dependency of this project in package.json).`,
            );
        }
        const dir = path.dirname(manifest);
        const pkg = JSON.parse(fs.readFileSync(manifest, "utf8")) as PackageJson;
        found.set(name, dir);
        for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir, false);
        for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dep, dir, true);
    };
    visit(root, fromDir, false);
    return found;
}

/** The files of the function, as archive path → local path or text. */
export interface BootstrapCode {
    /** `index.mjs` and `statements.json`. */
    files: Record<string, { text: string }>;
    /** `node_modules/<name>` → the installed package's directory. */
    packages: Record<string, string>;
    /** SHA-256 of the handler and the statements: changing either re-runs the bootstrap. */
    sha256: string;
}

export function bootstrapCode(statements: string[]): BootstrapCode {
    const handler = fs.readFileSync(bootstrapHandlerFile(), "utf8");
    const json = `${JSON.stringify(statements, null, 2)}\n`;
    const packages: Record<string, string> = {};
    for (const [name, dir] of [...runtimeClosure("pg")].sort(([a], [b]) => a.localeCompare(b))) packages[`node_modules/${name}`] = dir;
    return {
        files: { "index.mjs": { text: handler }, "statements.json": { text: json } },
        packages,
        sha256: createHash("sha256").update(handler).update("\0").update(json).digest("hex"),
    };
}
