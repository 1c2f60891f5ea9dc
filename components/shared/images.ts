/**
 * The images the Docker payload runs, pinned to exact versions (a tag never moves under us
 * between two `pulumi up`s of the same code). Bump them here, in one place, deliberately.
 * The app image comes from config; on `local` it is built from app/.
 */
export const images = {
    nginx: "nginx:1.27.3-alpine",
    postgres: "postgres:16.6-alpine",
    redis: "redis:7.4.1-alpine",
    prometheus: "prom/prometheus:v2.55.1",
    alertmanager: "prom/alertmanager:v0.27.0",
    grafana: "grafana/grafana:11.3.1",
    nodeExporter: "prom/node-exporter:v1.8.2",
    postgresExporter: "quay.io/prometheuscommunity/postgres-exporter:v0.16.0",
    // The -alpine build: the default one is FROM scratch, with no wget for a health check.
    redisExporter: "oliver006/redis_exporter:v1.66.0-alpine",
    nginxExporter: "nginx/nginx-prometheus-exporter:1.3.0",
    blackboxExporter: "prom/blackbox-exporter:v0.25.0",
    certbot: "certbot/certbot:v2.11.0",
    restic: "restic/restic:0.17.3",
} as const;

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
} as const;
