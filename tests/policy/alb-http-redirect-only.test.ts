import { describe, expect, it } from "vitest";
import { albHttpRedirectOnly } from "../../policy/rules/aws-edge/alb-http-redirect-only";
import { PREVIEW_UNKNOWN, check, messages } from "./helpers";

const LISTENER = "aws:lb/listener:Listener";
const redirect = { type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } };
const http = (over: Record<string, unknown> = {}) => ({ port: 80, protocol: "HTTP", defaultActions: [redirect], ...over });

describe("alb-http-redirect-only", () => {
    it("passes an HTTP listener that only redirects to HTTPS", async () => {
        expect(await messages(albHttpRedirectOnly, LISTENER, http())).toEqual([]);
    });

    it("ignores HTTPS, TLS and gateway listeners", async () => {
        const forward = [{ type: "forward", targetGroupArn: "tg" }];
        expect(await messages(albHttpRedirectOnly, LISTENER, { port: 443, protocol: "HTTPS", defaultActions: forward })).toEqual([]);
        expect(await messages(albHttpRedirectOnly, LISTENER, { port: 443, protocol: "TLS", defaultActions: forward })).toEqual([]);
        expect(await messages(albHttpRedirectOnly, LISTENER, { defaultActions: forward })).toEqual([]);
    });

    it("fails an HTTP listener that forwards", async () => {
        expect(await messages(albHttpRedirectOnly, LISTENER, http({ defaultActions: [{ type: "forward", targetGroupArn: "tg" }] }))).toEqual([
            expect.stringMatching(/defaultActions\[0\]\.type is "forward"/),
        ]);
    });

    it("fails an HTTP listener with more or fewer than one action", async () => {
        expect(await messages(albHttpRedirectOnly, LISTENER, http({ defaultActions: [redirect, { type: "forward", targetGroupArn: "tg" }] }))).toEqual([
            expect.stringMatching(/defaultActions has 2 actions/),
        ]);
        expect(await messages(albHttpRedirectOnly, LISTENER, http({ defaultActions: [] }))).toEqual([expect.stringMatching(/defaultActions has 0 actions/)]);
    });

    it("fails a redirect that stays on HTTP or keeps the request's protocol", async () => {
        expect(await messages(albHttpRedirectOnly, LISTENER, http({ defaultActions: [{ type: "redirect", redirect: { protocol: "HTTP", port: "8080" } }] }))).toEqual([
            expect.stringMatching(/redirect\.protocol is "HTTP"/),
        ]);
        expect(await messages(albHttpRedirectOnly, LISTENER, http({ defaultActions: [{ type: "redirect", redirect: { port: "443" } }] }))).toEqual([
            expect.stringMatching(/redirect\.protocol is "unset"/),
        ]);
    });

    it("treats a listener without protocol but with a port as HTTP (the ALB default)", async () => {
        expect(await messages(albHttpRedirectOnly, LISTENER, { port: 80, defaultActions: [{ type: "forward", targetGroupArn: "tg" }] })).toHaveLength(1);
    });

    it("never silently passes a value unknown at preview", async () => {
        const unknown = [expect.stringMatching(/unknown during preview/)];
        expect(await messages(albHttpRedirectOnly, LISTENER, http({ protocol: PREVIEW_UNKNOWN }))).toEqual(unknown);
        expect(await messages(albHttpRedirectOnly, LISTENER, http({ defaultActions: PREVIEW_UNKNOWN }))).toEqual(unknown);
        expect(await messages(albHttpRedirectOnly, LISTENER, http({ defaultActions: [{ type: PREVIEW_UNKNOWN }] }))).toEqual(unknown);
        expect(await messages(albHttpRedirectOnly, LISTENER, http({ defaultActions: [{ type: "redirect", redirect: { protocol: PREVIEW_UNKNOWN } }] }))).toEqual(unknown);
    });

    it("registers on the alb alias and ignores other types", async () => {
        const bad = http({ defaultActions: [{ type: "forward", targetGroupArn: "tg" }] });
        expect(await messages(albHttpRedirectOnly, "aws:alb/listener:Listener", bad)).toHaveLength(1);
        expect(await messages(albHttpRedirectOnly, "aws:lb/listenerRule:ListenerRule", bad)).toEqual([]);
    });

    it("is mandatory by default and honours the configured level", async () => {
        const bad = [{ type: LISTENER, props: http({ defaultActions: [] }) }];
        expect((await check(albHttpRedirectOnly, bad))[0].level).toBe("mandatory");
        expect((await check(albHttpRedirectOnly, bad, { config: { "alb-http-redirect-only": { enforcementLevel: "advisory" } } }))[0].level).toBe("advisory");
    });
});
