import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { among, elements, remediateOn, secretLiteralsIn, shown, userDataTexts } from "./support";

interface Ec2Config {
    /** The account encrypts every new EBS volume (aws.ebs.EncryptionByDefault), so volumes need no flag. */
    ebsEncryptedByDefault: boolean;
}

// Launch templates spell booleans as strings ("true").
const isTrue = (v: unknown): boolean => v === true || v === "true";

function checkMetadata(args: ResourceValidationArgs, report: ReportViolation, deferred: boolean): void {
    const endpoint = read(() => args.props.metadataOptions?.httpEndpoint);
    if (endpoint === "disabled") return;
    const tokens = read(() => args.props.metadataOptions?.httpTokens);
    if (tokens === UNKNOWN) return reportUnknown(report, "metadataOptions.httpTokens");
    if (tokens === undefined && deferred) return;
    if (tokens !== "required") report(`metadataOptions.httpTokens is ${shown(tokens)}; set it to "required" (IMDSv2 only).`);
}

function checkVolume(report: ReportViolation, where: string, encrypted: unknown): void {
    if (encrypted === UNKNOWN) reportUnknown(report, `${where}.encrypted`);
    else if (!isTrue(encrypted)) report(`${where}.encrypted is ${shown(encrypted)}; EBS volumes must be encrypted.`);
}

function checkUserData(args: ResourceValidationArgs, report: ReportViolation): void {
    const userData = read(() => args.props.userData);
    if (userData === UNKNOWN) return reportUnknown(report, "userData");
    if (typeof userData !== "string" || userData === "") return;
    const found = new Set(userDataTexts(userData).flatMap(secretLiteralsIn));
    if (found.size > 0) report(`userData contains ${[...found].join(" and ")}; fetch secrets at boot from Secrets Manager or SSM Parameter Store instead.`);
}

function checkInstance(args: ResourceValidationArgs, report: ReportViolation, cfg: Ec2Config): void {
    // Settings an instance leaves out come from its launch template, which this rule checks too.
    const template = read(() => args.props.launchTemplate);
    const fromTemplate = template !== undefined && template !== null;
    checkMetadata(args, report, fromTemplate);

    const publicIp = read(() => args.props.associatePublicIpAddress);
    if (publicIp === UNKNOWN) reportUnknown(report, "associatePublicIpAddress");
    else if (publicIp === true) report("associatePublicIpAddress is true; instances must not get public IP addresses (use a load balancer or SSM).");

    if (!cfg.ebsEncryptedByDefault) {
        const root = read(() => args.props.rootBlockDevice);
        if (root === UNKNOWN) reportUnknown(report, "rootBlockDevice");
        else if (root !== undefined || !fromTemplate) checkVolume(report, "rootBlockDevice", read(() => args.props.rootBlockDevice?.encrypted));
        const volumes = elements(() => args.props.ebsBlockDevices);
        if (volumes === UNKNOWN) reportUnknown(report, "ebsBlockDevices");
        else volumes.forEach((v, i) => checkVolume(report, `ebsBlockDevices[${i}]`, v === UNKNOWN ? UNKNOWN : read(() => (v as { encrypted?: unknown }).encrypted)));
    }
    checkUserData(args, report);
}

function checkLaunchTemplate(args: ResourceValidationArgs, report: ReportViolation, cfg: Ec2Config): void {
    checkMetadata(args, report, false);

    const nics = elements(() => args.props.networkInterfaces);
    if (nics === UNKNOWN) reportUnknown(report, "networkInterfaces");
    else {
        nics.forEach((n, i) => {
            const publicIp = n === UNKNOWN ? UNKNOWN : read(() => (n as { associatePublicIpAddress?: unknown }).associatePublicIpAddress);
            if (publicIp === UNKNOWN) reportUnknown(report, `networkInterfaces[${i}].associatePublicIpAddress`);
            else if (isTrue(publicIp)) report(`networkInterfaces[${i}].associatePublicIpAddress is ${shown(publicIp)}; instances must not get public IP addresses.`);
        });
    }

    if (!cfg.ebsEncryptedByDefault) {
        const mappings = elements(() => args.props.blockDeviceMappings);
        if (mappings === UNKNOWN) reportUnknown(report, "blockDeviceMappings");
        else {
            let ebsVolumes = 0;
            mappings.forEach((m, i) => {
                const ebs = m === UNKNOWN ? UNKNOWN : read(() => (m as { ebs?: unknown }).ebs);
                if (ebs === undefined || ebs === null) return; // instance store or a suppressed device
                ebsVolumes++;
                checkVolume(report, `blockDeviceMappings[${i}].ebs`, ebs === UNKNOWN ? UNKNOWN : read(() => (ebs as { encrypted?: unknown }).encrypted));
            });
            if (ebsVolumes === 0) {
                report("blockDeviceMappings sets no encrypted EBS volume, so volumes follow the AMI's snapshots; map the root device with ebs.encrypted \"true\" (or enable EBS encryption by default and set this rule's ebsEncryptedByDefault).");
            }
        }
    }
    checkUserData(args, report);
}

/** Instances: IMDSv2 only, no public address, encrypted disks, no secrets in user data. */
export const ec2Hardening: SlipwayRule = resourceRule(
    {
        name: "ec2-hardening",
        group: "aws",
        description:
            "EC2 instances and launch templates must require IMDSv2, not assign public IPs, encrypt their EBS volumes and keep literal secrets out of user data.",
        sources: ["FSBP EC2.8", "FSBP EC2.9", "FSBP EC2.3", "CKV_AWS_79", "CKV_AWS_88", "CKV_AWS_8", "CKV_AWS_46"],
        remediation:
            'Set metadataOptions: { httpTokens: "required" }, drop associatePublicIpAddress (use private subnets behind a load balancer, SSM for access), set encrypted: true on root and EBS volumes (or enable account-wide EBS encryption by default) and have user data fetch secrets from Secrets Manager or SSM at boot.',
        level: "mandatory",
        configSchema: { properties: { ebsEncryptedByDefault: { type: "boolean", default: false } } },
    },
    [...types.ec2Instance, ...types.launchTemplate],
    (args, report) => {
        const cfg = args.getConfig<Ec2Config>();
        if (among(types.ec2Instance, args.type)) checkInstance(args, report, cfg);
        else checkLaunchTemplate(args, report, cfg);
    },
    {
        // Requiring session tokens only breaks IMDSv1-only software, which current SDKs are not.
        remediateResource: remediateOn([...types.ec2Instance, ...types.launchTemplate], (props) => {
            const metadata = props.metadataOptions ?? {};
            if (metadata.httpTokens === "required" || metadata.httpEndpoint === "disabled") return undefined;
            return { metadataOptions: { ...metadata, httpTokens: "required" } };
        }),
    },
);
