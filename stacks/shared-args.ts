import type { SlipwayConfig } from "./config";

/** The app's neutral WebTier args from config: the same on every target. */
export function appArgs(config: SlipwayConfig) {
    return {
        port: config.app?.port,
        healthPath: config.app?.healthPath,
        replicas: config.app?.replicas,
        maxReplicas: config.app?.maxReplicas,
        cpu: config.app?.cpu,
        memoryMiB: config.app?.memoryMiB,
        env: config.app?.env,
        rateLimitPerMinute: config.web?.rateLimitPerMinute,
    };
}

/** The neutral Monitoring thresholds from config. */
export function monitoringThresholds(config: SlipwayConfig) {
    return {
        error5xxPercent: config.monitoring?.error5xxPercent,
        latencyP95Ms: config.monitoring?.latencyP95Ms,
        cpuPercent: config.monitoring?.cpuPercent,
        memoryPercent: config.monitoring?.memoryPercent,
    };
}
