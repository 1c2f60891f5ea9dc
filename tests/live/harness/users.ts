/** OS accounts the servers run as (node has no getpwnam; /etc/passwd is enough on Debian). */
import * as fs from "node:fs";

export interface SystemUser {
    name: string;
    uid: number;
    gid: number;
}

export function systemUser(name: string): SystemUser {
    const line = fs
        .readFileSync("/etc/passwd", "utf8")
        .split("\n")
        .find((l) => l.startsWith(`${name}:`));
    if (!line) throw new Error(`No OS user "${name}"; its package creates it: run \`bash scripts/install-test-deps\` (as root).`);
    const [, , uid, gid] = line.split(":");
    return { name, uid: Number(uid), gid: Number(gid) };
}
