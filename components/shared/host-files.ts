import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { posix } from "node:path";
import { argError } from "./errors";

/**
 * Files and commands on the machine that runs the Docker payload: over SSH on a droplet,
 * through the local shell for the local target. Config files live on the host and are
 * bind-mounted into containers, so a changed config rewrites the file and reloads the
 * process instead of replacing the container.
 *
 * Every written file's create script starts with `# slipway-file: <absolute path>` and takes
 * the content on stdin: `npm run render` finds the files in the graph by that marker.
 */
export interface HostFiles {
    /** Absolute directory all files go under. */
    readonly root: string;
    /** Writes `content` to `root/relativePath` (atomically, via a temp file and rename). */
    write(parent: pulumi.Resource, name: string, args: HostFileArgs): pulumi.CustomResource;
    /** Runs a shell command on the host; re-run whenever one of `triggers` changes. */
    run(parent: pulumi.Resource, name: string, args: HostCommandArgs): pulumi.CustomResource;
}

export interface HostFileArgs {
    /** Path under the host's data directory, e.g. `nginx/nginx.conf`. */
    path: string;
    content: pulumi.Input<string>;
    /** File mode; config holding credentials should be 0600 (or 0640 with a group). @default "0644" */
    mode?: string;
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export interface HostCommandArgs {
    command: pulumi.Input<string>;
    triggers?: pulumi.Input<unknown>[];
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export const FILE_MARKER = "# slipway-file: ";

/** Single-quotes a string for POSIX sh. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The script that writes stdin to `path` with `mode`, atomically. Pure; tested on its own.
 *
 * Directories are made 0755: the processes that read these files run in containers under
 * their own uids (postgres 70, nginx 101, prometheus 65534, …), not as the deploy user who
 * writes them, and a directory they cannot traverse hides even a 0644 file. (With `umask 077`
 * here, PostgreSQL could not read its own config — found by tier 5.) Secrecy is the file's
 * mode: credentials are 0600 and read by an entrypoint running as root, or copied for the
 * process by one. The temporary file is created 0600 whatever its final mode, so the content
 * is never readable by others before `chmod`.
 */
export function writeFileScript(path: string, mode: string): string {
    if (!/^0[0-7]{3}$/.test(mode)) throw argError("mode", mode, `an octal file mode like 0644 (for ${path})`, { where: "host files" });
    const q = shellQuote(path);
    return [
        `${FILE_MARKER}${path}`,
        "set -eu",
        "umask 022",
        `mkdir -p ${shellQuote(posix.dirname(path))}`,
        `(umask 077 && cat > ${q}.tmp)`,
        `chmod ${mode} ${q}.tmp`,
        `mv -f ${q}.tmp ${q}`,
    ].join("\n");
}

/** A stable digest of a (possibly secret) input, for triggers. The digest itself is not secret. */
export function contentHash(content: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.unsecret(pulumi.output(content).apply((c) => createHash("sha256").update(c).digest("hex")));
}

function resolvePath(root: string, relative: string): string {
    const full = posix.normalize(posix.join(root, relative));
    if (!full.startsWith(`${root}/`)) throw argError("path", relative, `a path that stays under ${root}`, { where: "host files" });
    return full;
}

/** Host files over SSH (the vps target). `ready` is the readiness gate every command waits for. */
export function sshHostFiles(root: string, connection: command.types.input.remote.ConnectionArgs, ready: pulumi.Resource): HostFiles {
    return {
        root,
        write(parent, name, a) {
            const path = resolvePath(root, a.path);
            return new command.remote.Command(
                name,
                { connection, create: writeFileScript(path, a.mode ?? "0644"), delete: `rm -f ${shellQuote(path)}`, stdin: a.content },
                { parent, dependsOn: [ready, ...(a.dependsOn ?? [])] },
            );
        },
        run(parent, name, a) {
            return new command.remote.Command(
                name,
                { connection, create: a.command, triggers: a.triggers },
                { parent, dependsOn: [ready, ...(a.dependsOn ?? [])] },
            );
        },
    };
}

/** Host files on this machine (the local target). */
export function localHostFiles(root: string): HostFiles {
    return {
        root,
        write(parent, name, a) {
            const path = resolvePath(root, a.path);
            return new command.local.Command(
                name,
                {
                    create: writeFileScript(path, a.mode ?? "0644"),
                    delete: `rm -f ${shellQuote(path)}`,
                    stdin: a.content,
                    interpreter: ["/bin/sh", "-c"],
                },
                { parent, dependsOn: a.dependsOn },
            );
        },
        run(parent, name, a) {
            return new command.local.Command(
                name,
                { create: a.command, triggers: a.triggers, interpreter: ["/bin/sh", "-c"] },
                { parent, dependsOn: a.dependsOn },
            );
        },
    };
}
