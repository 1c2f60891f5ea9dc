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
                // RDS names the master secret it owns `rds!db-<uuid>`; it is encrypted with the given key.
                ...(inputs.manageMasterUserPassword
                    ? {
                          masterUserSecrets: [
                              {
                                  secretArn: `arn:aws:secretsmanager:${region}:${OFFLINE_ACCOUNT_ID}:secret:rds!db-${h}-0000-4000-8000-${h}${h.slice(0, 4)}-${h.slice(0, 6)}`,
                                  kmsKeyId: inputs.masterUserSecretKmsKeyId,
                                  secretStatus: "active",
                              },
                          ],
                      }
                    : {}),
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
        case "aws:ecr/repository:Repository": {
            // Auto-named: the provider derives the name from the logical name at create.
            const repo = inputs.name ?? `${name}-${h}`;
            return {
                arn: `arn:aws:ecr:${region}:${OFFLINE_ACCOUNT_ID}:repository/${repo}`,
                name: repo,
                registryId: OFFLINE_ACCOUNT_ID,
                repositoryUrl: `${OFFLINE_ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${repo}`,
            };
        }
        case "aws:scheduler/schedule:Schedule":
            return { arn: `arn:aws:scheduler:${region}:${OFFLINE_ACCOUNT_ID}:schedule/${inputs.groupName ?? "default"}/${inputs.name ?? name}`, name: inputs.name ?? name };
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
        case "aws:lambda/function:Function":
            return { arn: `arn:aws:lambda:${region}:${OFFLINE_ACCOUNT_ID}:function:${inputs.name ?? name}`, name: inputs.name ?? name };
        case "aws:sns/topic:Topic":
            return { arn: `arn:aws:sns:${region}:${OFFLINE_ACCOUNT_ID}:${inputs.name ?? name}` };
        case "aws:route53/record:Record":
            return { fqdn: String(inputs.name ?? name).replace(/\.$/, "") };
        case "aws:route53/zone:Zone":
            return { zoneId: `Z${h.toUpperCase()}`, nameServers: ["ns-1.awsdns-00.org"] };
        case "tls:index/selfSignedCert:SelfSignedCert":
            return { certPem: `-----BEGIN CERTIFICATE-----\n${Buffer.from(`offline-${name}-${h}`).toString("base64")}\n-----END CERTIFICATE-----\n` };
        // Auto-named containers (app replicas): Pulumi appends a random suffix to the logical name,
        // and every input of a container forces a replacement, which gets a new suffix. The suffix
        // is a hash of the inputs here, so a changed replica gets a new name as it would for real
        // (the edge's upstream list changes with it, and tier 5 can create it beside the old one).
        case "docker:index/container:Container":
            return { name: inputs.name ?? `${name}-${shortHash(`${type}/${name}/${JSON.stringify(inputs)}`).slice(0, 7)}` };
        case "tls:index/privateKey:PrivateKey": {
            // Shaped like real ED25519 keys (a valid OpenSSH public key line, PEM/OpenSSH blocks).
            const u32 = (n: number) => Buffer.from([0, 0, 0, n]);
            const key = createHash("sha256").update(`${type}/${name}`).digest();
            const pub = Buffer.concat([u32(11), Buffer.from("ssh-ed25519"), u32(32), key]).toString("base64");
            const body = Buffer.from(`offline-${name}-${h}`).toString("base64");
            return {
                privateKeyOpenssh: `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\n`,
                privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`,
                privateKeyPemPkcs8: `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`,
                publicKeyOpenssh: `ssh-ed25519 ${pub}\n`,
                publicKeyPem: `-----BEGIN PUBLIC KEY-----\n${pub}\n-----END PUBLIC KEY-----\n`,
                publicKeyFingerprintSha256: `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`,
            };
        }
        case "digitalocean:index/droplet:Droplet": {
            // Droplet ids are numbers (attachments take `dropletId: number`): `id` here replaces `<name>-id`.
            const id = String(100000000 + parseInt(h.slice(0, 7), 16));
            const n = (parseInt(h.slice(0, 2), 16) % 250) + 2;
            return { id, urn: `do:droplet:${id}`, status: "active", ipv4Address: `198.51.100.${n}`, ipv4AddressPrivate: `10.10.0.${n}`, ipv6Address: `2001:db8::${n}` };
        }
        case "digitalocean:index/reservedIp:ReservedIp":
            return { ipAddress: `203.0.113.${(parseInt(h.slice(0, 2), 16) % 250) + 2}`, urn: `do:reservedip:${name}` };
        case "command:remote:Command":
        case "command:local:Command":
            // The monitoring's file-owner probe prints `uid:gid` (the deploy user's, typically 1000).
            return { stdout: String(inputs.create ?? "").includes("# slipway-file-owner") ? "# slipway-file-owner\n1000:1000\n" : "", stderr: "" };
        // A locally built image (skipPush): repoDigest is the image id, what containers run. A
        // pushed one: the repository and the manifest digest, `repo@sha256:…`.
        case "docker:index/image:Image": {
            const digest = `sha256:${createHash("sha256").update(`${type}/${name}`).digest("hex")}`;
            const repo = String(inputs.imageName ?? "").replace(/:[^:/]+$/, "");
            return { repoDigest: inputs.skipPush ? digest : `${repo}@${digest}`, baseImageName: inputs.imageName };
        }
        case "digitalocean:index/spacesKey:SpacesKey":
            return { accessKey: `DO00OFFLINE${h.toUpperCase()}`, secretKey: `offline-spaces-secret-${h}`, createdAt: "2024-01-01T00:00:00Z" };
        default:
            return common;
    }
}

/** Resource and lookup mocks for the offline plan and the tests. */
export function offlineMocks(region: string): pulumi.runtime.Mocks {
    return {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
            const computed = computedState(args.type, args.name, args.inputs, region);
            // A type whose real ids are not strings of our making (DigitalOcean droplets) sets its own.
            const id = args.id || (typeof computed.id === "string" ? computed.id : `${args.name}-id`);
            const state = { ...args.inputs, ...computed };
            return { id, state: { id, ...state } };
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
            return offlineLookup(args.token, args.inputs, region);
        },
    };
}
