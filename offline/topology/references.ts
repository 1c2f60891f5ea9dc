import { parse as parseYaml } from "yaml";

/**
 * Where a container connects to, read from what configures it: its environment, its command
 * line, and the config files mounted into it. Only host names and ports are extracted; the
 * caller resolves host names against the containers on the same Docker networks (what
 * Docker's DNS would answer) and drops the rest (loopback, public names).
 */
export interface Reference {
    host: string;
    port?: number;
    /** Protocol as written (`postgres`, `http`, …), when the text says it. */
    scheme?: string;
    /**
     * `connects`: an ordinary client connection. `scrape`: Prometheus pulls metrics from the
     * host. `alerts`: Prometheus pushes alerts to the host.
     */
    role: "connects" | "scrape" | "alerts";
}

const URL_PATTERN = /\b([a-z][a-z0-9+.-]*):\/\/(?:[^@/\s"']*@)?([A-Za-z0-9_.-]+)(?::(\d{1,5}))?/g;

/** Every `scheme://[user@]host[:port]` in a text. */
export function urlReferences(text: string): Reference[] {
    return [...text.matchAll(URL_PATTERN)].map((m) => ({ scheme: m[1], host: m[2], port: m[3] ? Number(m[3]) : defaultPort(m[1]), role: "connects" as const }));
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, postgres: 5432, postgresql: 5432, redis: 6379, rediss: 6379 };
const defaultPort = (scheme: string): number | undefined => DEFAULT_PORTS[scheme];

/** Environment `K=V` entries: URLs in values, and libpq-style `<P>HOST` / `<P>PORT` pairs. */
export function envReferences(envs: string[]): Reference[] {
    const vars = new Map(envs.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)] as const));
    const refs = [...vars.values()].flatMap(urlReferences);
    for (const [key, value] of vars) {
        const m = /^(.*)HOST$/.exec(key);
        if (!m || !value || value.includes("/")) continue;
        const port = vars.get(`${m[1]}PORT`);
        // libpq reads PGHOST/PGPORT: the prefix says which protocol it is.
        refs.push({ host: value, port: port ? Number(port) : undefined, scheme: m[1] === "PG" ? "postgres" : undefined, role: "connects" });
    }
    // postgres_exporter's DATA_SOURCE_URI: `host:port/database?…`, the credentials in other variables.
    const dataSource = /^([A-Za-z0-9_.-]+)(?::(\d{1,5}))?(?:[/?]|$)/.exec(vars.get("DATA_SOURCE_URI") ?? "");
    if (dataSource) refs.push({ host: dataSource[1], port: dataSource[2] ? Number(dataSource[2]) : 5432, scheme: "postgres", role: "connects" });
    return refs;
}

/** nginx: upstream servers (with the scheme of the `proxy_pass` that uses them) and direct proxy targets. */
export function nginxReferences(conf: string): Reference[] {
    const refs: Reference[] = [];
    const schemes = new Map<string, string>();
    for (const m of conf.matchAll(/proxy_pass\s+([a-z]+):\/\/([A-Za-z0-9_.-]+)(?::(\d+))?/g)) {
        schemes.set(m[2], m[1]);
        if (m[3]) refs.push({ scheme: m[1], host: m[2], port: Number(m[3]), role: "connects" });
    }
    for (const block of conf.matchAll(/upstream\s+([A-Za-z0-9_.-]+)\s*\{([^}]*)\}/g)) {
        for (const s of block[2].matchAll(/^\s*server\s+([A-Za-z0-9_.-]+)(?::(\d+))?/gm)) {
            refs.push({ scheme: schemes.get(block[1]), host: s[1], port: s[2] ? Number(s[2]) : undefined, role: "connects" });
        }
    }
    return refs;
}

/** nginx `listen` ports and whether they speak TLS. */
export function nginxListens(conf: string): Map<number, "HTTP" | "HTTPS"> {
    const out = new Map<number, "HTTP" | "HTTPS">();
    for (const m of conf.matchAll(/^\s*listen\s+(?:[\d.:[\]]+:)?(\d+)([^;]*);/gm)) {
        const port = Number(m[1]);
        if (out.get(port) !== "HTTPS") out.set(port, /\bssl\b/.test(m[2]) ? "HTTPS" : "HTTP");
    }
    return out;
}

const hostPort = (target: string, role: Reference["role"], scheme?: string): Reference | undefined => {
    const m = /^([A-Za-z0-9_.-]+):(\d{1,5})$/.exec(target);
    return m ? { host: m[1], port: Number(m[2]), scheme, role } : undefined;
};

type Yaml = Record<string, unknown>;
// Each reader first checks for its top-level key, so large JSON dashboards are never parsed.
const asYaml = (text: string): Yaml | undefined => {
    try {
        const doc = parseYaml(text) as unknown;
        return doc && typeof doc === "object" && !Array.isArray(doc) ? (doc as Yaml) : undefined;
    } catch {
        return undefined;
    }
};
const list = (v: unknown): Yaml[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === "object") as Yaml[]) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** A Prometheus config: scrape targets (and relabelled exporter addresses) and Alertmanagers. */
export function prometheusReferences(text: string): Reference[] | undefined {
    const doc = /^scrape_configs:/m.test(text) ? asYaml(text) : undefined;
    if (!doc || !Array.isArray(doc.scrape_configs)) return undefined;
    const refs: Reference[] = [];
    for (const job of list(doc.scrape_configs)) {
        const scheme = typeof job.scheme === "string" ? job.scheme : "http";
        // A job that rewrites __address__ scrapes that address (an exporter probing the targets).
        const rewrite = list(job.relabel_configs).find((r) => r.target_label === "__address__" && typeof r.replacement === "string");
        const targets = rewrite ? [rewrite.replacement as string] : list(job.static_configs).flatMap((c) => strings(c.targets));
        for (const t of targets) {
            const ref = hostPort(t, "scrape", scheme);
            if (ref) refs.push(ref);
        }
    }
    const alerting = (doc.alerting ?? {}) as Yaml;
    for (const am of list(alerting.alertmanagers)) {
        for (const t of list(am.static_configs).flatMap((c) => strings(c.targets))) {
            const ref = hostPort(t, "alerts", typeof am.scheme === "string" ? am.scheme : "http");
            if (ref) refs.push(ref);
        }
    }
    return refs;
}

/** A Grafana data-source provisioning file: the data sources' URLs. */
export function grafanaReferences(text: string): Reference[] | undefined {
    const doc = /^datasources:/m.test(text) ? asYaml(text) : undefined;
    if (!doc || !Array.isArray(doc.datasources)) return undefined;
    return list(doc.datasources).flatMap((d) => (typeof d.url === "string" ? urlReferences(d.url) : []));
}

/** An Alertmanager config: how many notification targets of each kind (`email ×2`). */
export function alertReceivers(text: string): Map<string, number> | undefined {
    const doc = /^receivers:/m.test(text) ? asYaml(text) : undefined;
    if (!doc || !Array.isArray(doc.receivers) || !doc.route) return undefined;
    const kinds = new Map<string, number>();
    for (const r of list(doc.receivers)) {
        for (const [key, value] of Object.entries(r)) {
            const m = /^(\w+)_configs$/.exec(key);
            if (m) kinds.set(m[1], (kinds.get(m[1]) ?? 0) + (Array.isArray(value) ? value.length : 1));
        }
    }
    return kinds;
}

const SCHEME_NAMES: Record<string, string> = { postgres: "PostgreSQL", postgresql: "PostgreSQL", redis: "Redis", rediss: "Redis TLS", http: "HTTP", https: "HTTPS" };

/** `PostgreSQL 5432`, `HTTP 8081`, `TCP 9000`. */
export const protocolLabel = (scheme: string | undefined, port: number | undefined): string =>
    `${scheme ? (SCHEME_NAMES[scheme] ?? scheme.toUpperCase()) : "TCP"}${port ? ` ${port}` : ""}`;
