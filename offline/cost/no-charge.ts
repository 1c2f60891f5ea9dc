/**
 * Resource types that are billed nothing of their own, each with the reason (and where the
 * provider says so, the page). Listing them is what lets the estimate tell "free" from "we have
 * no price for this": a type in neither this list nor a pricer is reported as not priced.
 */

const vpcPage = "https://aws.amazon.com/vpc/pricing/";
const configOnly = "configuration of a priced resource";

const aws: Record<string, string> = {
    "aws:ec2/vpc:Vpc": `VPCs, subnets, route tables and internet gateways have no charge (${vpcPage})`,
    "aws:ec2/subnet:Subnet": "part of the VPC, no charge",
    "aws:ec2/routeTable:RouteTable": "part of the VPC, no charge",
    "aws:ec2/route:Route": "part of the VPC, no charge",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "part of the VPC, no charge",
    "aws:ec2/internetGateway:InternetGateway": "part of the VPC, no charge (traffic is priced as data transfer)",
    "aws:ec2/securityGroup:SecurityGroup": "security groups have no charge",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "security groups have no charge",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "security group rules have no charge",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "security group rules have no charge",
    "aws:ec2/flowLog:FlowLog": "the delivery is priced as ingestion on the destination log group",
    "aws:s3/bucketLogging:BucketLogging": "S3 server access logging has no charge; the log objects are priced on the destination bucket (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html)",
    "aws:iam/role:Role": "IAM has no charge (https://aws.amazon.com/iam/)",
    "aws:iam/policy:Policy": "IAM has no charge",
    "aws:iam/rolePolicy:RolePolicy": "IAM has no charge",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "IAM has no charge",
    "aws:kms/alias:Alias": "aliases have no charge (the key is priced)",
    "aws:acm/certificate:Certificate": "public ACM certificates have no charge (https://aws.amazon.com/certificate-manager/pricing/)",
    "aws:acm/certificateValidation:CertificateValidation": "a wait for validation, no charge",
    "aws:route53/record:Record": "records have no charge; alias queries to AWS resources are free (https://aws.amazon.com/route53/pricing/)",
    "aws:rds/parameterGroup:ParameterGroup": configOnly,
    "aws:rds/subnetGroup:SubnetGroup": configOnly,
    "aws:elasticache/parameterGroup:ParameterGroup": configOnly,
    "aws:elasticache/subnetGroup:SubnetGroup": configOnly,
    "aws:ecs/taskDefinition:TaskDefinition": "tasks are priced on the service or the schedule that runs them",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "ECR lifecycle policies have no charge (they lower the repository's storage)",
    "aws:appautoscaling/target:Target": "Application Auto Scaling has no charge (https://aws.amazon.com/autoscaling/pricing/)",
    "aws:appautoscaling/policy:Policy": "Application Auto Scaling has no charge",
    "aws:lb/targetGroup:TargetGroup": "priced on the load balancer",
    "aws:lb/listener:Listener": "priced on the load balancer",
    "aws:lb/listenerRule:ListenerRule": "priced on the load balancer (rule evaluations are an LCU dimension)",
    "aws:wafv2/webAclAssociation:WebAclAssociation": "priced on the web ACL",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": "its log is priced on the log group (vended-log ingestion and storage)",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": configOnly,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": configOnly,
    "aws:s3/bucketVersioning:BucketVersioning": `${configOnly} (noncurrent versions count in the bucket's stored GB)`,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": `${configOnly} (KMS requests priced on the key)`,
    "aws:s3/bucketPolicy:BucketPolicy": configOnly,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "applied to the bucket's storage classes on the bucket line",
    "aws:secretsmanager/secretVersion:SecretVersion": "versions are included in the secret's monthly price",
    "aws:sns/topic:Topic": "topics have no charge; alarm publishes and email deliveries cost cents at alarm volume (https://aws.amazon.com/sns/pricing/)",
    "aws:sns/topicPolicy:TopicPolicy": configOnly,
    "aws:sns/topicSubscription:TopicSubscription": "priced per delivery, cents at alarm volume",
    "aws:lambda/function:Function":
        "billed per request ($0.20 per million) and GB-second: the alarm forwarder runs a few hundred times a month at 128 MB for under a second, the database bootstrap once per deploy that changes it, well under $0.01 (https://aws.amazon.com/lambda/pricing/)",
    "aws:lambda/permission:Permission": configOnly,
    "aws:lambda/invocation:Invocation": "one invocation of a priced function per deploy that changes its input (the database bootstrap: seconds at 256 MB, well under $0.01)",
    "aws:rds/eventSubscription:EventSubscription": "RDS event notifications have no charge; SNS deliveries cost cents at event volume (https://aws.amazon.com/rds/pricing/)",
};

const digitalOcean: Record<string, string> = {
    "digitalocean:index/vpc:Vpc": "VPC networks have no charge (https://docs.digitalocean.com/products/networking/vpc/details/pricing/)",
    "digitalocean:index/firewall:Firewall": "cloud firewalls have no charge (https://docs.digitalocean.com/products/networking/firewalls/details/pricing/)",
    "digitalocean:index/domain:Domain": "DNS hosting has no charge (https://docs.digitalocean.com/products/networking/dns/details/pricing/)",
    "digitalocean:index/dnsRecord:DnsRecord": "DNS hosting has no charge (https://docs.digitalocean.com/products/networking/dns/details/pricing/)",
    "digitalocean:index/tag:Tag": "tags have no charge",
    "digitalocean:index/uptimeAlert:UptimeAlert": "uptime alerts have no charge beyond their check (https://docs.digitalocean.com/products/uptime/details/pricing/)",
    "digitalocean:index/sshKey:SshKey": "SSH keys have no charge",
    "digitalocean:index/project:Project": "projects have no charge",
    "digitalocean:index/projectResources:ProjectResources": "projects have no charge",
    "digitalocean:index/reservedIpAssignment:ReservedIpAssignment": "the assignment is what makes the reserved IP free",
    "digitalocean:index/volumeAttachment:VolumeAttachment": "priced on the volume",
    "digitalocean:index/spacesKey:SpacesKey": "Spaces access keys have no charge",
    "digitalocean:index/spacesBucketPolicy:SpacesBucketPolicy": "priced on the Spaces subscription",
};

/** Runs on the machine that runs Pulumi, or over SSH on a host that is priced on its own line. */
const local: Record<string, string> = {
    "random:index/randomPassword:RandomPassword": "generated by Pulumi, no cloud resource",
    "random:index/randomId:RandomId": "generated by Pulumi, no cloud resource",
    "random:index/randomString:RandomString": "generated by Pulumi, no cloud resource",
    "tls:index/privateKey:PrivateKey": "generated by Pulumi, no cloud resource",
    "tls:index/selfSignedCert:SelfSignedCert": "generated by Pulumi, no cloud resource",
    "command:local:Command": "a command on the machine running Pulumi",
    "command:remote:Command": "a command over SSH on a host priced on its own line",
    "docker:index/container:Container": "runs on the Docker host (the droplet's line, or your own machine)",
    "docker:index/network:Network": "a network on the Docker host",
    "docker:index/volume:Volume": "a volume on the Docker host's disk",
    "docker:index/image:Image": "built by a Docker engine (the host's, or the machine running Pulumi's); a pushed image's storage is priced on its registry's line",
    "docker:index/remoteImage:RemoteImage": "pulled by the Docker host (public registries)",
};

export const noChargeTypes: Readonly<Record<string, string>> = { ...aws, ...digitalOcean, ...local };
