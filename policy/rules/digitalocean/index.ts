import type { SlipwayRule } from "../kit";
import { doDropletAccess } from "./do-droplet-access";
import { doDropletBackupsMonitoring } from "./do-droplet-backups-monitoring";
import { doDropletMonitoring } from "./do-droplet-monitoring";
import { doFirewallIngress } from "./do-firewall-ingress";
import { doSpacesPrivate } from "./do-spaces-private";
import { doSpacesRetention } from "./do-spaces-retention";
import { doSpacesVersioningRetention } from "./do-spaces-versioning-retention";
import { doUserdataNoSecrets } from "./do-userdata-no-secrets";
import { remoteCommandHostKey } from "./remote-command-host-key";

/**
 * DigitalOcean rules. A POLICIES row with two levels (M/A) is two rules: the row's name for the
 * first check listed, a descriptive name for the other (do-droplet-monitoring, do-spaces-retention).
 */
export const digitaloceanRules: SlipwayRule[] = [
    doFirewallIngress,
    doDropletAccess,
    doDropletBackupsMonitoring,
    doDropletMonitoring,
    doUserdataNoSecrets,
    doSpacesPrivate,
    doSpacesVersioningRetention,
    doSpacesRetention,
    remoteCommandHostKey,
];
