import { describe, expect, it } from "vitest";
import { type CloudInitOptions, renderCloudInit } from "../../components/host/cloud-init";
import { inboundRules, outboundRules } from "../../components/host/firewall-rules";
import { cidrWithin, isLoopback, isWorldCidr, parseCidr } from "../../policy/rules/digitalocean/cidr";
import { doDropletAccess } from "../../policy/rules/digitalocean/do-droplet-access";
import { doDropletBackupsMonitoring } from "../../policy/rules/digitalocean/do-droplet-backups-monitoring";
import { doDropletMonitoring } from "../../policy/rules/digitalocean/do-droplet-monitoring";
import { doFirewallIngress, parsePortRange } from "../../policy/rules/digitalocean/do-firewall-ingress";
import { doSpacesPrivate } from "../../policy/rules/digitalocean/do-spaces-private";
import { doSpacesRetention } from "../../policy/rules/digitalocean/do-spaces-retention";
import { doSpacesVersioningRetention } from "../../policy/rules/digitalocean/do-spaces-versioning-retention";
import { doUserdataNoSecrets } from "../../policy/rules/digitalocean/do-userdata-no-secrets";
import { hostKeyRanges } from "../../policy/rules/digitalocean/host-key-ranges";
import { findLiteralSecrets } from "../../policy/rules/digitalocean/secret-patterns";
import { digitaloceanRules } from "../../policy/rules/digitalocean";
import { PREVIEW_UNKNOWN, check, messages } from "./helpers";

const FIREWALL = "digitalocean:index/firewall:Firewall";
const DROPLET = "digitalocean:index/droplet:Droplet";
const BUCKET = "digitalocean:index/spacesBucket:SpacesBucket";
const BUCKET_POLICY = "digitalocean:index/spacesBucketPolicy:SpacesBucketPolicy";

const world = ["0.0.0.0/0", "::/0"];
const tcp = (portRange: string, sourceAddresses: unknown[]) => ({ protocol: "tcp", portRange, sourceAddresses });
/** The firewall our Host component renders (80/443 world, 22 from the allow-list). */
const shippedFirewall = () => ({ inboundRules: inboundRules({ sshAllowedCidrs: ["203.0.113.7/32"], allowPing: false }), outboundRules: outboundRules() });
const withRules = (...rules: unknown[]) => ({ inboundRules: rules });

const fakeKey = (label = "OPENSSH") => `-----BEGIN ${label} PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END ${label} PRIVATE KEY-----\n`;
const cloudInit: CloudInitOptions = {
    user: "deploy",
    authorizedKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDeployDeployDeployDeployDeployDeployDeploy deploy"],
    hostKey: { privateKeyOpenssh: fakeKey(), publicKeyOpenssh: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostHostHostHostHostHostHostHostHostHostHost\n" },
    dataDir: "/mnt/slipway",
    volumeDevice: "/dev/disk/by-id/scsi-0DO_Volume_dev-vps-data-1a2b3c",
    volumeLabel: "slipway-data",
    volumeWaitSeconds: 600,
    swapGb: 2,
    automaticRebootTime: "04:30",
};
const shippedUserData = () => renderCloudInit(cloudInit);
const droplet = (extra: Record<string, unknown> = {}) => ({
    sshKeys: ["key-id"],
    vpcUuid: "vpc-id",
    backups: true,
    monitoring: true,
    userData: shippedUserData(),
    ...extra,
});

describe("do-firewall-ingress", () => {
    it("passes the firewall the Host component renders, with and without an SSH allow-list in the policy config", async () => {
        expect(await messages(doFirewallIngress, FIREWALL, shippedFirewall())).toEqual([]);
        expect(await messages(doFirewallIngress, FIREWALL, shippedFirewall(), { config: { "do-firewall-ingress": { sshAllowedCidrs: ["203.0.113.0/24"] } } })).toEqual([]);
    });

    it("fails any world-open port other than single tcp 80/443", async () => {
        expect(await messages(doFirewallIngress, FIREWALL, withRules(tcp("8080", world)))).toEqual([expect.stringMatching(/inboundRules\[0\] opens tcp 8080 to the world \(0\.0\.0\.0\/0, ::\/0\)/)]);
        expect(await messages(doFirewallIngress, FIREWALL, withRules(tcp("80-443", ["0.0.0.0/0"])))).toEqual([expect.stringMatching(/opens tcp 80-443 to the world/)]);
        expect(await messages(doFirewallIngress, FIREWALL, withRules({ protocol: "udp", portRange: "443", sourceAddresses: world }))).toEqual([expect.stringMatching(/opens udp 443 to the world/)]);
        // Any /0 is the world, however it is written.
        expect(await messages(doFirewallIngress, FIREWALL, withRules(tcp("8443", ["10.0.0.0/0"])))).toEqual([expect.stringMatching(/to the world \(10\.0\.0\.0\/0\)/)]);
    });

    it("never opens SSH to the world", async () => {
        expect(await messages(doFirewallIngress, FIREWALL, withRules(tcp("22", ["::/0"])))).toEqual([expect.stringMatching(/inboundRules\[0\] opens tcp 22 to the world \(::\/0\)/)]);
    });

    it("keeps SSH inside the configured sshAllowedCidrs", async () => {
        const ctx = { config: { "do-firewall-ingress": { sshAllowedCidrs: ["203.0.113.0/24", "2001:db8::/32"] } } };
        expect(await messages(doFirewallIngress, FIREWALL, withRules(tcp("22", ["203.0.113.7/32", "2001:db8:1::/48"])), ctx)).toEqual([]);
        expect(await messages(doFirewallIngress, FIREWALL, withRules(tcp("22", ["198.51.100.4/32"])), ctx)).toEqual([
            expect.stringMatching(/opens SSH \(22\) to 198\.51\.100\.4\/32, which is outside the configured sshAllowedCidrs \(203\.0\.113\.0\/24, 2001:db8::\/32\)/),
        ]);
        // Wider than the allowed block: not inside it.
        expect(await messages(doFirewallIngress, FIREWALL, withRules(tcp("22", ["203.0.0.0/16"])), ctx)).toHaveLength(1);
        // A range that covers 22 is an SSH rule too.
        expect(await messages(doFirewallIngress, FIREWALL, withRules(tcp("20-30", ["198.51.100.4"])), ctx)).toEqual([expect.stringMatching(/outside the configured sshAllowedCidrs/)]);
        // Without the setting, any non-world source is accepted.
        expect(await messages(doFirewallIngress, FIREWALL, withRules(tcp("22", ["198.51.100.4/32"])))).toEqual([]);
    });

    it("reports a malformed SSH source and a malformed sshAllowedCidrs setting", async () => {
        expect(await messages(doFirewallIngress, FIREWALL, withRules(tcp("22", ["office"])))).toEqual([expect.stringMatching(/opens SSH to "office", which is not an address/)]);
        expect(await messages(doFirewallIngress, FIREWALL, shippedFirewall(), { config: { "do-firewall-ingress": { sshAllowedCidrs: ["0.0.0.0/0"] } } })).toEqual([
            expect.stringMatching(/sshAllowedCidrs entry "0\.0\.0\.0\/0" is not a CIDR narrower than the world/),
        ]);
    });

    it("never opens the database, cache or admin ports, from any source", async () => {
        for (const port of ["5432", "6379", "9090", "3000"]) {
            expect(await messages(doFirewallIngress, FIREWALL, withRules(tcp(port, ["203.0.113.7/32"])))).toEqual([expect.stringMatching(new RegExp(`includes port ${port}; that port must never be open`))]);
        }
        // All ports from the world: one message for the world, one per forbidden port.
        const all = await messages(doFirewallIngress, FIREWALL, withRules(tcp("1-65535", world)));
        expect(all).toHaveLength(5);
        expect(all[0]).toMatch(/opens tcp 1-65535 to the world/);
        // A missing range means every port.
        expect(await messages(doFirewallIngress, FIREWALL, withRules({ protocol: "tcp", sourceAddresses: ["10.0.0.0/8"] }))).toHaveLength(4);
    });

    it("honours forbiddenPorts, worldOpenTcpPorts and allowWorldIcmp", async () => {
        const icmp = withRules({ protocol: "icmp", sourceAddresses: world });
        expect(await messages(doFirewallIngress, FIREWALL, icmp)).toEqual([expect.stringMatching(/opens icmp to the world/)]);
        expect(await messages(doFirewallIngress, FIREWALL, icmp, { config: { "do-firewall-ingress": { allowWorldIcmp: true } } })).toEqual([]);
        expect(await messages(doFirewallIngress, FIREWALL, withRules(tcp("8443", world)), { config: { "do-firewall-ingress": { worldOpenTcpPorts: [443, 8443] } } })).toEqual([]);
        expect(await messages(doFirewallIngress, FIREWALL, withRules(tcp("3000", ["10.0.0.0/8"])), { config: { "do-firewall-ingress": { forbiddenPorts: [5432] } } })).toEqual([]);
    });

    it("ignores deny rules and rejects an unparsable range", async () => {
        expect(await messages(doFirewallIngress, FIREWALL, withRules({ ...tcp("5432", world), action: "deny" }))).toEqual([]);
        expect(await messages(doFirewallIngress, FIREWALL, withRules(tcp("http", ["10.0.0.0/8"])))).toEqual([expect.stringMatching(/portRange is "http"/)]);
    });

    it("reports unknown rules, protocols and ranges; defers computed addresses to the update", async () => {
        expect(await messages(doFirewallIngress, FIREWALL, { inboundRules: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/inboundRules is unknown during preview/)]);
        expect(await messages(doFirewallIngress, FIREWALL, withRules(tcp(PREVIEW_UNKNOWN, ["10.0.0.0/8"])))).toEqual([expect.stringMatching(/inboundRules\[0\]\.portRange is unknown during preview/)]);
        expect(await messages(doFirewallIngress, FIREWALL, withRules({ protocol: PREVIEW_UNKNOWN, portRange: "22", sourceAddresses: world }))).toEqual([
            expect.stringMatching(/inboundRules\[0\]\.protocol is unknown/),
        ]);
        // A source from another resource: the known parts are still checked, then the server's advisory.
        const v = await check(doFirewallIngress, [{ type: FIREWALL, props: withRules(tcp("8080", ["0.0.0.0/0", PREVIEW_UNKNOWN])) }]);
        expect(v.map((x) => [x.level, x.message])).toEqual([
            ["mandatory", expect.stringMatching(/opens tcp 8080 to the world/)],
            ["advisory", expect.stringMatching(/can't run policy 'do-firewall-ingress' during preview: string value at \.inboundRules\.0\.sourceAddresses\.1/)],
        ]);
    });

    it("ignores other types", async () => {
        expect(await messages(doFirewallIngress, DROPLET, withRules(tcp("5432", world)))).toEqual([]);
    });
});

describe("do-droplet-access", () => {
    it("passes a droplet with a key and a VPC, also when both are ids unknown at preview", async () => {
        expect(await messages(doDropletAccess, DROPLET, droplet())).toEqual([]);
        expect(await messages(doDropletAccess, DROPLET, droplet({ sshKeys: [PREVIEW_UNKNOWN], vpcUuid: PREVIEW_UNKNOWN }))).toEqual([]);
    });

    it("fails without SSH keys", async () => {
        expect(await messages(doDropletAccess, DROPLET, droplet({ sshKeys: [] }))).toEqual([expect.stringMatching(/sshKeys is empty/)]);
        expect(await messages(doDropletAccess, DROPLET, droplet({ sshKeys: undefined }))).toEqual([expect.stringMatching(/sshKeys is unset/)]);
        expect(await messages(doDropletAccess, DROPLET, droplet({ sshKeys: [""] }))).toEqual([expect.stringMatching(/sshKeys contains an empty entry/)]);
    });

    it("fails without a VPC", async () => {
        expect(await messages(doDropletAccess, DROPLET, droplet({ vpcUuid: undefined }))).toEqual([expect.stringMatching(/vpcUuid is unset/)]);
    });

    it("defers a wholly computed key list to the update (advisory at preview, never a silent pass)", async () => {
        const v = await check(doDropletAccess, [{ type: DROPLET, props: droplet({ sshKeys: PREVIEW_UNKNOWN }) }]);
        expect(v).toEqual([expect.objectContaining({ level: "advisory", message: expect.stringMatching(/can't run policy 'do-droplet-access' during preview: .*\.sshKeys/) })]);
    });
});

describe("do-droplet-backups-monitoring and do-droplet-monitoring", () => {
    it("pass a droplet with backups and monitoring", async () => {
        expect(await messages(doDropletBackupsMonitoring, DROPLET, droplet())).toEqual([]);
        expect(await messages(doDropletMonitoring, DROPLET, droplet())).toEqual([]);
    });

    it("require backups (mandatory)", async () => {
        const [v] = await check(doDropletBackupsMonitoring, [{ type: DROPLET, props: droplet({ backups: false }) }]);
        expect(v).toMatchObject({ level: "mandatory", message: expect.stringMatching(/backups is false; droplet backups must be enabled/) });
        expect(await messages(doDropletBackupsMonitoring, DROPLET, droplet({ backups: undefined }))).toEqual([expect.stringMatching(/backups is unset/)]);
        expect(await messages(doDropletBackupsMonitoring, DROPLET, droplet({ monitoring: false }))).toEqual([]);
    });

    it("advise monitoring (advisory)", async () => {
        const [v] = await check(doDropletMonitoring, [{ type: DROPLET, props: droplet({ monitoring: false }) }]);
        expect(v).toMatchObject({ level: "advisory", message: expect.stringMatching(/monitoring is false; enable the monitoring agent/) });
        expect(await messages(doDropletMonitoring, DROPLET, droplet({ backups: false }))).toEqual([]);
    });

    it("report flags unknown at preview", async () => {
        expect(await messages(doDropletBackupsMonitoring, DROPLET, droplet({ backups: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/backups is unknown during preview/)]);
        expect(await messages(doDropletMonitoring, DROPLET, droplet({ monitoring: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/monitoring is unknown during preview/)]);
    });
});

describe("do-userdata-no-secrets", () => {
    it("passes our cloud-init, whose only private key is the pinned SSH host key", async () => {
        expect(await messages(doUserdataNoSecrets, DROPLET, droplet())).toEqual([]);
        expect(await messages(doUserdataNoSecrets, DROPLET, droplet({ userData: undefined }))).toEqual([]);
    });

    it("rejects the host key too when allowHostKeys is off", async () => {
        expect(await messages(doUserdataNoSecrets, DROPLET, droplet(), { config: { "do-userdata-no-secrets": { allowHostKeys: false } } })).toEqual([
            expect.stringMatching(/userData line \d+ contains a private key block \(OPENSSH\)/),
        ]);
    });

    it("rejects any other private key, even in a cloud-config that also pins a host key", async () => {
        const extra = `${shippedUserData()}write_files:\n  - path: /home/deploy/.ssh/id_ed25519\n    content: |\n      ${fakeKey("RSA").trimEnd().split("\n").join("\n      ")}\n`;
        expect(await messages(doUserdataNoSecrets, DROPLET, droplet({ userData: extra }))).toEqual([expect.stringMatching(/contains a private key block \(RSA\)/)]);
        expect(await messages(doUserdataNoSecrets, DROPLET, droplet({ userData: `#!/bin/sh\ncat > /root/key <<EOF\n${fakeKey("EC")}EOF\n` }))).toEqual([
            expect.stringMatching(/userData line 3 contains a private key block \(EC\)/),
        ]);
    });

    it("rejects password assignments, tokens and credentials in URLs, naming the line but never the value", async () => {
        const script = [
            "#!/bin/sh",
            "export DB_PASSWORD=hunter2hunter2",
            `curl -H "Authorization: Bearer dop_v1_${"a1".repeat(32)}" https://api.digitalocean.com`,
            "aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE",
            "psql postgres://app:s3cretpw@db:5432/app",
        ].join("\n");
        const found = await messages(doUserdataNoSecrets, DROPLET, droplet({ userData: script }));
        expect(found).toEqual([
            expect.stringMatching(/line 2 contains a literal value assigned to "DB_PASSWORD"/),
            expect.stringMatching(/line 3 contains a DigitalOcean API token/),
            expect.stringMatching(/line 4 contains an AWS access key id/),
            expect.stringMatching(/line 5 contains a password embedded in a URL/),
        ]);
        expect(found.join("\n")).not.toMatch(/hunter2|s3cretpw|AKIAIOSFODNN7EXAMPLE|dop_v1_a1/);
    });

    it("accepts references and booleans next to secret-looking names", async () => {
        const script = "#cloud-config\nusers:\n  - name: app\n    lock_passwd: true\nruncmd:\n  - export DB_PASSWORD=$(cat /run/secrets/db)\n  - export API_TOKEN=${TOKEN}\n";
        expect(await messages(doUserdataNoSecrets, DROPLET, droplet({ userData: script }))).toEqual([]);
    });

    it("defers userData computed from other resources (a generated host key) to the update", async () => {
        const v = await check(doUserdataNoSecrets, [{ type: DROPLET, props: droplet({ userData: PREVIEW_UNKNOWN }) }]);
        expect(v).toEqual([expect.objectContaining({ level: "advisory", message: expect.stringMatching(/can't run policy 'do-userdata-no-secrets' during preview: string value at \.userData/) })]);
    });
});

describe("do-spaces-private", () => {
    const policy = (statement: unknown) => ({ bucket: "b", region: "fra1", policy: JSON.stringify({ Version: "2012-10-17", Statement: statement }) });
    const scoped = { Sid: "Backup", Effect: "Allow", Principal: { AWS: ["arn:aws:iam::123:user/backup"] }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" };

    it("passes a private bucket and a policy naming its principals", async () => {
        expect(await messages(doSpacesPrivate, BUCKET, { acl: "private", versioning: { enabled: true } })).toEqual([]);
        expect(await messages(doSpacesPrivate, BUCKET, {})).toEqual([]);
        expect(await messages(doSpacesPrivate, BUCKET_POLICY, policy([scoped, { Effect: "Deny", Principal: "*", Action: "s3:*" }]))).toEqual([]);
    });

    it("fails a public-read bucket", async () => {
        expect(await messages(doSpacesPrivate, BUCKET, { acl: "public-read" })).toEqual([expect.stringMatching(/acl is "public-read"; Spaces buckets must be private/)]);
    });

    it("fails a policy that allows everyone, however it is spelled", async () => {
        expect(await messages(doSpacesPrivate, BUCKET_POLICY, policy({ Sid: "Public", Effect: "Allow", Principal: "*", Action: "s3:GetObject" }))).toEqual([
            expect.stringMatching(/policy Statement\[0\] \(Sid "Public"\) allows principal "\*"/),
        ]);
        expect(await messages(doSpacesPrivate, BUCKET_POLICY, policy([scoped, { Effect: "Allow", Principal: { AWS: ["*"] }, Action: "s3:*" }]))).toEqual([
            expect.stringMatching(/policy Statement\[1\] allows principal "\*"/),
        ]);
        expect(await messages(doSpacesPrivate, BUCKET_POLICY, policy({ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123:root" }, Action: "s3:*" }))).toEqual([
            expect.stringMatching(/allows NotPrincipal/),
        ]);
        expect(await messages(doSpacesPrivate, BUCKET_POLICY, { policy: "{not json" })).toEqual([expect.stringMatching(/policy is not valid JSON/)]);
    });

    it("reports an unknown acl and defers a policy built around a generated bucket name", async () => {
        expect(await messages(doSpacesPrivate, BUCKET, { acl: PREVIEW_UNKNOWN })).toEqual([expect.stringMatching(/acl is unknown during preview/)]);
        const v = await check(doSpacesPrivate, [{ type: BUCKET_POLICY, props: { policy: PREVIEW_UNKNOWN } }]);
        expect(v).toEqual([expect.objectContaining({ level: "advisory", message: expect.stringMatching(/can't run policy 'do-spaces-private'/) })]);
    });
});

describe("do-spaces-versioning-retention and do-spaces-retention", () => {
    const bucket = (extra: Record<string, unknown> = {}) => ({
        acl: "private",
        versioning: { enabled: true },
        lifecycleRules: [
            { id: "noncurrent", enabled: true, noncurrentVersionExpiration: { days: 7 }, abortIncompleteMultipartUploadDays: 7 },
            { id: "markers", enabled: true, expiration: { expiredObjectDeleteMarker: true } },
        ],
        ...extra,
    });

    it("pass a versioned bucket with noncurrent-version expiry (the BackupBucket shape)", async () => {
        expect(await messages(doSpacesVersioningRetention, BUCKET, bucket())).toEqual([]);
        expect(await messages(doSpacesRetention, BUCKET, bucket())).toEqual([]);
        expect(await messages(doSpacesRetention, BUCKET, bucket({ lifecycleRules: [{ enabled: true, expiration: { days: 90 } }] }))).toEqual([]);
        expect(await messages(doSpacesRetention, BUCKET, bucket({ lifecycleRules: [{ enabled: true, expiration: { date: "2030-01-01" } }] }))).toEqual([]);
    });

    it("require versioning (mandatory)", async () => {
        const [v] = await check(doSpacesVersioningRetention, [{ type: BUCKET, props: bucket({ versioning: { enabled: false } }) }]);
        expect(v).toMatchObject({ level: "mandatory", message: expect.stringMatching(/versioning\.enabled is false/) });
        expect(await messages(doSpacesVersioningRetention, BUCKET, bucket({ versioning: undefined }))).toEqual([expect.stringMatching(/versioning\.enabled is unset/)]);
        expect(await messages(doSpacesVersioningRetention, BUCKET, bucket({ versioning: { enabled: PREVIEW_UNKNOWN } }))).toEqual([expect.stringMatching(/unknown during preview/)]);
    });

    it("advise an expiring lifecycle rule (advisory)", async () => {
        const [v] = await check(doSpacesRetention, [{ type: BUCKET, props: bucket({ lifecycleRules: undefined }) }]);
        expect(v).toMatchObject({ level: "advisory", message: expect.stringMatching(/lifecycleRules has no enabled rule with expiration/) });
        // Disabled, or only delete-marker cleanup: no expiry.
        expect(await messages(doSpacesRetention, BUCKET, bucket({ lifecycleRules: [{ enabled: false, noncurrentVersionExpiration: { days: 7 } }] }))).toHaveLength(1);
        expect(await messages(doSpacesRetention, BUCKET, bucket({ lifecycleRules: [{ enabled: true, expiration: { expiredObjectDeleteMarker: true } }] }))).toHaveLength(1);
        expect(await messages(doSpacesRetention, BUCKET, bucket({ lifecycleRules: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/lifecycleRules is unknown/)]);
    });
});

describe("DigitalOcean group", () => {
    it("registers every rule once, with metadata", () => {
        const names = digitaloceanRules.map((r) => r.meta.name);
        expect(new Set(names).size).toBe(names.length);
        expect(names).toEqual(
            expect.arrayContaining(["do-firewall-ingress", "do-droplet-access", "do-droplet-backups-monitoring", "do-userdata-no-secrets", "do-spaces-private", "do-spaces-versioning-retention"]),
        );
        for (const r of digitaloceanRules) {
            expect(r.meta.group).toBe("digitalocean");
            expect(r.meta.sources.length).toBeGreaterThan(0);
            expect(r.policy.description).toContain(r.meta.remediation);
        }
    });

    it("honours a level override from the policy config", async () => {
        const [v] = await check(doDropletBackupsMonitoring, [{ type: DROPLET, props: droplet({ backups: false }) }], { config: { "do-droplet-backups-monitoring": { enforcementLevel: "advisory" } } });
        expect(v.level).toBe("advisory");
    });
});

describe("helpers", () => {
    it("parse CIDRs and tell the world, containment and loopback", () => {
        expect(parseCidr("203.0.113.7")).toEqual({ address: "203.0.113.7", prefix: 32, family: "ipv4" });
        expect(parseCidr("10.0.0.0/33")).toBeUndefined();
        expect(parseCidr("::/0")?.prefix).toBe(0);
        expect([isWorldCidr("0.0.0.0/0"), isWorldCidr("::/0"), isWorldCidr("0.0.0.0/1"), isWorldCidr("nope")]).toEqual([true, true, false, false]);
        expect(cidrWithin(parseCidr("203.0.113.7/32")!, parseCidr("203.0.113.0/24")!)).toBe(true);
        expect(cidrWithin(parseCidr("203.0.113.0/23")!, parseCidr("203.0.113.0/24")!)).toBe(false);
        expect(cidrWithin(parseCidr("2001:db8::1")!, parseCidr("203.0.113.0/24")!)).toBe(false);
        expect([isLoopback("127.0.0.1"), isLoopback("127.9.9.9"), isLoopback("::1"), isLoopback("[::1]"), isLoopback("0.0.0.0"), isLoopback("10.0.0.1")]).toEqual([true, true, true, true, false, false]);
    });

    it("parse port ranges", () => {
        expect([parsePortRange("22"), parsePortRange("8000-9000"), parsePortRange(undefined), parsePortRange("all")]).toEqual([[22, 22], [8000, 9000], [1, 65535], [1, 65535]]);
        expect([parsePortRange("9-1"), parsePortRange("70000"), parsePortRange("x")]).toEqual([undefined, undefined, undefined]);
    });

    it("find host-key values only under a top-level ssh_keys mapping", () => {
        const text = shippedUserData();
        const ranges = hostKeyRanges(text);
        expect(ranges).toHaveLength(1);
        expect(text.slice(...ranges[0])).toContain("BEGIN OPENSSH PRIVATE KEY");
        expect(text.slice(...ranges[0])).not.toContain("ed25519_public");
        expect(hostKeyRanges(`#cloud-config\nssh_keys:\n  rsa_private: "${fakeKey("RSA").replace(/\n/g, "\\n")}"\n`)).toHaveLength(1);
        expect(hostKeyRanges(`#!/bin/sh\nssh_keys:\n  rsa_private: |\n    x\n`)).toEqual([]);
        expect(hostKeyRanges(`#cloud-config\nwrite_files:\n  - ed25519_private: |\n      x\n`)).toEqual([]);
    });

    it("report the private key block once, not the base64 inside it", () => {
        expect(findLiteralSecrets(fakeKey()).map((f) => f.kind)).toEqual(["a private key block (OPENSSH)"]);
    });
});
