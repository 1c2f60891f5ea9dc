import { Graph } from "../../offline/graph";

/**
 * The graph without the backup bucket's server-access-log resources (`<name>-access-log…`),
 * so tests of the backup bucket itself can keep finding "the" bucket, lifecycle and policy;
 * tests/unit/backup-bucket-access-logs.test.ts covers the log bucket.
 */
export function withoutAccessLogs(graph: Graph, name = "backups"): Graph {
    return new Graph(graph.resources.filter((r) => !r.name.startsWith(`${name}-access-log`)));
}
