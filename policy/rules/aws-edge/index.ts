import type { SlipwayRule } from "../kit";
import { alarmsActionable } from "./alarms-actionable";
import { albCertificateValidated } from "./alb-certificate-validated";
import { albHardening } from "./alb-hardening";
import { albHttpRedirectOnly } from "./alb-http-redirect-only";
import { albSubnets } from "./alb-subnets";
import { albTlsPolicy } from "./alb-tls-policy";
import { albWaf } from "./alb-waf";
import { ec2Hardening } from "./ec2-hardening";
import { ecsServicePrivate } from "./ecs-service-private";
import { ecsTaskHardening } from "./ecs-task-hardening";
import { ecsTaskLeastPrivilege } from "./ecs-task-least-privilege";
import { sgDescriptionsEgress } from "./sg-descriptions-egress";
import { sgNoOpenIngress } from "./sg-no-open-ingress";
import { snsEncrypted } from "./sns-encrypted";
import { wafLogging } from "./waf-logging";

/**
 * The AWS edge and compute rules of POLICIES.md. Three rows carry two levels and are split, since
 * a policy has one: alb-hardening (A) + alb-subnets (M), ecs-task-hardening (M) +
 * ecs-task-least-privilege (A), alarms-actionable (M) + sns-encrypted (A).
 */
export const awsEdgeRules: SlipwayRule[] = [
    albHttpRedirectOnly,
    albTlsPolicy,
    albHardening,
    albSubnets,
    albWaf,
    wafLogging,
    albCertificateValidated,
    sgNoOpenIngress,
    sgDescriptionsEgress,
    ecsTaskHardening,
    ecsTaskLeastPrivilege,
    ecsServicePrivate,
    ec2Hardening,
    alarmsActionable,
    snsEncrypted,
];
