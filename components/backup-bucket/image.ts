/**
 * The backup image (backup/Dockerfile: pg_dump of the server's major version, restic and the
 * job's user), as every target that runs it needs to know it. The Docker targets build it on
 * their host; the aws target builds it and pushes it to the job's ECR repository.
 */
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { EnvironmentError } from "../shared/errors";

export const backupImage = {
    /** The build context, relative to the Pulumi project directory. */
    buildContext: "backup",
    /** The job's unprivileged user and group (`adduser -u 10001` in the Dockerfile). */
    user: "10001:10001",
    /**
     * The job's cache and temporary files: created owned by the job's user and declared a
     * `VOLUME`, so a Fargate bind mount here starts out owned by that user too (Fargate copies a
     * VOLUME path's contents, ownership and mode into the mount). The Docker targets bind-mount a
     * host directory over it.
     */
    cacheDir: "/var/cache/slipway-backup",
} as const;

/** Every file under `dir`, relative, sorted (bounded: a build context is a handful of files). */
function filesUnder(dir: string, root = dir, depth = 0): string[] {
    if (depth > 8) throw new EnvironmentError(`The backup image's build context ${root} nests deeper than 8 directories.`);
    return readdirSync(dir)
        .sort()
        .flatMap((name) => {
            const path = join(dir, name);
            return statSync(path).isDirectory() ? filesUnder(path, root, depth + 1) : [relative(root, path)];
        });
}

/**
 * A tag that changes exactly when the build context does (`ctx-` and 16 hex digits of a
 * SHA-256 over every file's path and bytes): pushes to a repository whose tags are immutable
 * then never collide, and an unchanged context is not rebuilt.
 */
export function buildContextTag(dir: string): string {
    let files: string[];
    try {
        files = filesUnder(dir);
    } catch (e) {
        throw new EnvironmentError(`The backup image's build context ${dir} cannot be read (${(e as Error).message}); run Pulumi from the project directory.`);
    }
    const hash = createHash("sha256");
    for (const f of files) hash.update(`${f}\0`).update(readFileSync(join(dir, f))).update("\0");
    return `ctx-${hash.digest("hex").slice(0, 16)}`;
}
