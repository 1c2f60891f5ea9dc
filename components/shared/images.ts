/**
 * The images the Docker payload runs, pinned to an exact version AND to the registry's manifest
 * list (multi-arch index) digest: `repo:tag@sha256:<digest>`. Docker pulls by the digest and
 * ignores the tag, so a re-pushed tag cannot change what runs; the tag stays for humans and for
 * Renovate (renovate.json's customManagers regex reads `depName:currentValue@currentDigest` from
 * each line below and bumps tag and digest together). Bump them here, in one place, deliberately.
 * The app image comes from config; on `local` it is built from app/.
 *
 * Versions and digests as of 2026-12-03, from public records only: docker-library/repo-info
 * (repos/<name>/remote/<tag>.md) for the library images, and for the others the same
 * `repo:tag@sha256:` pin found in several independent public repositories. Where no digest could
 * be found offline the image is pinned by tag only, is listed in `imagesWithoutDigest` (with the
 * reason), and the policy pack's image-pinned-digest advisory keeps flagging it until someone
 * pins it on first pull (`docker buildx imagetools inspect <ref>`). Never invent a digest.
 *
 * One line per image, `key: "ref",`: the Renovate regex and tests/unit/images.test.ts rely on it.
 */
export const images = {
    // nginx 1.27.3 (mainline, Dec 2024) -> 1.30.5, the current stable line. Stable rather than
    // mainline: everything the rendered nginx.conf needs (`http2 on`, `server ... resolve` in an
    // upstream, `ssl_reject_handshake`) is in 1.30; the stable branch takes only security and
    // critical fixes, so the patch-only update policy in renovate.json stays low-risk; and the
    // tier 3/4 tests run Debian's nginx, which follows the same stable line. Fixes since 1.27.3
    // include CVE-2025-23419 (TLS session resumption bypassing client-certificate checks across
    // SNI names, 1.27.4) and CVE-2025-53859 (ngx_mail_smtp memory disclosure, 1.29.1).
    nginx: "nginx:1.30.5-alpine@sha256:0985e772fb9f729e6fa0980da05fca5d9c468e870eed43071545afa9d2e27d94",
    // PostgreSQL stays on major 16: a data directory only opens with its own major
    // (components/database/docker.ts checks engineVersion against it; a major bump needs
    // pg_upgrade). 16.6 -> 16.15 fixes, among others, CVE-2025-1094 (libpq quoting, 16.7),
    // CVE-2026-6473 (integer wraparound -> out-of-bounds write by any SQL user, 16.14) and
    // CVE-2026-6477 (libpq lo_read stack overwrite, reached by pg_dump, 16.14): backup/Dockerfile
    // dumps with this image's pg_dump.
    postgres: "postgres:16.15-alpine@sha256:721873c34ceb9f8d8fc265984940dc982404c105f19ad51be9fdc5970a6080ea",
    // Redis stays on 7.4.x (same RDB/AOF format and config keys as the rendered redis.conf).
    // 7.4.1 -> 7.4.11 fixes CVE-2024-46981 (Lua GC use-after-free RCE, 7.4.2), CVE-2025-21605
    // (unauthenticated output-buffer growth, 7.4.3) and CVE-2025-49844 (Lua use-after-free RCE,
    // "RediShell", 7.4.6), among others.
    redis: "redis:7.4.11-alpine@sha256:ff02b58f971e7d7d156a1267e283fcbbeee91773b6aa36c49dac28ecfe28eadf",
    // v2.55.1 is the last v2 release (no newer v2 patch exists), so only the digest is new. v3
    // changes query semantics (regex `.` matches newlines, left-open range selectors, UTF-8
    // names) and the tier 3 promtool is Debian's v2: moving to the v3 LTS needs the rules and
    // prometheus.yml re-checked with a v3 promtool first, so renovate.json holds majors back for
    // approval. The v2 line receives no more security fixes: that migration is the next step.
    prometheus: "prom/prometheus:v2.55.1@sha256:2659f4c2ebb718e7695cb9b25ffa7d6be64db013daba13e05c875451cf51b0d3",
    // v0.27.0 -> v0.34.1: Go runtime and dependency security fixes; the rendered config uses
    // quoted `matchers` (the UTF-8-safe syntax newer releases parse strictly) and slack/webhook
    // receivers, unchanged in these releases.
    alertmanager: "prom/alertmanager:v0.34.1@sha256:e9733bafb1bdef9b00e25a21f8f99dc26a22224bf16641ad754d1649f4c3357a",
    // 11.3.1 -> 12.4.12: the 11.x line is out of support (Grafana patches the current major and
    // the last minor of the previous one), so 11.3.x gets no security fixes. 12.4 is the last
    // 12.x minor; our provisioning (one Prometheus data source, file dashboards of timeseries and
    // stat panels, GF_SECURITY_ADMIN_PASSWORD__FILE) uses nothing 12.x removed (Angular panels).
    // Digest from a single public record (see the file comment): verify on first pull.
    grafana: "grafana/grafana:12.4.12@sha256:83be3e511ede559bee80e2215bb1987cb1246075461cb961beb515b0341e7aea",
    // v1.8.2 -> v1.12.1: Go runtime fixes; the flags we pass (path.*, textfile, filesystem
    // excludes, web.listen-address) are unchanged.
    nodeExporter: "prom/node-exporter:v1.12.1@sha256:1b4e4438faca4dd7e001dd445d161a4a2091b0fededa84093b3a8dfeae1f1be0",
    // v0.16.0 -> v0.20.1: Go runtime and lib/pq/pgx fixes; DATA_SOURCE_NAME and the *_FILE
    // variants are still read.
    postgresExporter: "quay.io/prometheuscommunity/postgres-exporter:v0.20.1@sha256:ac5ec343104fae0e2d84a27bb8d69b38430a11910c5382cad85d478d2bab713e",
    // The -alpine build: the default one is FROM scratch, with no wget for a health check.
    // v1.66.0 -> v1.90.0 (Go runtime fixes). Only the scratch variant's digest is on record.
    // Digest: not found offline on 2026-12-03, pin on first pull.
    redisExporter: "oliver006/redis_exporter:v1.90.0-alpine",
    // 1.3.0 -> 1.5.3 (Go runtime fixes).
    // Digest: not found offline on 2026-12-03, pin on first pull.
    nginxExporter: "nginx/nginx-prometheus-exporter:1.5.3",
    // v0.25.0 -> v0.28.0 (Go runtime fixes; blackbox.yml modules unchanged).
    blackboxExporter: "prom/blackbox-exporter:v0.28.0@sha256:e753ff9f3fc458d02cca5eddab5a77e1c175eee484a8925ac7d524f04366c2fc",
    // v2.11.0 -> v5.10.0: 5.10.0 fixes a race in the webroot plugin (the one we use) that could
    // chown/chmod an unintended file. The flags in components/web-tier/acme.ts (certonly,
    // --webroot, --key-type ecdsa, --keep-until-expiring, --deploy-hook, --break-my-certs) are
    // unchanged through 3.x-5.x (3.0 removed only flags we never used).
    // Digest: not found offline on 2026-12-03, pin on first pull.
    certbot: "certbot/certbot:v5.10.0",
    // 0.17.3 -> 0.19.1: 0.18.0 mitigates an attack on the content-defined chunker (restic
    // Sec #5291); repository format unchanged (v2), so existing repositories keep working.
    // backup/Dockerfile copies its binary out: keep both FROM lines equal to these refs.
    restic: "restic/restic:0.19.1@sha256:136600b6ff6843d61d355f7f71f460a166429f35de6fd11b568fece3c9a4d510",
} as const;

/**
 * The images pinned by tag only, because no digest for that exact tag could be found in public
 * records offline; each says why. tests/unit/images.test.ts allows exactly these to lack a
 * digest, and the image-pinned-digest advisory keeps reporting them. Pin each (and remove it
 * here) on first pull: `docker buildx imagetools inspect <ref>` prints the index digest.
 */
export const imagesWithoutDigest: Partial<Record<keyof typeof images, string>> = {
    redisExporter: "digest: not found offline on 2026-12-03 for v1.90.0-alpine, pin on first pull",
    nginxExporter: "digest: not found offline on 2026-12-03 for 1.5.3, pin on first pull",
    certbot: "digest: not found offline on 2026-12-03 for v5.10.0, pin on first pull",
};

/** Fixed DNS aliases of the payload's services on the Docker networks. */
export const serviceAliases = {
    edge: "edge",
    app: "app",
    postgres: "postgres",
    redis: "redis",
    prometheus: "prometheus",
    alertmanager: "alertmanager",
    grafana: "grafana",
    nodeExporter: "node-exporter",
    postgresExporter: "postgres-exporter",
    redisExporter: "redis-exporter",
    nginxExporter: "nginx-exporter",
    blackboxExporter: "blackbox-exporter",
    backup: "backup",
} as const;

/** Ports inside the Docker networks (never published, except the edge's 80/443). */
export const servicePorts = {
    postgres: 5432,
    redis: 6379,
    /** nginx `stub_status`, on the edge network only. */
    nginxStatus: 8081,
    prometheus: 9090,
    alertmanager: 9093,
    grafana: 3000,
    nodeExporter: 9100,
    postgresExporter: 9187,
    redisExporter: 9121,
    nginxExporter: 9113,
    blackboxExporter: 9115,
} as const;

/**
 * Layout of the host's data directory (the block-storage volume on vps), relative paths.
 * Containers bind-mount these; `npm run render` writes files at the same relative paths.
 */
export const hostPaths = {
    nginxConf: "nginx/nginx.conf",
    nginxCerts: "nginx/certs",
    acmeWebroot: "acme/webroot",
    acmeState: "acme/letsencrypt",
    postgresData: "postgres/data",
    /**
     * postgresql.conf and pg_hba.conf share a directory that is bind-mounted whole: a file
     * rewritten by rename is a new inode, which a single-file bind mount would never show, and
     * PostgreSQL reloads these in place.
     */
    postgresConf: "postgres/conf/postgresql.conf",
    postgresHba: "postgres/conf/pg_hba.conf",
    /** The generated password, read once by the image's entrypoint when it initialises the data directory. */
    postgresPassword: "postgres/secrets/password",
    /**
     * The server's socket directory, shared with the backup job when WAL is archived (pgBackRest
     * talks to the server over it), and the WAL spool inside it, where `basic_archive` puts each
     * finished segment until the job has shipped it. Inside the socket directory because the
     * image's entrypoint hands that whole tree to the postgres user at every start.
     */
    postgresRun: "postgres/run",
    postgresWalSpool: "postgres/run/archive",
    redisData: "redis/data",
    redisConf: "redis/redis.conf",
    prometheusConf: "prometheus/prometheus.yml",
    prometheusRules: "prometheus/rules",
    prometheusData: "prometheus/data",
    alertmanagerConf: "alertmanager/alertmanager.yml",
    alertmanagerData: "alertmanager/data",
    grafanaProvisioning: "grafana/provisioning",
    grafanaDashboards: "grafana/dashboards",
    grafanaData: "grafana/data",
    /** Grafana's admin password file (0600), read through GF_SECURITY_ADMIN_PASSWORD__FILE. */
    grafanaSecrets: "grafana/secrets",
    /** `promtool test rules` cases for the rendered alert rules (not loaded by Prometheus). */
    prometheusRuleTests: "prometheus/tests",
    blackboxConf: "blackbox/blackbox.yml",
    /** node-exporter's textfile collector reads *.prom here (the backup job's last-success metric). */
    textfileCollector: "node-exporter/textfile",
    backupScript: "backup/backup.sh",
    backupRepository: "backup/repository",
    /** The restore script beside the backup script (the runbook and the restore drill run it). */
    backupRestoreScript: "backup/restore.sh",
    /** restic's cache and temporary pack files: on disk, not in the container's memory. */
    backupCache: "backup/cache",
    /** Point-in-time recovery: the job script, pgBackRest's configuration (no secret) and the host's restore script, beside backup.sh. */
    pitrScript: "backup/pitr.sh",
    pgbackrestConf: "backup/pgbackrest.conf",
    pitrRestoreScript: "backup/restore-to-time.sh",
    /** The pgBackRest repository of the local target (vps keeps it in the Spaces bucket). */
    pitrRepository: "backup/pgbackrest",
} as const;
