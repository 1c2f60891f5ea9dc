import type * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { OFFLINE_ACCOUNT_ID, offlineLookup } from "./lookups";

const shortHash = (s: string): string => createHash("sha256").update(s).digest("hex").slice(0, 8);

/**
 * Output-only state per resource type, as the provider would return it after create. Only what
 * the program reads back is listed; everything else echoes the inputs.
 */
function computedState(type: string, name: string, inputs: Record<string, any>, region: string): Record<string, unknown> {
    const h = shortHash(`${type}/${name}`);
    const [pkg, mod] = type.split(":");
    const service = (mod ?? "").split("/")[0];
    const arnBase = pkg === "aws" ? `arn:aws:${service}:${region}:${OFFLINE_ACCOUNT_ID}` : undefined;
    const common: Record<string, unknown> = arnBase ? { arn: `${arnBase}:${name}` } : {};
    switch (type) {
        case "random:index/randomPassword:RandomPassword":
        case "random:index/randomString:RandomString":
            return { result: `offline-${h}-${"x".repeat(Math.max(0, (inputs.length ?? 24) - 16))}` };
        case "random:index/randomId:RandomId":
            return { hex: h, b64Url: h, dec: String(parseInt(h, 16)) };
        case "aws:ec2/vpc:Vpc":
            return { ...common, defaultSecurityGroupId: `sg-default-${h}`, mainRouteTableId: `rtb-main-${h}`, defaultNetworkAclId: `acl-${h}` };
        case "aws:lb/loadBalancer:LoadBalancer":
        case "aws:alb/loadBalancer:LoadBalancer":
            return {
                ...common,
                arn: `arn:aws:elasticloadbalancing:${region}:${OFFLINE_ACCOUNT_ID}:loadbalancer/app/${inputs.name ?? name}/${h}`,
                arnSuffix: `app/${inputs.name ?? name}/${h}`,
                dnsName: `${inputs.name ?? name}-${h}.${region}.elb.amazonaws.com`,
                zoneId: "Z35SXDOTRQ7X7K",
            };
        case "aws:lb/targetGroup:TargetGroup":
        case "aws:alb/targetGroup:TargetGroup":
            return {
                ...common,
                arn: `arn:aws:elasticloadbalancing:${region}:${OFFLINE_ACCOUNT_ID}:targetgroup/${inputs.name ?? name}/${h}`,
                arnSuffix: `targetgroup/${inputs.name ?? name}/${h}`,
            };
        case "aws:rds/instance:Instance":
            return {
                ...common,
                address: `${inputs.identifier ?? name}.${h}.${region}.rds.amazonaws.com`,
                endpoint: `${inputs.identifier ?? name}.${h}.${region}.rds.amazonaws.com:5432`,
                port: inputs.port ?? 5432,
                resourceId: `db-${h.toUpperCase()}`,
            };
        case "aws:elasticache/replicationGroup:ReplicationGroup":
            return {
                ...common,
                primaryEndpointAddress: `master.${inputs.replicationGroupId ?? name}.${h}.cache.amazonaws.com`,
                readerEndpointAddress: `replica.${inputs.replicationGroupId ?? name}.${h}.cache.amazonaws.com`,
                port: inputs.port ?? 6379,
            };
        // Auto-named groups: the provider derives `name` from the logical name at create.
        case "aws:rds/subnetGroup:SubnetGroup":
        case "aws:rds/parameterGroup:ParameterGroup":
        case "aws:elasticache/subnetGroup:SubnetGroup":
        case "aws:elasticache/parameterGroup:ParameterGroup":
            return { ...common, name: inputs.name ?? name };
        case "aws:s3/bucket:Bucket":
        case "aws:s3/bucketV2:BucketV2": {
            const bucket = inputs.bucket ?? `${name}-${h}`;
            return { arn: `arn:aws:s3:::${bucket}`, bucket, bucketDomainName: `${bucket}.s3.amazonaws.com`, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com` };
        }
        case "aws:kms/key:Key":
            return { ...common, keyId: `key-${h}`, arn: `arn:aws:kms:${region}:${OFFLINE_ACCOUNT_ID}:key/${h}` };
        case "aws:secretsmanager/secret:Secret":
            return { ...common, arn: `arn:aws:secretsmanager:${region}:${OFFLINE_ACCOUNT_ID}:secret:${inputs.name ?? name}-${h}` };
        case "aws:secretsmanager/secretVersion:SecretVersion":
            return { arn: inputs.secretId, versionId: `${h.slice(0, 8)}-0000-4000-8000-${h}${h.slice(0, 4)}` };
        case "aws:acm/certificate:Certificate":
            return {
                ...common,
                arn: `arn:aws:acm:${region}:${OFFLINE_ACCOUNT_ID}:certificate/${h}`,
                domainValidationOptions: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].map((d: string) => ({
                    domainName: d,
                    resourceRecordName: `_${h}.${d}.`,
                    resourceRecordType: "CNAME",
                    resourceRecordValue: `_${h}.acm-validations.aws.`,
                })),
            };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { ...common, arn: `arn:aws:logs:${region}:${OFFLINE_ACCOUNT_ID}:log-group:${inputs.name ?? name}` };
        case "aws:iam/role:Role":
            return { arn: `arn:aws:iam::${OFFLINE_ACCOUNT_ID}:role/${inputs.name ?? name}`, name: inputs.name ?? name, uniqueId: `AROA${h.toUpperCase()}` };
        case "aws:iam/policy:Policy":
            return { arn: `arn:aws:iam::${OFFLINE_ACCOUNT_ID}:policy/${inputs.name ?? name}` };
        case "aws:ecs/cluster:Cluster":
            return { arn: `arn:aws:ecs:${region}:${OFFLINE_ACCOUNT_ID}:cluster/${inputs.name ?? name}` };
        case "aws:ecs/service:Service":
            return { ...common, name: inputs.name ?? name };
        case "aws:ecs/taskDefinition:TaskDefinition":
            return { arn: `arn:aws:ecs:${region}:${OFFLINE_ACCOUNT_ID}:task-definition/${inputs.family}:1`, revision: 1 };
        case "aws:wafv2/webAcl:WebAcl":
            return { arn: `arn:aws:wafv2:${region}:${OFFLINE_ACCOUNT_ID}:regional/webacl/${inputs.name ?? name}/${h}` };
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return { arn: `arn:aws:cloudwatch:${region}:${OFFLINE_ACCOUNT_ID}:alarm:${inputs.name ?? name}` };
        case "aws:sns/topic:Topic":
            return { arn: `arn:aws:sns:${region}:${OFFLINE_ACCOUNT_ID}:${inputs.name ?? name}` };
        case "aws:route53/record:Record":
            return { fqdn: String(inputs.name ?? name).replace(/\.$/, "") };
        case "aws:route53/zone:Zone":
            return { zoneId: `Z${h.toUpperCase()}`, nameServers: ["ns-1.awsdns-00.org"] };
        default:
            return common;
    }
}

/** Resource and lookup mocks for the offline plan and the tests. */
export function offlineMocks(region: string): pulumi.runtime.Mocks {
    return {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
            const id = args.id || `${args.name}-id`;
            const state = { ...args.inputs, ...computedState(args.type, args.name, args.inputs, region) };
            return { id, state: { id, ...state } };
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
            return offlineLookup(args.token, args.inputs, region);
        },
    };
}
