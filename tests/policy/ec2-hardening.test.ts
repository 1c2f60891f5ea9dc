import { describe, expect, it } from "vitest";
import { ec2Hardening } from "../../policy/rules/aws-edge/ec2-hardening";
import { remediate } from "./aws-edge-support";
import { PREVIEW_UNKNOWN, check, messages } from "./helpers";

const INSTANCE = "aws:ec2/instance:Instance";
const TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const b64 = (s: string) => Buffer.from(s).toString("base64");
const SCRIPT = "#!/bin/bash\nDB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nexport PASSWORD=\"$DB_PASSWORD\"\n";

const instance = (over: Record<string, unknown> = {}) => ({
    ami: "ami-123",
    instanceType: "t3.micro",
    subnetId: "private-1",
    metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
    rootBlockDevice: { encrypted: true, volumeSize: 20 },
    ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }],
    userData: SCRIPT,
    ...over,
});
const template = (over: Record<string, unknown> = {}) => ({
    imageId: "ami-123",
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required" },
    networkInterfaces: [{ associatePublicIpAddress: "false", subnetId: "private-1" }],
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 20 } }],
    userData: b64(SCRIPT),
    ...over,
});

describe("ec2-hardening: instances", () => {
    it("passes a hardened instance whose user data fetches its secrets", async () => {
        expect(await messages(ec2Hardening, INSTANCE, instance())).toEqual([]);
        expect(await messages(ec2Hardening, INSTANCE, instance({ metadataOptions: { httpEndpoint: "disabled" } }))).toEqual([]);
    });

    it("fails IMDSv1", async () => {
        expect(await messages(ec2Hardening, INSTANCE, instance({ metadataOptions: { httpTokens: "optional" } }))).toEqual([expect.stringMatching(/httpTokens is "optional"; set it to "required"/)]);
        expect(await messages(ec2Hardening, INSTANCE, instance({ metadataOptions: undefined }))).toEqual([expect.stringMatching(/httpTokens is "unset"/)]);
    });

    it("fails a public IP", async () => {
        expect(await messages(ec2Hardening, INSTANCE, instance({ associatePublicIpAddress: true }))).toEqual([expect.stringMatching(/associatePublicIpAddress is true/)]);
    });

    it("fails unencrypted or unspecified volumes", async () => {
        expect(await messages(ec2Hardening, INSTANCE, instance({ rootBlockDevice: { encrypted: false } }))).toEqual([expect.stringMatching(/rootBlockDevice\.encrypted is false/)]);
        expect(await messages(ec2Hardening, INSTANCE, instance({ rootBlockDevice: undefined }))).toEqual([expect.stringMatching(/rootBlockDevice\.encrypted is "unset"/)]);
        expect(await messages(ec2Hardening, INSTANCE, instance({ ebsBlockDevices: [{ deviceName: "/dev/sdf" }] }))).toEqual([expect.stringMatching(/ebsBlockDevices\[0\]\.encrypted is "unset"/)]);
    });

    it("fails literal secrets in user data, naming the kind but not the value", async () => {
        const cases: [string, RegExp][] = [
            ["export AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP", /an AWS access key id/],
            ["echo 'password=Sup3rS3cret!' > /etc/app.conf", /a password assignment/],
            ["cat > key <<EOF\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\nEOF", /a private key block/],
            ["DATABASE_URL=postgres://app:hunter2hunter2@db:5432/app", /credentials in a URL/],
        ];
        for (const [userData, label] of cases) {
            const msgs = await messages(ec2Hardening, INSTANCE, instance({ userData }));
            expect(msgs).toEqual([expect.stringMatching(label)]);
            expect(msgs[0]).not.toMatch(/Sup3rS3cret|hunter2|AKIAABCDEFGHIJKLMNOP/);
        }
    });

    it("leaves unset settings to the instance's launch template", async () => {
        expect(await messages(ec2Hardening, INSTANCE, instance({ launchTemplate: { id: "lt-1" }, metadataOptions: undefined, rootBlockDevice: undefined }))).toEqual([]);
        expect(await messages(ec2Hardening, INSTANCE, instance({ launchTemplate: { id: "lt-1" }, metadataOptions: { httpTokens: "optional" } }))).toHaveLength(1);
    });

    it("honours ebsEncryptedByDefault", async () => {
        const ctx = { config: { "ec2-hardening": { ebsEncryptedByDefault: true } } };
        expect(await messages(ec2Hardening, INSTANCE, instance({ rootBlockDevice: undefined, ebsBlockDevices: [{ deviceName: "/dev/sdf" }] }), ctx)).toEqual([]);
    });

    it("reports decisive values unknown at preview", async () => {
        const unknown = (what: string) => [expect.stringContaining(`${what} is unknown during preview`)];
        expect(await messages(ec2Hardening, INSTANCE, instance({ userData: PREVIEW_UNKNOWN }))).toEqual(unknown("userData"));
        expect(await messages(ec2Hardening, INSTANCE, instance({ metadataOptions: { httpTokens: PREVIEW_UNKNOWN } }))).toEqual(unknown("metadataOptions.httpTokens"));
        expect(await messages(ec2Hardening, INSTANCE, instance({ associatePublicIpAddress: PREVIEW_UNKNOWN }))).toEqual(unknown("associatePublicIpAddress"));
        expect(await messages(ec2Hardening, INSTANCE, instance({ rootBlockDevice: { encrypted: PREVIEW_UNKNOWN } }))).toEqual(unknown("rootBlockDevice.encrypted"));
        expect(await messages(ec2Hardening, INSTANCE, instance({ ebsBlockDevices: PREVIEW_UNKNOWN }))).toEqual(unknown("ebsBlockDevices"));
    });
});

describe("ec2-hardening: launch templates", () => {
    it("passes a hardened template (string booleans, base64 user data)", async () => {
        expect(await messages(ec2Hardening, TEMPLATE, template())).toEqual([]);
    });

    it("fails IMDSv1, public IPs and unencrypted volumes", async () => {
        expect(await messages(ec2Hardening, TEMPLATE, template({ metadataOptions: { httpTokens: "optional" } }))).toEqual([expect.stringMatching(/httpTokens is "optional"/)]);
        expect(await messages(ec2Hardening, TEMPLATE, template({ networkInterfaces: [{ associatePublicIpAddress: "true" }] }))).toEqual([
            expect.stringMatching(/networkInterfaces\[0\]\.associatePublicIpAddress is "true"/),
        ]);
        expect(await messages(ec2Hardening, TEMPLATE, template({ blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] }))).toEqual([
            expect.stringMatching(/blockDeviceMappings\[0\]\.ebs\.encrypted is "false"/),
        ]);
        expect(await messages(ec2Hardening, TEMPLATE, template({ blockDeviceMappings: undefined }))).toEqual([expect.stringMatching(/sets no encrypted EBS volume/)]);
    });

    it("decodes base64 user data before looking for secrets", async () => {
        expect(await messages(ec2Hardening, TEMPLATE, template({ userData: b64("#!/bin/sh\nexport AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP\n") }))).toEqual([
            expect.stringMatching(/userData contains an AWS access key id/),
        ]);
    });

    it("reports unknown network interfaces and block devices", async () => {
        expect(await messages(ec2Hardening, TEMPLATE, template({ networkInterfaces: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/networkInterfaces is unknown/)]);
        expect(await messages(ec2Hardening, TEMPLATE, template({ blockDeviceMappings: [{ ebs: { encrypted: PREVIEW_UNKNOWN } }] }))).toEqual([
            expect.stringMatching(/blockDeviceMappings\[0\]\.ebs\.encrypted is unknown/),
        ]);
    });

    it("is mandatory and remediates IMDSv1 by requiring tokens, keeping other options", async () => {
        expect((await check(ec2Hardening, [{ type: TEMPLATE, props: template({ metadataOptions: undefined }) }]))[0].level).toBe("mandatory");
        expect(await remediate(ec2Hardening, INSTANCE, instance({ metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 } }))).toMatchObject({
            ami: "ami-123",
            metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
        });
        expect(await remediate(ec2Hardening, TEMPLATE, template({ metadataOptions: undefined }))).toMatchObject({ metadataOptions: { httpTokens: "required" } });
        expect(await remediate(ec2Hardening, INSTANCE, instance())).toBeUndefined();
        expect(await remediate(ec2Hardening, "aws:ecs/service:Service", { metadataOptions: {} })).toBeUndefined();
    });
});
