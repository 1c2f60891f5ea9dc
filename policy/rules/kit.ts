import type {
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { UnknownValueError } from "@pulumi/policy";

/**
 * The building blocks every Slipway rule uses: one place for metadata (group, sources,
 * remediation), type aliases, and reading values that may be unknown during preview.
 */
export type RuleGroup = "aws" | "digitalocean" | "docker" | "stack";

export interface RuleMeta {
    /** kebab-case rule name, as in shared POLICIES.md. */
    name: string;
    group: RuleGroup;
    /** What the rule requires, in one sentence a user can act on. */
    description: string;
    /** checkov / AWS FSBP / CIS identifiers. */
    sources: string[];
    /** How to fix a violation. */
    remediation: string;
    /** Default level; users override it per rule in the policy config. */
    level: EnforcementLevel;
    /**
     * A different level for the offline plan only, and why (offline/policy-run.ts appends the
     * note to each finding). `pulumi preview --policy-pack policy` always enforces `level`.
     */
    offline?: { level: EnforcementLevel; note: string };
    configSchema?: PolicyConfigSchema;
}

export interface SlipwayRule {
    meta: RuleMeta;
    policy: ResourceValidationPolicy | StackValidationPolicy;
}

/** The description users see: requirement, remediation, sources. */
export const describe = (m: RuleMeta): string =>
    `${m.description} Remediation: ${m.remediation} [${m.sources.join(", ")}]`;

/** Sentinel for a value that cannot be known during preview. */
export const UNKNOWN: unique symbol = Symbol("unknown at preview");
export type Maybe<T> = T | typeof UNKNOWN;

/**
 * Reads a property through the SDK's unknown-checking proxy. An unknown value would abort the
 * whole rule (the server then downgrades it to an advisory "can't run during preview"), so read
 * each decisive value through this and decide explicitly what an unknown means.
 */
export function read<T>(get: () => T): Maybe<T> {
    try {
        return get();
    } catch (e) {
        if (e instanceof UnknownValueError) return UNKNOWN;
        throw e;
    }
}

/** Reports a value that decides the rule but is unknown at preview: never a silent pass. */
export function reportUnknown(report: ReportViolation, what: string): void {
    report(`${what} is unknown during preview, so this cannot be verified; set it to a known value.`);
}

/** Type tokens, including aliases (aws:lb/… and aws:alb/…). */
export const types = {
    lbListener: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
    loadBalancer: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
    rdsInstance: ["aws:rds/instance:Instance"],
    rdsCluster: ["aws:rds/cluster:Cluster"],
    rdsParameterGroup: ["aws:rds/parameterGroup:ParameterGroup"],
    s3Bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    s3PublicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
    s3Acl: ["aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketAcl:BucketAcl"],
    s3OwnershipControls: ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"],
    s3Policy: ["aws:s3/bucketPolicy:BucketPolicy"],
    s3Encryption: [
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    ],
    s3Versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
    s3Lifecycle: [
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
    ],
    securityGroup: ["aws:ec2/securityGroup:SecurityGroup"],
    securityGroupRule: ["aws:ec2/securityGroupRule:SecurityGroupRule"],
    sgIngressRule: ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"],
    sgEgressRule: ["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"],
    replicationGroup: ["aws:elasticache/replicationGroup:ReplicationGroup"],
    cloudfront: ["aws:cloudfront/distribution:Distribution"],
    taskDefinition: ["aws:ecs/taskDefinition:TaskDefinition"],
    ecsService: ["aws:ecs/service:Service"],
    ec2Instance: ["aws:ec2/instance:Instance"],
    launchTemplate: ["aws:ec2/launchTemplate:LaunchTemplate"],
    metricAlarm: ["aws:cloudwatch/metricAlarm:MetricAlarm"],
    snsTopic: ["aws:sns/topic:Topic"],
    rdsEventSubscription: ["aws:rds/eventSubscription:EventSubscription"],
    wafAssociation: ["aws:wafv2/webAclAssociation:WebAclAssociation"],
    wafAcl: ["aws:wafv2/webAcl:WebAcl"],
    wafAclRule: ["aws:wafv2/webAclRule:WebAclRule"],
    doFirewall: ["digitalocean:index/firewall:Firewall"],
    doDroplet: ["digitalocean:index/droplet:Droplet"],
    doSpacesBucket: ["digitalocean:index/spacesBucket:SpacesBucket"],
    doSpacesPolicy: ["digitalocean:index/spacesBucketPolicy:SpacesBucketPolicy"],
    dockerContainer: ["docker:index/container:Container"],
    // Stack-level rules (policy/rules/stack):
    vpc: ["aws:ec2/vpc:Vpc"],
    flowLog: ["aws:ec2/flowLog:FlowLog"],
    defaultSecurityGroup: ["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"],
    kmsKey: ["aws:kms/key:Key"],
    lbTargetGroup: ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"],
    elasticacheCluster: ["aws:elasticache/cluster:Cluster"],
    doVolume: ["digitalocean:index/volume:Volume"],
    dockerNetwork: ["docker:index/network:Network"],
} as const;

/** A resource rule registered on every alias of its type. */
export function resourceRule(
    meta: RuleMeta,
    typeTokens: readonly string[],
    validate: (args: ResourceValidationArgs, report: ReportViolation) => void | Promise<void>,
    extra: Pick<ResourceValidationPolicy, "remediateResource"> = {},
): SlipwayRule {
    return {
        meta,
        policy: {
            name: meta.name,
            description: describe(meta),
            enforcementLevel: meta.level,
            configSchema: meta.configSchema,
            validateResource: (args, report) => (typeTokens.includes(args.type) ? validate(args, report) : undefined),
            ...extra,
        },
    };
}

/** A stack rule over every resource in the stack. */
export function stackRule(meta: RuleMeta, validate: (args: StackValidationArgs, report: ReportViolation) => void | Promise<void>): SlipwayRule {
    return {
        meta,
        policy: {
            name: meta.name,
            description: describe(meta),
            enforcementLevel: meta.level,
            configSchema: meta.configSchema,
            validateStack: validate,
        },
    };
}

/** Resources of the given types in a stack. */
export const ofTypes = (resources: PolicyResource[], typeTokens: readonly string[]): PolicyResource[] =>
    resources.filter((r) => typeTokens.includes(r.type));

/** The world: IPv4 and IPv6 "anywhere". */
export const isWorld = (cidr: unknown): boolean => cidr === "0.0.0.0/0" || cidr === "::/0";
