import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isRootUser, unpinnedImage } from "../../policy/rules/aws-edge/container-definitions";
import { protocolName, secretLiteralsIn, userDataTexts } from "../../policy/rules/aws-edge/support";

describe("aws-edge support", () => {
    it("normalises security group protocols", () => {
        expect(["tcp", "TCP", "6"].map(protocolName)).toEqual(["tcp", "tcp", "tcp"]);
        expect(["-1", "all", "ALL"].map(protocolName)).toEqual(["-1", "-1", "-1"]);
        expect(["17", "1", "58"].map(protocolName)).toEqual(["udp", "icmp", "icmpv6"]);
    });

    it("finds literal secrets but not references to them", () => {
        expect(secretLiteralsIn("AWS_ACCESS_KEY_ID=ASIAABCDEFGHIJKLMNOP")).toEqual(["an AWS access key id"]);
        expect(secretLiteralsIn("aws_secret_access_key = " + "a".repeat(40))).toContain("an AWS secret access key");
        expect(secretLiteralsIn("-----BEGIN OPENSSH PRIVATE KEY-----")).toEqual(["a private key block"]);
        expect(secretLiteralsIn("api_key: 0123456789abcdef0123")).toEqual(["a token or API key assignment"]);
        expect(secretLiteralsIn("ghp_" + "A".repeat(36))).toEqual(["a GitHub or Slack token"]);
        expect(secretLiteralsIn('PASSWORD="$(cat /run/secrets/db)"')).toEqual([]);
        expect(secretLiteralsIn("password: {{resolve:secretsmanager:db}}")).toEqual([]);
        expect(secretLiteralsIn("DATABASE_URL=postgres://app@db:5432/app")).toEqual([]);
        expect(secretLiteralsIn("echo hello; apt-get install -y nginx")).toEqual([]);
    });

    it("decodes base64 user data and keeps plain text as it is", () => {
        const script = "#!/bin/bash\necho hi\n";
        expect(userDataTexts(Buffer.from(script).toString("base64"))).toEqual([Buffer.from(script).toString("base64"), script]);
        expect(userDataTexts(script)).toEqual([script]);
        fc.assert(
            fc.property(fc.uint8Array({ minLength: 8, maxLength: 64 }), (bytes) => {
                const texts = userDataTexts(Buffer.from(bytes).toString("base64"));
                // Either the encoded text alone, or it plus a readable decoding.
                return texts.length === 1 || [...texts[1]].every((ch) => ch.charCodeAt(0) >= 0x20 || "\t\n\r".includes(ch));
            }),
        );
    });

    it("tells pinned from moving images", () => {
        expect(unpinnedImage("nginx:1.27")).toBeUndefined();
        expect(unpinnedImage("nginx@sha256:" + "0".repeat(64))).toBeUndefined();
        expect(unpinnedImage("nginx:LATEST")).toMatch(/latest/);
        expect(unpinnedImage("localhost:5000/nginx")).toMatch(/no tag/);
    });

    it("recognises root users", () => {
        expect(["root", "0", "0:0", " root:staff"].every(isRootUser)).toBe(true);
        expect(["10001", "app", "1000:0", "rootless"].some(isRootUser)).toBe(false);
    });
});
