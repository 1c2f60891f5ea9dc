import { type SlipwayRule, UNKNOWN, read, resourceRule, types } from "../kit";
import { Deferred, readItems } from "./values";

/**
 * Without an SSH key DigitalOcean sets a root password and emails it; without a VPC the droplet's
 * private interface sits on the region's shared default network.
 */
export const doDropletAccess: SlipwayRule = resourceRule(
    {
        name: "do-droplet-access",
        group: "digitalocean",
        description: "Droplets must be created with at least one SSH key (so no root password is set and emailed) and inside a VPC (vpcUuid set).",
        sources: ["CKV_DIO_2", "tfsec digitalocean-compute-use-ssh-keys"],
        remediation: "Pass sshKeys: [sshKey.id] (a digitalocean.SshKey) and vpcUuid: vpc.id (a digitalocean.Vpc in the droplet's region); changing either replaces the droplet.",
        level: "mandatory",
    },
    types.doDroplet,
    (args, report) => {
        const deferred = new Deferred();
        // Key ids are normally outputs of SshKey resources: an unknown element is still a key.
        const keys = readItems(() => args.props.sshKeys);
        if (keys === UNKNOWN) deferred.add(() => args.props.sshKeys);
        else if (!keys || keys.length === 0) report(`sshKeys is ${keys ? "empty" : "unset"}; give the droplet at least one SSH key so DigitalOcean does not set and email a root password.`);
        else if (keys.some((k) => k !== UNKNOWN && (k === null || k === ""))) report("sshKeys contains an empty entry; every entry must be an SSH key id or fingerprint.");

        // vpc.id is unknown until the VPC exists; an unknown value is a value that is set.
        const vpc = read(() => args.props.vpcUuid);
        if (vpc !== UNKNOWN && (vpc === undefined || vpc === null || vpc === "")) {
            report("vpcUuid is unset; place the droplet in a VPC (vpcUuid: vpc.id) rather than the region's default network.");
        }
        deferred.raise();
    },
);
