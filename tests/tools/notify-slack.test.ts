/**
 * scripts/notify-slack.sh, the deploy workflow's notification step, run for real (bash, jq,
 * curl) against a webhook receiver on 127.0.0.1: the message Slack would get, and that a
 * missing or failing webhook warns without failing the deploy.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { run } from "../live/harness/commands";
import { repoRoot } from "./helpers/rendered-stacks";
import { requireTool } from "./helpers/tools";

interface Received {
    contentType: string | undefined;
    body: string;
}

let server: Server;
let url: string;
let received: Received[] = [];
let status = 200;

beforeAll(async () => {
    requireTool("curl");
    requireTool("jq");
    server = createServer((req: IncomingMessage, res) => {
        let body = "";
        req.setEncoding("utf8").on("data", (d: string) => (body += d));
        req.on("end", () => {
            received.push({ contentType: req.headers["content-type"], body });
            res.writeHead(status, { "Content-Type": "text/plain" }).end(status === 200 ? "ok" : "invalid_payload");
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/XXXX`;
});
afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
    received = [];
    status = 200;
});

const github = {
    GITHUB_REPOSITORY: "acme/shop",
    GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_RUN_ID: "4242",
    GITHUB_ACTOR: "alice",
};

const notify = (env: Record<string, string>, ...args: string[]) =>
    run("bash", [join(repoRoot, "scripts", "notify-slack.sh"), ...args], { env: { PATH: process.env.PATH ?? "", ...github, ...env }, timeoutMs: 30_000 });

describe("scripts/notify-slack.sh", () => {
    it("posts one JSON message naming the repository, commit, stack, outcome, detail, actor and run", async () => {
        const r = await notify({ SLACK_WEBHOOK_URL: url }, "prod", "success", "ghcr.io/acme/shop:1.4.2@sha256:abc");
        expect(r.code, r.stderr + r.stdout).toBe(0);
        expect(r.stdout).toBe("");
        expect(received).toHaveLength(1);
        expect(received[0].contentType).toBe("application/json");
        expect(JSON.parse(received[0].body)).toEqual({
            text: ":white_check_mark: Deploy of acme/shop@0123456 to *prod*: success (ghcr.io/acme/shop:1.4.2@sha256:abc) by alice <https://github.com/acme/shop/actions/runs/4242|run log>",
        });
    });

    it("marks a failure, and keeps quotes and newlines in the detail valid JSON", async () => {
        const r = await notify({ SLACK_WEBHOOK_URL: url }, "dev", "failure", 'rolled back to "1.4.1"\nsee log');
        expect(r.code).toBe(0);
        const { text } = JSON.parse(received[0].body) as { text: string };
        expect(text.startsWith(":x: Deploy of acme/shop@0123456 to *dev*: failure (rolled back to \"1.4.1\"\nsee log)")).toBe(true);
    });

    it("without a webhook it warns and succeeds: a notification never fails a deploy", async () => {
        const r = await notify({}, "dev", "success");
        expect(r.code).toBe(0);
        expect(r.stdout).toContain("::warning::SLACK_WEBHOOK_URL is not set");
        expect(received).toEqual([]);
    });

    it("when Slack refuses, it retries twice, warns and still succeeds", async () => {
        status = 500;
        const r = await notify({ SLACK_WEBHOOK_URL: url }, "prod", "cancelled");
        expect(r.code).toBe(0);
        expect(r.stdout).toContain("::warning::the Slack webhook did not accept the deploy notification");
        expect(received).toHaveLength(3);
        expect((JSON.parse(received[0].body) as { text: string }).text).toMatch(/^:warning: Deploy .* \*prod\*: cancelled by alice/);
    });

    it("refuses to run without a stack and a status", async () => {
        const r = await notify({ SLACK_WEBHOOK_URL: url }, "prod");
        expect(r.code).not.toBe(0);
        expect(r.stderr).toContain("usage: bash scripts/notify-slack.sh STACK STATUS [DETAIL]");
        expect(received).toEqual([]);
    });
});
