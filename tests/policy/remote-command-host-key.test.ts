import { describe, expect, it } from "vitest";
import { remoteCommandHostKey } from "../../policy/rules/digitalocean/remote-command-host-key";
import { PREVIEW_UNKNOWN, messages } from "./helpers";

const CMD = "command:remote:Command";
const hostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILC3YxWHGckZDC+KOfGVHoWYmlb355RfoveNOVhfiwTj";
const connection = (extra: Record<string, unknown> = {}) => ({ host: "203.0.113.9", user: "deploy", privateKey: "-----BEGIN…", hostKey, ...extra });

describe("remote-command-host-key", () => {
    it("passes a connection that pins the host key, known or from an output", async () => {
        expect(await messages(remoteCommandHostKey, CMD, { create: "true", connection: connection() })).toEqual([]);
        expect(await messages(remoteCommandHostKey, CMD, { create: "true", connection: connection({ hostKey: PREVIEW_UNKNOWN }) })).toEqual([]);
    });

    it("fails a connection without a host key: the provider would accept any", async () => {
        const { hostKey: _omit, ...withoutKey } = connection();
        expect(await messages(remoteCommandHostKey, CMD, { create: "true", connection: withoutKey })).toEqual([expect.stringContaining("connection.hostKey is unset")]);
        expect(await messages(remoteCommandHostKey, CMD, { create: "true", connection: connection({ hostKey: " " }) })).toEqual([expect.stringContaining("is unset")]);
    });

    it("fails a host key that is not an OpenSSH public key line, and an unknown connection", async () => {
        expect(await messages(remoteCommandHostKey, CMD, { create: "true", connection: connection({ hostKey: "SHA256:abc" }) })).toEqual([expect.stringContaining("not an OpenSSH public key")]);
        expect(await messages(remoteCommandHostKey, CMD, { create: "true", connection: PREVIEW_UNKNOWN })).toEqual([expect.stringContaining("unknown during preview")]);
    });

    it("leaves local commands alone", async () => {
        expect(await messages(remoteCommandHostKey, "command:local:Command", { create: "true" })).toEqual([]);
    });
});
