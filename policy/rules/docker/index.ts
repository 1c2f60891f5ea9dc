import type { SlipwayRule } from "../kit";
import { imagePinned } from "./image-pinned";
import { imagePinnedDigest } from "./image-pinned-digest";
import { leastPrivilegeRuntime } from "./least-privilege-runtime";
import { noPrivilegedOrHostNamespaces } from "./no-privileged-or-host-namespaces";
import { noPublicPorts } from "./no-public-ports";
import { nonRoot } from "./non-root";
import { followsHostInstance } from "./follows-host-instance";
import { waitOutlastsFirstProbe } from "./wait-outlasts-first-probe";
import { opsHygiene } from "./ops-hygiene";
import { opsHygieneEnvFiles, opsHygieneEnvSecrets } from "./ops-hygiene-env-secrets";
import { resourceLimits } from "./resource-limits";
import { resourceLimitsCpu } from "./resource-limits-cpu";
import { restartPolicy } from "./restart-policy";

/**
 * Docker container rules (docker:index/container:Container). A POLICIES row with two levels is
 * two rules: the row's name for the checks listed first, a descriptive name for the others
 * (resource-limits-cpu, image-pinned-digest, ops-hygiene-env-secrets).
 */
export const dockerRules: SlipwayRule[] = [
    noPrivilegedOrHostNamespaces,
    noPublicPorts,
    resourceLimits,
    resourceLimitsCpu,
    restartPolicy,
    imagePinned,
    imagePinnedDigest,
    nonRoot,
    leastPrivilegeRuntime,
    opsHygiene,
    opsHygieneEnvSecrets,
    opsHygieneEnvFiles,
    followsHostInstance,
    waitOutlastsFirstProbe,
];
