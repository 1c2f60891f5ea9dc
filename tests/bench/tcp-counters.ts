/**
 * The kernel's TCP counters that explain a latency tail under many connections: a full listen
 * queue drops the SYN (ListenOverflows) and the client retransmits it after a second
 * (TCPSynRetrans). They count for the whole network namespace, so other activity on the
 * machine adds to them; on loopback during a run it is the run.
 */
import * as fs from "node:fs";

export const tcpCounterNames = ["ListenOverflows", "ListenDrops", "TCPSynRetrans"] as const;
export type TcpCounters = Record<(typeof tcpCounterNames)[number], number>;

/** The TcpExt counters from /proc/net/netstat (a header line of names, then a line of values). */
export function parseTcpCounters(netstat: string): TcpCounters {
    const lines = netstat.split("\n").filter((l) => l.startsWith("TcpExt:"));
    if (lines.length < 2) throw new Error("No TcpExt lines in /proc/net/netstat.");
    const names = lines[0].trim().split(/\s+/);
    const values = lines[1].trim().split(/\s+/).map(Number);
    const out = {} as TcpCounters;
    for (const n of tcpCounterNames) out[n] = values[names.indexOf(n)] ?? 0;
    return out;
}

export const readTcpCounters = (): TcpCounters => parseTcpCounters(fs.readFileSync("/proc/net/netstat", "utf8"));

export function tcpCounterDelta(before: TcpCounters, after: TcpCounters): TcpCounters {
    const out = {} as TcpCounters;
    for (const n of tcpCounterNames) out[n] = after[n] - before[n];
    return out;
}
