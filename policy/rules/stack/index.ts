import type { SlipwayRule } from "../kit";
import { bucketCompleteness } from "./bucket-completeness";
import { burstableCreditAlarms } from "./burstable-credit-alarms";
import { dataTierIsolation } from "./data-tier-isolation";
import { dataVolumeProtected } from "./data-volume-protected";
import { databaseWalShipped } from "./database-wal-shipped";
import { dockerHostMemoryBudget } from "./docker-host-memory-budget";
import { dropletFirewall } from "./droplet-firewall";
import { monitoringCoverage } from "./monitoring-coverage";
import { networkBaseline } from "./network-baseline";
import { noPlaceholderValues } from "./no-placeholder-values";
import { offHostHealthCheck } from "./off-host-health-check";
import { offHostUptime } from "./off-host-uptime";
import { rdsStorageCeilingEvents } from "./rds-storage-ceiling-events";
import { requiredTags } from "./required-tags";
import { statefulHasBackup } from "./stateful-has-backup";
import { statefulProtected } from "./stateful-protected";

/** Stack-level rules: they see every resource at once and check how resources relate. */
export const stackRules: SlipwayRule[] = [
    requiredTags,
    statefulHasBackup,
    bucketCompleteness,
    dataTierIsolation,
    networkBaseline,
    dropletFirewall,
    statefulProtected,
    dataVolumeProtected,
    databaseWalShipped,
    monitoringCoverage,
    burstableCreditAlarms,
    rdsStorageCeilingEvents,
    offHostUptime,
    offHostHealthCheck,
    dockerHostMemoryBudget,
    noPlaceholderValues,
];
