import { withComponent, argError } from "../shared/errors";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountContext, awsLookups } from "../shared/aws-context";
import { cloudWatchRetentionDays, isCloudWatchRetention } from "../shared/cloudwatch";
import { SlipwayComponent } from "../shared/component";
import { ecsTaskExecutionTrustPolicy } from "../shared/iam";
import { nameLimits, physicalName } from "../shared/naming";
import { appContainerName, buildContainerDefinition, tmpVolumeName } from "./container-definition";
import { fargateSizeProblem } from "./fargate-sizes";
import { normalizeWebTierArgs, type NormalizedWebTierArgs, type WebTierArgs } from "./index";
import { accessLogsBucketPolicy, ecsTasksTrustPolicy, executionSecretsPolicy, webTierKeyPolicy } from "./policies";
import {
    type WafRateWindow,
    countedRulesProblem,
    defaultCountedCommonRules,
    visibility,
    wafLogGroupPrefix,
    wafLoggingFilter,
    wafRateLimit,
    wafRateLimitProblem,
    wafRateWindowProblem,
    wafRedactedFields,
    webAclRules,
} from "./waf-rules";

/** Where the web tier runs: typically the outputs of `AwsNetwork`. */
export interface AwsWebTierNetwork {
    /** The VPC the target group and security groups belong to. */
    vpcId: pulumi.Input<string>;
    /**
     * The VPC's IPv4 range. Informational today: every rule of this tier references a security
     * group rather than an address range.
     */
    vpcCidr: pulumi.Input<string>;
    /** Subnets (one per zone) the internet-facing load balancer lives in. */
    publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Subnets (one per zone) the tasks run in; they need egress to ECR, Logs and Secrets Manager (NAT or endpoints). */
    privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
}

/** A data store the app connects to; its security group starts closed and the web tier opens exactly `port` to its tasks. */
export interface AwsDataStoreAccess {
    /** A short stable identifier (`[a-z][a-z0-9-]*`); it names the two rules, so renaming it replaces them. */
    name: string;
    /** The data store's security group. */
    securityGroupId: pulumi.Input<string>;
    /** The port the store listens on. */
    port: number;
}

/**
 * A Secrets Manager secret the web tier does not own (e.g. the database's app-role secret),
 * injected into the app's environment by ECS at task start.
 */
export interface AwsSecretSource {
    /** The secret's ARN. */
    secretArn: pulumi.Input<string>;
    /** One key of a JSON secret (`url`), or the whole value when omitted. */
    jsonKey?: string;
    /** Pin a version: a new version then makes a new task definition and rolls the tasks. @default the current version at task start */
    versionId?: pulumi.Input<string>;
    /** The key the secret is encrypted with: the execution role may decrypt with it through Secrets Manager. */
    kmsKeyArn: pulumi.Input<string>;
}

/** AWS-only settings and wiring of the web tier. */
export interface AwsWebTierArgs extends WebTierArgs {
    /**
     * The VPC and subnets to run in.
     * @example
     * ```ts
     * { network: { vpcId: net.vpcId, vpcCidr: net.vpcCidr, publicSubnetIds: net.publicSubnetIds, privateSubnetIds: net.privateSubnetIds } }
     * ```
     */
    network: AwsWebTierNetwork;
    /**
     * A Route 53 hosted zone for `domain`. When set, the certificate is validated through it
     * (a `CertificateValidation` that the HTTPS listener depends on, so the deploy waits for
     * issuance) and alias records point `domain` at the load balancer. Without it, give an
     * already-issued `certificateArn`: a certificate requested with nobody to answer its DNS
     * challenge stays pending, and the HTTPS listener cannot be created with it, so one of the
     * two is required. Without a zone, point `domain` at `loadBalancerDnsName` yourself.
     * @default No zone: `certificateArn` is then required.
     * @example
     * ```ts
     * { hostedZoneId: "Z0123456789ABCDEFGHIJ" }
     * ```
     */
    hostedZoneId?: pulumi.Input<string>;
    /**
     * An existing, already issued ACM certificate (in the stack's region) covering `domain`,
     * used instead of requesting one. Required when there is no `hostedZoneId`.
     * @default A certificate for `domain` is requested and validated through `hostedZoneId`.
     * @example
     * ```ts
     * { certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e…" }
     * ```
     */
    certificateArn?: pulumi.Input<string>;
    /**
     * Data stores the tasks may reach: for each, an ingress rule on the store's security group
     * from the task security group on `port`, and the matching egress rule on the task group.
     * The client opening the store's port (rather than the store listing its clients) means
     * the store needs nothing from the web tier, which in turn needs the store's address.
     * @default []
     * @example
     * ```ts
     * { dataStores: [{ name: "postgres", securityGroupId: db.securityGroupId, port: 5432 }] }
     * ```
     */
    dataStores?: AwsDataStoreAccess[];
    /**
     * Environment variables the tasks take from Secrets Manager secrets owned elsewhere, by
     * ARN: the execution role may read exactly these (and the tier's own `secrets`), and
     * decrypt with their keys only through Secrets Manager. The values never pass through
     * this program.
     * @default {}
     * @example
     * ```ts
     * { secretsFrom: { DATABASE_URL: { ...db.appCredentials, jsonKey: "url" } } }
     * ```
     */
    secretsFrom?: Record<string, AwsSecretSource>;
    /**
     * Days to keep the load balancer's access logs in their S3 bucket.
     * @default 90
     * @example
     * ```ts
     * { accessLogsRetentionDays: 365 }
     * ```
     */
    accessLogsRetentionDays?: number;
    /**
     * The HTTPS listener's TLS policy; only policies with TLS 1.2 or newer are accepted.
     * @default "ELBSecurityPolicy-TLS13-1-2-2021-06"
     * @example
     * ```ts
     * { sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" } // TLS 1.3 only
     * ```
     */
    sslPolicy?: string;
    /**
     * The CPU architecture of the image. ARM64 (Graviton) costs about 20% less per vCPU-hour.
     * @default "X86_64"
     * @example
     * ```ts
     * { cpuArchitecture: "ARM64" }
     * ```
     */
    cpuArchitecture?: "X86_64" | "ARM64";
    /**
     * Add a container health check (`curl` or `wget` against `healthPath`). It needs `/bin/sh`
     * and curl or wget in the image; turn it off for distroless images (the load balancer's
     * health check still applies).
     * @default true
     * @example
     * ```ts
     * { containerHealthCheck: false }
     * ```
     */
    containerHealthCheck?: boolean;
    /**
     * Requests per task per minute that autoscaling aims for (ALBRequestCountPerTarget).
     * @default 1000
     * @example
     * ```ts
     * { requestsPerTarget: 500 }
     * ```
     */
    requestsPerTarget?: number;
    /**
     * Permissions for the app itself (the task role). It has none by default.
     * @default []
     * @example
     * ```ts
     * { taskPolicyStatements: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: [pulumi.interpolate`${bucket.arn}/*`] }] }
     * ```
     */
    taskPolicyStatements?: aws.iam.PolicyStatement[];
    /**
     * Seconds after a task starts during which failing load-balancer health checks are ignored.
     * @default 60
     * @example
     * ```ts
     * { healthCheckGracePeriodSeconds: 120 } // a slow-starting JVM
     * ```
     */
    healthCheckGracePeriodSeconds?: number;
    /**
     * Seconds the load balancer keeps an idle connection open.
     * @default 60
     * @example
     * ```ts
     * { idleTimeoutSeconds: 300 } // long polling
     * ```
     */
    idleTimeoutSeconds?: number;
    /**
     * The load balancer's address families. `"dualstack"` needs public subnets with IPv6
     * ranges, and adds an AAAA alias record when `hostedZoneId` is set.
     * @default "ipv4"
     * @example
     * ```ts
     * { ipAddressType: "dualstack" }
     * ```
     */
    ipAddressType?: "ipv4" | "dualstack";
    /**
     * How far back (seconds) the WAF rate rule counts a client IP's requests: 60, 120, 300 or
     * 600. The rule blocks an IP above `rateLimitPerMinute` × window / 60 requests in the
     * window, so a longer window lets a burst (a page load, a sync) through and still cuts a
     * client that keeps the rate up. On AWS `rateLimitPerMinute` defaults to 1000: about 500
     * people behind one office NAT or carrier-grade NAT address at two requests a minute each,
     * far above one person, well below a scraper or flood.
     * @default 300
     * @example
     * ```ts
     * { rateLimitPerMinute: 2000, wafRateWindowSeconds: 600 }
     * ```
     */
    wafRateWindowSeconds?: WafRateWindow;
    /**
     * Rules of the AWS core rule set (`AWSManagedRulesCommonRuleSet`) that only count instead
     * of blocking; they still show in the metrics and the WAF log. The default counts
     * `SizeRestrictions_BODY`, which otherwise blocks every request body over 8 KB.
     * @default ["SizeRestrictions_BODY"]
     * @example
     * ```ts
     * { wafCountedRules: ["SizeRestrictions_BODY", "CrossSiteScripting_BODY"] } // a rich-text editor
     * ```
     */
    wafCountedRules?: string[];
    /**
     * Days to keep the WAF log: every blocked, challenged or counted request, with the
     * `authorization` and `cookie` headers redacted, in the KMS-encrypted log group
     * `aws-waf-logs-<stack>-<name>-…`.
     * @default 90
     * @example
     * ```ts
     * { wafLogRetentionDays: 365 }
     * ```
     */
    wafLogRetentionDays?: number;
}

/** `AwsWebTierArgs` with every default applied and every value checked. */
export interface NormalizedAwsWebTierArgs extends NormalizedWebTierArgs {
    network: AwsWebTierNetwork;
    hostedZoneId?: pulumi.Input<string>;
    certificateArn?: pulumi.Input<string>;
    dataStores: AwsDataStoreAccess[];
    accessLogsRetentionDays: number;
    sslPolicy: string;
    cpuArchitecture: "X86_64" | "ARM64";
    containerHealthCheck: boolean;
    requestsPerTarget: number;
    taskPolicyStatements: aws.iam.PolicyStatement[];
    healthCheckGracePeriodSeconds: number;
    idleTimeoutSeconds: number;
    ipAddressType: "ipv4" | "dualstack";
    wafRateWindowSeconds: WafRateWindow;
    wafCountedRules: string[];
    wafLogRetentionDays: number;
}

export const awsWebTierDefaults = {
    accessLogsRetentionDays: 90,
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    cpuArchitecture: "X86_64",
    containerHealthCheck: true,
    requestsPerTarget: 1000,
    healthCheckGracePeriodSeconds: 60,
    idleTimeoutSeconds: 60,
    ipAddressType: "ipv4",
    /** Per client IP, sustained over `wafRateWindowSeconds` (see there for why 1000). */
    rateLimitPerMinute: 1000,
    wafRateWindowSeconds: 300,
    wafLogRetentionDays: 90,
} as const;

/** ELB policies whose minimum is TLS 1.2 (the TLS13-1-2/1-3, TLS-1-2 and FS-1-2 families). */
const tls12OrNewerPolicy = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)(-|$)/;
const dataStoreNameRe = /^[a-z][a-z0-9-]{0,30}$/;

const isInt = (n: number, min: number, max = Number.MAX_SAFE_INTEGER): boolean => Number.isInteger(n) && n >= min && n <= max;

/** `normalizeWebTierArgs` plus what AWS requires; throws a sentence naming the key and value. */
export function normalizeAwsWebTierArgs(args: AwsWebTierArgs): NormalizedAwsWebTierArgs {
    const base = normalizeWebTierArgs(args);
    if (base.replicas < 2) {
        throw argError("replicas", base.replicas, "2 or more: the AWS web tier runs at least 2 tasks so it survives the loss of a task or an availability zone");
    }
    if (base.port < 1024) {
        throw argError("port", base.port, "a port from 1024 to 65535: the app runs as a non-root user without capabilities and cannot bind below 1024");
    }
    // The neutral default (100, the Docker edge's nginx limit with its burst) would block an
    // office or a carrier-grade NAT behind WAF, which has no burst allowance: AWS has its own.
    const rateLimitPerMinute = args.rateLimitPerMinute ?? awsWebTierDefaults.rateLimitPerMinute;
    const wafRateWindowSeconds = args.wafRateWindowSeconds ?? awsWebTierDefaults.wafRateWindowSeconds;
    const windowProblem = wafRateWindowProblem(wafRateWindowSeconds);
    if (windowProblem) throw argError("wafRateWindowSeconds", wafRateWindowSeconds, windowProblem);
    const rateProblem = wafRateLimitProblem(wafRateLimit(rateLimitPerMinute, wafRateWindowSeconds));
    if (rateProblem) {
        throw argError(
            "rateLimitPerMinute",
            rateLimitPerMinute,
            `a rate whose limit per ${wafRateWindowSeconds} s window (${wafRateLimit(rateLimitPerMinute, wafRateWindowSeconds)} here) fits: ${rateProblem}`,
        );
    }
    const wafCountedRules = [...(args.wafCountedRules ?? defaultCountedCommonRules)];
    const countedProblem = countedRulesProblem(wafCountedRules);
    if (countedProblem) throw argError("wafCountedRules", wafCountedRules, `WAF rule names, each listed once (${countedProblem})`);
    const wafLogRetentionDays = args.wafLogRetentionDays ?? awsWebTierDefaults.wafLogRetentionDays;
    if (!isCloudWatchRetention(wafLogRetentionDays)) {
        throw argError("wafLogRetentionDays", wafLogRetentionDays, `a CloudWatch Logs retention: ${cloudWatchRetentionDays.join(", ")} days`);
    }
    if (!isCloudWatchRetention(base.logRetentionDays)) {
        throw argError("logRetentionDays", base.logRetentionDays, `a CloudWatch Logs retention: ${cloudWatchRetentionDays.join(", ")} days`);
    }
    for (const [variable, source] of Object.entries(args.secretsFrom ?? {})) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable) || variable === "PORT") {
            throw argError("secretsFrom", variable, "environment variable names of letters, digits and _, not starting with a digit (and not PORT)");
        }
        if (variable in base.secrets || variable in base.env) throw argError("secretsFrom", variable, `a name not also in secrets or env: set ${variable} in one place`);
        if (source.jsonKey !== undefined && !/^[A-Za-z0-9_.-]+$/.test(source.jsonKey)) {
            throw argError(`secretsFrom.${variable}.jsonKey`, source.jsonKey, "a JSON key of letters, digits, _, . or -");
        }
    }
    const sizeProblem = fargateSizeProblem(base.cpu, base.memoryMiB);
    if (sizeProblem) throw sizeProblem;
    if (!args.network) throw argError("network", undefined, "the VPC id, its CIDR and the public and private subnet ids");
    if (args.hostedZoneId === undefined && args.certificateArn === undefined) {
        throw argError(
            "hostedZoneId",
            undefined,
            `the Route 53 zone of ${base.domain} (it validates the certificate), or certificateArn (an issued ACM certificate): with neither, the HTTPS listener would wait on a pending certificate`,
        );
    }

    const accessLogsRetentionDays = args.accessLogsRetentionDays ?? awsWebTierDefaults.accessLogsRetentionDays;
    if (!isInt(accessLogsRetentionDays, 1)) {
        throw argError("accessLogsRetentionDays", accessLogsRetentionDays, "a whole number of days of at least 1");
    }
    const sslPolicy = args.sslPolicy ?? awsWebTierDefaults.sslPolicy;
    if (!tls12OrNewerPolicy.test(sslPolicy)) {
        throw argError("sslPolicy", sslPolicy, `a TLS 1.2+ ELB policy such as ${awsWebTierDefaults.sslPolicy}`);
    }
    const cpuArchitecture = args.cpuArchitecture ?? awsWebTierDefaults.cpuArchitecture;
    if (cpuArchitecture !== "X86_64" && cpuArchitecture !== "ARM64") {
        throw argError("cpuArchitecture", cpuArchitecture, `"X86_64" or "ARM64"`);
    }
    const requestsPerTarget = args.requestsPerTarget ?? awsWebTierDefaults.requestsPerTarget;
    if (!isInt(requestsPerTarget, 1)) {
        throw argError("requestsPerTarget", requestsPerTarget, "a whole number of requests of at least 1");
    }
    const healthCheckGracePeriodSeconds = args.healthCheckGracePeriodSeconds ?? awsWebTierDefaults.healthCheckGracePeriodSeconds;
    if (!isInt(healthCheckGracePeriodSeconds, 0, 2_147_483_647)) {
        throw argError("healthCheckGracePeriodSeconds", healthCheckGracePeriodSeconds, "a whole number of seconds from 0");
    }
    const idleTimeoutSeconds = args.idleTimeoutSeconds ?? awsWebTierDefaults.idleTimeoutSeconds;
    if (!isInt(idleTimeoutSeconds, 1, 4000)) {
        throw argError("idleTimeoutSeconds", idleTimeoutSeconds, "1 to 4000 seconds (what the load balancer accepts)");
    }
    const ipAddressType = args.ipAddressType ?? awsWebTierDefaults.ipAddressType;
    if (ipAddressType !== "ipv4" && ipAddressType !== "dualstack") {
        throw argError("ipAddressType", ipAddressType, `"ipv4" or "dualstack"`);
    }
    const dataStores = [...(args.dataStores ?? [])];
    const seen = new Set<string>();
    for (const ds of dataStores) {
        if (!dataStoreNameRe.test(ds.name)) {
            throw argError("dataStores.name", ds.name, "1–31 lowercase letters, digits or hyphens, starting with a letter");
        }
        if (seen.has(ds.name)) throw argError("dataStores.name", ds.name, "a name of its own for each store (it is listed twice)");
        seen.add(ds.name);
        if (!isInt(ds.port, 1, 65535)) throw argError("dataStores.port", ds.port, `an integer from 1 to 65535 (store "${ds.name}")`);
    }
    return {
        ...base,
        rateLimitPerMinute,
        network: args.network,
        hostedZoneId: args.hostedZoneId,
        certificateArn: args.certificateArn,
        dataStores,
        accessLogsRetentionDays,
        sslPolicy,
        cpuArchitecture,
        containerHealthCheck: args.containerHealthCheck ?? awsWebTierDefaults.containerHealthCheck,
        requestsPerTarget,
        taskPolicyStatements: [...(args.taskPolicyStatements ?? [])],
        healthCheckGracePeriodSeconds,
        idleTimeoutSeconds,
        ipAddressType,
        wafRateWindowSeconds,
        wafCountedRules,
        wafLogRetentionDays,
    };
}

/** A DNS record to create for ACM to issue the certificate. */
export interface CertificateValidationRecord {
    name: string;
    type: string;
    value: string;
}

/** The prefix ALB access logs are written under in the bucket. */
const accessLogsPrefix = "alb";
/** Target-tracking goal for the tasks' average CPU. */
const targetCpuPercent = 60;

/**
 * The app on AWS: an internet-facing Application Load Balancer (HTTPS with a TLS 1.2+/1.3
 * policy, HTTP redirected, WAF rate limit and AWS managed rules, access logs in S3) in front
 * of an ECS Fargate service in private subnets: at least two tasks that Fargate spreads over
 * the zones of the given subnets, rolled out with a circuit breaker that rolls back a failed
 * deploy, scaled on CPU and requests per task. Secrets are KMS-encrypted Secrets Manager
 * secrets injected at start, never plain environment; logs are encrypted and retained.
 *
 * ## Cost
 * - Fargate: per vCPU-hour (~$0.040) and GB-hour (~$0.0044) for every running task; this is
 *   `replicas` × (`cpu`, `memoryMiB`) most of the time and up to `maxReplicas` under load.
 *   ARM64 is about 20% cheaper.
 * - Load balancer: ~$16/month plus LCUs (new connections, active connections, bytes, rules).
 * - WAF: $5/month for the web ACL, $1/month per rule (3 here) and $0.60 per million requests;
 *   its log (blocked and counted requests only) is billed as CloudWatch vended logs.
 * - CloudWatch: log ingestion ($0.50/GB) and storage for `logRetentionDays`; Container
 *   Insights metrics per task. S3 storage for access logs over `accessLogsRetentionDays`.
 * - One KMS key ($1/month) and $0.40/month per secret. Image pulls go through the network's
 *   NAT gateways or endpoints and are billed there.
 */
export class AwsWebTier extends SlipwayComponent {
    /** `https://<domain>`. */
    public readonly url: pulumi.Output<string>;
    public readonly loadBalancerDnsName: pulumi.Output<string>;
    /** The load balancer's Route 53 zone, for alias records. */
    public readonly loadBalancerZoneId: pulumi.Output<string>;
    /** `app/<name>/<id>`: the CloudWatch `LoadBalancer` dimension. */
    public readonly loadBalancerArnSuffix: pulumi.Output<string>;
    /** `targetgroup/<name>/<id>`: the CloudWatch `TargetGroup` dimension. */
    public readonly targetGroupArnSuffix: pulumi.Output<string>;
    public readonly clusterName: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string>;
    /** The tasks' security group (data stores may reference it). */
    public readonly taskSecurityGroupId: pulumi.Output<string>;
    public readonly albSecurityGroupId: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;
    public readonly webAclArn: pulumi.Output<string>;
    /** The bucket that holds the load balancer's access logs. */
    public readonly accessLogsBucket: pulumi.Output<string>;
    /**
     * The DNS records ACM needs to issue the certificate; add them yourself when there is no
     * `hostedZoneId`. Empty when `certificateArn` is given.
     */
    public readonly certificateValidationRecords: pulumi.Output<CertificateValidationRecord[]>;

    constructor(name: string, args: AwsWebTierArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before anything registers: bad args must not leave half a component.
        const a = withComponent("WebTier", name, () => normalizeAwsWebTierArgs(args));
        super("WebTier", name, opts);
        // An image by tag only is the advisory policy image-pinned-digest's finding (policy/rules/docker).

        const lookups = awsLookups(this);
        const ctx = accountContext(lookups);
        const logGroupName = `/ecs/${physicalName(name, 200)}`;
        const wafLogGroupName = `${wafLogGroupPrefix}${physicalName(name, 200)}`;

        // ---- encryption key for the secrets and the log group ----
        const key = new aws.kms.Key(
            this.childName("key"),
            {
                description: `Slipway web tier ${name}: app secrets and logs`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: ctx.apply((c) => webTierKeyPolicy(c, logGroupName, wafLogGroupName)),
            },
            this.childOpts({ protect: a.protect }),
        );

        const logGroup = new aws.cloudwatch.LogGroup(
            this.childName("logs"),
            { name: logGroupName, retentionInDays: a.logRetentionDays, kmsKeyId: key.arn },
            this.childOpts({ protect: a.protect }),
        );

        // ---- secrets: one Secrets Manager secret per variable ----
        // Logical names carry the variable name, so renaming a variable replaces its secret.
        // Physical names are left to autonaming: a deleted secret's name stays reserved for its
        // recovery window, so a fixed name could not be re-created.
        const secretRefs: Record<string, pulumi.Output<string>> = {};
        const secretArns: pulumi.Output<string>[] = [];
        for (const variable of Object.keys(a.secrets).sort()) {
            const secret = new aws.secretsmanager.Secret(
                this.childName(`secret-${variable}`),
                { description: `${variable} for the ${name} web tier`, kmsKeyId: key.arn, recoveryWindowInDays: 30 },
                this.childOpts(),
            );
            const version = new aws.secretsmanager.SecretVersion(
                this.childName(`secret-${variable}-value`),
                { secretId: secret.id, secretString: pulumi.secret(a.secrets[variable]) },
                this.childOpts(),
            );
            // Pinning the version id makes a new value a new task definition, so changing a
            // secret rolls the tasks (behind the circuit breaker) instead of waiting for the
            // next unrelated deploy; `arn:json-key:version-stage:version-id`.
            secretRefs[variable] = pulumi.interpolate`${secret.arn}:::${version.versionId}`;
            secretArns.push(secret.arn);
        }
        // Secrets owned elsewhere: `arn:json-key:version-stage:version-id`, read by ARN at task start.
        const secretKeyArns: pulumi.Input<string>[] = [key.arn];
        for (const [variable, source] of Object.entries(args.secretsFrom ?? {}).sort(([x], [y]) => x.localeCompare(y))) {
            secretRefs[variable] = pulumi.interpolate`${source.secretArn}:${source.jsonKey ?? ""}::${source.versionId ?? ""}`;
            secretArns.push(pulumi.output(source.secretArn));
            secretKeyArns.push(source.kmsKeyArn);
        }

        // ---- IAM ----
        const trustPolicy = ctx.apply(ecsTasksTrustPolicy);
        const executionRole = new aws.iam.Role(
            this.childName("execution-role"),
            { description: `Starts the ${name} web tier's tasks: pulls the image, writes logs, reads its secrets`, assumeRolePolicy: ecsTaskExecutionTrustPolicy() },
            this.childOpts(),
        );
        const executionPolicies: pulumi.Resource[] = [
            new aws.iam.RolePolicyAttachment(
                this.childName("execution-role-ecs"),
                {
                    role: executionRole.name,
                    policyArn: pulumi.interpolate`arn:${lookups.partition.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`,
                },
                this.childOpts(),
            ),
        ];
        if (secretArns.length > 0) {
            executionPolicies.push(
                new aws.iam.RolePolicy(
                    this.childName("execution-role-secrets"),
                    {
                        role: executionRole.id,
                        policy: pulumi.all([ctx, pulumi.all(secretArns), pulumi.all(secretKeyArns)]).apply(([c, arns, keyArns]) => executionSecretsPolicy(c, arns, keyArns)),
                    },
                    this.childOpts(),
                ),
            );
        }
        const taskRole = new aws.iam.Role(
            this.childName("task-role"),
            { description: `The ${name} web tier app's own AWS permissions`, assumeRolePolicy: trustPolicy },
            this.childOpts(),
        );
        const taskPolicies: pulumi.Resource[] = [];
        if (a.taskPolicyStatements.length > 0) {
            taskPolicies.push(
                new aws.iam.RolePolicy(
                    this.childName("task-role-policy"),
                    { role: taskRole.id, policy: { Version: "2012-10-17", Statement: a.taskPolicyStatements } },
                    this.childOpts(),
                ),
            );
        }

        // ---- security groups: the ALB faces the internet; tasks accept only the ALB ----
        // Rules are separate resources (not inline) so the data tier's groups can gain rules
        // owned here, and so a change to one rule does not rewrite the whole group.
        const albSg = new aws.ec2.SecurityGroup(
            this.childName("alb-sg"),
            {
                vpcId: a.network.vpcId,
                description: "Web tier load balancer: HTTP and HTTPS from the internet, out to the app tasks only",
                revokeRulesOnDelete: true,
                tags: { Name: `${name}-alb` },
            },
            this.childOpts(),
        );
        const taskSg = new aws.ec2.SecurityGroup(
            this.childName("task-sg"),
            {
                vpcId: a.network.vpcId,
                description: "Web tier app tasks: in from the load balancer only, out to HTTPS and their data stores",
                revokeRulesOnDelete: true,
                tags: { Name: `${name}-tasks` },
            },
            this.childOpts(),
        );
        for (const [listener, port] of [["http", 80], ["https", 443]] as const) {
            for (const [family, cidr] of [["ipv4", { cidrIpv4: "0.0.0.0/0" }], ["ipv6", { cidrIpv6: "::/0" }]] as const) {
                new aws.vpc.SecurityGroupIngressRule(
                    this.childName(`alb-in-${listener}-${family}`),
                    { securityGroupId: albSg.id, ipProtocol: "tcp", fromPort: port, toPort: port, ...cidr, description: `${listener.toUpperCase()} from the internet` },
                    this.childOpts(),
                );
            }
        }
        new aws.vpc.SecurityGroupEgressRule(
            this.childName("alb-out-tasks"),
            { securityGroupId: albSg.id, ipProtocol: "tcp", fromPort: a.port, toPort: a.port, referencedSecurityGroupId: taskSg.id, description: "To the app tasks" },
            this.childOpts(),
        );
        new aws.vpc.SecurityGroupIngressRule(
            this.childName("task-in-alb"),
            { securityGroupId: taskSg.id, ipProtocol: "tcp", fromPort: a.port, toPort: a.port, referencedSecurityGroupId: albSg.id, description: "From the load balancer" },
            this.childOpts(),
        );
        new aws.vpc.SecurityGroupEgressRule(
            this.childName("task-out-https"),
            { securityGroupId: taskSg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "HTTPS: image pulls and AWS APIs" },
            this.childOpts(),
        );
        for (const ds of a.dataStores) {
            new aws.vpc.SecurityGroupIngressRule(
                this.childName(`store-${ds.name}-in-tasks`),
                { securityGroupId: ds.securityGroupId, ipProtocol: "tcp", fromPort: ds.port, toPort: ds.port, referencedSecurityGroupId: taskSg.id, description: `From the ${name} web tier tasks` },
                this.childOpts(),
            );
            new aws.vpc.SecurityGroupEgressRule(
                this.childName(`task-out-${ds.name}`),
                { securityGroupId: taskSg.id, ipProtocol: "tcp", fromPort: ds.port, toPort: ds.port, referencedSecurityGroupId: ds.securityGroupId, description: `To the ${ds.name} data store` },
                this.childOpts(),
            );
        }

        // ---- access-log bucket ----
        // Bucket names are global: the account and region make this one unique to the stack's home.
        // ALB log delivery only writes to SSE-S3 buckets, hence AES256 rather than the KMS key.
        const bucketName = ctx.apply((c) => physicalName(`${name}-alb-logs-${c.accountId}-${c.region}`, nameLimits.s3Bucket));
        const bucket = new aws.s3.Bucket(this.childName("access-logs"), { bucket: bucketName, forceDestroy: false }, this.childOpts({ protect: a.protect }));
        const ownership = new aws.s3.BucketOwnershipControls(
            this.childName("access-logs-ownership"),
            { bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
            this.childOpts(),
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            this.childName("access-logs-public-access"),
            { bucket: bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            this.childOpts(),
        );
        new aws.s3.BucketVersioning(
            this.childName("access-logs-versioning"),
            { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } },
            this.childOpts(),
        );
        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
            this.childName("access-logs-encryption"),
            { bucket: bucket.bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            this.childOpts(),
        );
        new aws.s3.BucketLifecycleConfiguration(
            this.childName("access-logs-lifecycle"),
            {
                bucket: bucket.bucket,
                rules: [
                    {
                        id: "expire-access-logs",
                        status: "Enabled",
                        filter: {},
                        expiration: { days: a.accessLogsRetentionDays },
                        // Versioning turns an expiry into a noncurrent version: remove those too.
                        noncurrentVersionExpiration: { noncurrentDays: 7 },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                    { id: "remove-expired-delete-markers", status: "Enabled", filter: {}, expiration: { expiredObjectDeleteMarker: true } },
                ],
            },
            this.childOpts(),
        );
        // The writer comes from the region table (../shared/aws-regions), not from
        // aws.elb.getServiceAccount: that lookup fails in every region opened since August 2022.
        const bucketPolicy = new aws.s3.BucketPolicy(
            this.childName("access-logs-policy"),
            {
                bucket: bucket.bucket,
                policy: pulumi.all([ctx, bucket.arn]).apply(([c, bucketArn]) => accessLogsBucketPolicy(c, { bucketArn, prefix: accessLogsPrefix })),
            },
            this.childOpts({ dependsOn: [publicAccess] }),
        );

        // ---- certificate ----
        // Either an issued certificate is given, or one is requested and validated through the
        // zone: the listener takes the ARN from the CertificateValidation, so it is created only
        // once ACM has issued the certificate (normalizeAwsWebTierArgs refuses neither).
        let listenerCertificateArn: pulumi.Input<string>;
        let validationRecords: pulumi.Output<CertificateValidationRecord[]>;
        if (a.certificateArn !== undefined) {
            listenerCertificateArn = a.certificateArn;
            validationRecords = pulumi.output([]);
        } else {
            const certificate = new aws.acm.Certificate(
                this.childName("certificate"),
                { domainName: a.domain, validationMethod: "DNS" },
                this.childOpts(),
            );
            validationRecords = certificate.domainValidationOptions.apply((options) =>
                options.map((o) => ({ name: o.resourceRecordName ?? "", type: o.resourceRecordType ?? "CNAME", value: o.resourceRecordValue ?? "" })),
            );
            // The certificate covers exactly one name, so there is exactly one record.
            const record = validationRecords.apply((r) => r[0]);
            const validationRecord = new aws.route53.Record(
                this.childName("certificate-validation-record"),
                { zoneId: a.hostedZoneId!, name: record.name, type: record.type, records: [record.value], ttl: 60, allowOverwrite: true },
                this.childOpts(),
            );
            const validation = new aws.acm.CertificateValidation(
                this.childName("certificate-validation"),
                { certificateArn: certificate.arn, validationRecordFqdns: [validationRecord.fqdn] },
                this.childOpts(),
            );
            listenerCertificateArn = validation.certificateArn;
        }

        // ---- load balancer, target group, listeners ----
        const alb = new aws.lb.LoadBalancer(
            this.childName("alb"),
            {
                name: physicalName(name, nameLimits.loadBalancer),
                loadBalancerType: "application",
                internal: false,
                ipAddressType: a.ipAddressType,
                subnets: a.network.publicSubnetIds,
                securityGroups: [albSg.id],
                dropInvalidHeaderFields: true,
                enableDeletionProtection: a.deletionProtection,
                idleTimeout: a.idleTimeoutSeconds,
                accessLogs: { bucket: bucket.bucket, prefix: accessLogsPrefix, enabled: true },
            },
            // ELB checks it can write to the bucket when logging is turned on.
            this.childOpts({ dependsOn: [bucketPolicy, ownership, encryption] }),
        );
        const targetGroup = new aws.lb.TargetGroup(
            this.childName("tg"),
            {
                // The port is in the name: changing it replaces the group, and the replacement
                // is created before the old one is deleted, so it needs a different name.
                name: physicalName(`${name}-tg-${a.port}`, nameLimits.targetGroup),
                port: a.port,
                protocol: "HTTP",
                targetType: "ip",
                vpcId: a.network.vpcId,
                deregistrationDelay: 30,
                healthCheck: {
                    enabled: true,
                    protocol: "HTTP",
                    port: "traffic-port",
                    path: a.healthPath,
                    matcher: "200-399",
                    interval: 15,
                    timeout: 5,
                    healthyThreshold: 2,
                    unhealthyThreshold: 3,
                },
            },
            this.childOpts(),
        );
        const httpsListener = new aws.lb.Listener(
            this.childName("https"),
            {
                loadBalancerArn: alb.arn,
                port: 443,
                protocol: "HTTPS",
                sslPolicy: a.sslPolicy,
                certificateArn: listenerCertificateArn,
                defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
                routingHttpResponseStrictTransportSecurityHeaderValue: "max-age=31536000",
                routingHttpResponseXContentTypeOptionsHeaderValue: "nosniff",
                routingHttpResponseServerEnabled: false,
            },
            this.childOpts(),
        );
        new aws.lb.Listener(
            this.childName("http"),
            {
                loadBalancerArn: alb.arn,
                port: 80,
                protocol: "HTTP",
                defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
            },
            this.childOpts(),
        );

        // ---- WAF ----
        const aclName = physicalName(name, nameLimits.wafWebAcl);
        const webAcl = new aws.wafv2.WebAcl(
            this.childName("waf"),
            {
                name: aclName,
                description: `Rate limit and AWS managed rules for the ${name} web tier`,
                scope: "REGIONAL",
                defaultAction: { allow: {} },
                rules: webAclRules({
                    rateLimitPerMinute: a.rateLimitPerMinute,
                    rateWindowSeconds: a.wafRateWindowSeconds,
                    countedCommonRules: a.wafCountedRules,
                    metricPrefix: aclName,
                }),
                visibilityConfig: visibility(aclName),
            },
            this.childOpts(),
        );
        new aws.wafv2.WebAclAssociation(this.childName("waf-association"), { resourceArn: alb.arn, webAclArn: webAcl.arn }, this.childOpts());
        // What WAF blocked or counted, and why: without it a user blocked by a rule leaves no
        // trace but a sampled request for three hours. WAF adds the log group's resource policy
        // for its log delivery itself when logging is turned on (PutLoggingConfiguration).
        const wafLogGroup = new aws.cloudwatch.LogGroup(
            this.childName("waf-logs"),
            { name: wafLogGroupName, retentionInDays: a.wafLogRetentionDays, kmsKeyId: key.arn },
            this.childOpts({ protect: a.protect }),
        );
        new aws.wafv2.WebAclLoggingConfiguration(
            this.childName("waf-logging"),
            {
                resourceArn: webAcl.arn,
                logDestinationConfigs: [wafLogGroup.arn],
                redactedFields: wafRedactedFields(),
                loggingFilter: wafLoggingFilter(),
            },
            this.childOpts(),
        );

        // ---- ECS ----
        const cluster = new aws.ecs.Cluster(
            this.childName("cluster"),
            { name: physicalName(name, nameLimits.ecsCluster), settings: [{ name: "containerInsights", value: "enabled" }] },
            this.childOpts(),
        );
        const containerDefinitions = pulumi
            .all([a.image, lookups.region.region, logGroup.name, pulumi.all(secretRefs)])
            .apply(([image, r, group, refs]) =>
                JSON.stringify([
                    buildContainerDefinition({
                        image,
                        port: a.port,
                        healthPath: a.healthPath,
                        env: a.env,
                        secretRefs: refs,
                        logGroupName: group,
                        region: r,
                        healthCheck: a.containerHealthCheck,
                    }),
                ]),
            );
        const taskDefinition = new aws.ecs.TaskDefinition(
            this.childName("task"),
            {
                family: physicalName(name, 255),
                requiresCompatibilities: ["FARGATE"],
                networkMode: "awsvpc",
                cpu: String(a.cpu),
                memory: String(a.memoryMiB),
                runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: a.cpuArchitecture },
                executionRoleArn: executionRole.arn,
                taskRoleArn: taskRole.arn,
                // The root filesystem is read-only; /tmp is this task-scoped scratch volume.
                volumes: [{ name: tmpVolumeName }],
                containerDefinitions,
            },
            this.childOpts(),
        );
        const service = new aws.ecs.Service(
            this.childName("service"),
            {
                name: physicalName(name, 255),
                cluster: cluster.arn,
                taskDefinition: taskDefinition.arn,
                launchType: "FARGATE",
                desiredCount: a.replicas,
                // Fargate spreads a service's tasks across the zones of its subnets; rebalancing
                // moves them back after a zone recovers.
                networkConfiguration: { subnets: a.network.privateSubnetIds, securityGroups: [taskSg.id], assignPublicIp: false },
                availabilityZoneRebalancing: "ENABLED",
                loadBalancers: [{ targetGroupArn: targetGroup.arn, containerName: appContainerName, containerPort: a.port }],
                healthCheckGracePeriodSeconds: a.healthCheckGracePeriodSeconds,
                deploymentCircuitBreaker: { enable: true, rollback: true },
                deploymentMinimumHealthyPercent: 100,
                deploymentMaximumPercent: 200,
                enableExecuteCommand: false,
                enableEcsManagedTags: true,
                propagateTags: "SERVICE",
            },
            this.childOpts({
                // The target group must be attached to the load balancer before tasks register,
                // and the roles must carry their policies before the first task starts.
                dependsOn: [httpsListener, ...executionPolicies, ...taskPolicies],
                // Autoscaling owns the running count after creation; without this every deploy
                // would reset a scaled-out service back to `replicas`.
                ignoreChanges: ["desiredCount"],
            }),
        );

        // ---- autoscaling ----
        const scaling = new aws.appautoscaling.Target(
            this.childName("autoscaling"),
            {
                serviceNamespace: "ecs",
                scalableDimension: "ecs:service:DesiredCount",
                resourceId: pulumi.interpolate`service/${cluster.name}/${service.name}`,
                minCapacity: a.replicas,
                maxCapacity: a.maxReplicas,
            },
            this.childOpts(),
        );
        const trackingPolicy = (suffix: string, config: aws.types.input.appautoscaling.PolicyTargetTrackingScalingPolicyConfiguration) =>
            new aws.appautoscaling.Policy(
                this.childName(suffix),
                {
                    policyType: "TargetTrackingScaling",
                    serviceNamespace: scaling.serviceNamespace,
                    scalableDimension: scaling.scalableDimension,
                    resourceId: scaling.resourceId,
                    targetTrackingScalingPolicyConfiguration: config,
                },
                this.childOpts(),
            );
        trackingPolicy("scale-on-cpu", {
            targetValue: targetCpuPercent,
            predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
            scaleOutCooldown: 60,
            scaleInCooldown: 300,
        });
        trackingPolicy("scale-on-requests", {
            targetValue: a.requestsPerTarget,
            predefinedMetricSpecification: {
                predefinedMetricType: "ALBRequestCountPerTarget",
                resourceLabel: pulumi.interpolate`${alb.arnSuffix}/${targetGroup.arnSuffix}`,
            },
            scaleOutCooldown: 60,
            scaleInCooldown: 300,
        });

        // ---- DNS ----
        if (a.hostedZoneId !== undefined) {
            const types = a.ipAddressType === "dualstack" ? (["A", "AAAA"] as const) : (["A"] as const);
            for (const type of types) {
                new aws.route53.Record(
                    this.childName(`dns-${type.toLowerCase()}`),
                    { zoneId: a.hostedZoneId, name: a.domain, type, aliases: [{ name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true }] },
                    this.childOpts(),
                );
            }
        }

        this.url = pulumi.output(`https://${a.domain}`);
        this.loadBalancerDnsName = alb.dnsName;
        this.loadBalancerZoneId = alb.zoneId;
        this.loadBalancerArnSuffix = alb.arnSuffix;
        this.targetGroupArnSuffix = targetGroup.arnSuffix;
        this.clusterName = cluster.name;
        this.serviceName = service.name;
        this.taskSecurityGroupId = taskSg.id;
        this.albSecurityGroupId = albSg.id;
        this.logGroupName = logGroup.name;
        this.webAclArn = webAcl.arn;
        this.accessLogsBucket = bucket.bucket;
        this.certificateValidationRecords = validationRecords;
        this.registerOutputs({
            url: this.url,
            loadBalancerDnsName: this.loadBalancerDnsName,
            loadBalancerZoneId: this.loadBalancerZoneId,
            loadBalancerArnSuffix: this.loadBalancerArnSuffix,
            targetGroupArnSuffix: this.targetGroupArnSuffix,
            clusterName: this.clusterName,
            serviceName: this.serviceName,
            taskSecurityGroupId: this.taskSecurityGroupId,
            albSecurityGroupId: this.albSecurityGroupId,
            logGroupName: this.logGroupName,
            webAclArn: this.webAclArn,
            accessLogsBucket: this.accessLogsBucket,
            certificateValidationRecords: this.certificateValidationRecords,
        });
    }
}
