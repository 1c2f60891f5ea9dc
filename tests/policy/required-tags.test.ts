import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { requiredTags } from "../../policy/rules/stack/required-tags";
import { awsTaggableTypes, digitaloceanTaggableTypes } from "../../policy/rules/stack/taggable-types";
import { PREVIEW_UNKNOWN } from "./helpers";
import { awsProvider, awsStack, dockerStack, dropletStack, T } from "./stack-fixtures";
import { type Node, patch, run } from "./stack-graph";

const vpcWith = (tags: unknown, provider = awsProvider()): Node[] => [provider, { type: T.vpc, name: "vpc", provider: "aws", props: { cidrBlock: "10.0.0.0/16", tags } }];

describe("required-tags", () => {
    it("passes the compliant baselines (AWS default tags, DigitalOcean key:value tags, Docker labels)", async () => {
        expect(await run(requiredTags, awsStack())).toEqual([]);
        expect(await run(requiredTags, dockerStack())).toEqual([]);
        expect(await run(requiredTags, dropletStack())).toEqual([]);
    });

    it("merges the provider's defaultTags with the resource's own tags", async () => {
        const partial = awsProvider({ project: "slipway" });
        expect(await run(requiredTags, vpcWith({ stack: "s", owner: "o" }, partial))).toEqual([]);
        expect(await run(requiredTags, vpcWith({ stack: "s" }, partial))).toEqual([expect.stringMatching(/^vpc: .*lacks the tag\(s\) owner /)]);
    });

    it("fails each missing or empty tag on a taggable AWS resource", async () => {
        const none = awsProvider({});
        expect(await run(requiredTags, vpcWith(undefined, none))).toEqual([expect.stringMatching(/lacks the tag\(s\) project, stack, owner/)]);
        expect(await run(requiredTags, vpcWith({ project: "p", stack: "s", owner: "" }, none))).toEqual([expect.stringMatching(/lacks the tag\(s\) owner/)]);
    });

    it("fails without a provider (no default tags) and reads the list form of tags", async () => {
        const asg: Node = { type: "aws:autoscaling/group:Group", name: "asg", props: { tags: [{ key: "project", value: "p", propagateAtLaunch: true }] } };
        expect(await run(requiredTags, [asg])).toEqual([expect.stringMatching(/^asg: .*lacks the tag\(s\) stack, owner/)]);
    });

    it("skips AWS types that take no tags, and counts an unlisted type as taggable when it has tags", async () => {
        const none = awsProvider({});
        expect(await run(requiredTags, [none, { type: T.route, name: "route", provider: "aws", props: {} }])).toEqual([]);
        expect(await run(requiredTags, [none, { type: "aws:foo/bar:Bar", name: "bar", provider: "aws", props: { tags: { project: "p" } } }])).toEqual([
            expect.stringMatching(/^bar: .*stack, owner/),
        ]);
    });

    it("never silently passes tags unknown at preview", async () => {
        expect(await run(requiredTags, vpcWith(PREVIEW_UNKNOWN, awsProvider({ project: "p" })))).toEqual([expect.stringMatching(/unknown during preview/)]);
        // Known keys with values computed at deploy time are carried.
        expect(await run(requiredTags, vpcWith({ project: PREVIEW_UNKNOWN, stack: "s", owner: "o" }, awsProvider({})))).toEqual([]);
        // Covered by the defaults: the unknown own tags cannot remove them.
        expect(await run(requiredTags, vpcWith(PREVIEW_UNKNOWN))).toEqual([]);
    });

    it("requires key:value tags on droplets and volumes, not bare keys, and ignores firewall selector tags", async () => {
        let nodes = patch(dropletStack(), "vps-data", { tags: ["project", "stack:test", "owner:"] });
        expect(await run(requiredTags, nodes)).toEqual([expect.stringMatching(/^vps-data: .*lacks the tag\(s\) project:<value>, owner:<value>/)]);
        nodes = patch(dropletStack(), "vps-droplet", { tags: undefined });
        expect(await run(requiredTags, nodes)).toEqual([expect.stringMatching(/^vps-droplet: .*project:<value>, stack:<value>, owner:<value>/)]);
        nodes = patch(dropletStack(), "vps-droplet", { tags: ["project:slipway", "stack:test", PREVIEW_UNKNOWN] });
        expect(await run(requiredTags, nodes)).toEqual([expect.stringMatching(/^vps-droplet: .*unknown during preview/)]);
    });

    it("requires the slipway.stack label on every container", async () => {
        const nodes = patch(dockerStack(), "db-postgres", { labels: [{ label: "slipway.component", value: "database" }] });
        expect(await run(requiredTags, nodes)).toEqual([expect.stringMatching(/^db-postgres: .*lacks the label\(s\) slipway.stack/)]);
        expect(await run(requiredTags, patch(dockerStack(), "db-postgres", { labels: PREVIEW_UNKNOWN }))).toEqual([expect.stringMatching(/unknown during preview/)]);
    });

    it("honours its settings: tag keys, labels, extra and exempt types", async () => {
        const cost = { config: { "required-tags": { tags: ["CostCenter"] } } };
        expect(await run(requiredTags, awsStack(), cost)).toContainEqual(expect.stringMatching(/^net-vpc: .*lacks the tag\(s\) CostCenter/));
        expect(await run(requiredTags, dockerStack(), { config: { "required-tags": { dockerLabels: ["team"] } } })).toContainEqual(expect.stringMatching(/lacks the label\(s\) team/));
        const none = awsProvider({});
        const route = { type: T.route, name: "route", provider: "aws", props: {} };
        expect(await run(requiredTags, [none, route], { config: { "required-tags": { extraTaggableTypes: [T.route] } } })).toHaveLength(1);
        expect(await run(requiredTags, vpcWith(undefined, none), { config: { "required-tags": { exemptTypes: [T.vpc] } } })).toEqual([]);
        expect(await run(requiredTags, vpcWith(undefined, none), { config: { "required-tags": { enforcementLevel: "disabled" } } })).toEqual([]);
    });
});

/** The provider's own view of which types take tags: their Args have a `tags` input. */
function taggableInPackage(pkg: string): Set<string> {
    const out = new Set<string>();
    const walk = (dir: string) => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
            const p = join(dir, e.name);
            if (e.isDirectory()) {
                if (e.name !== "types" && e.name !== "node_modules") walk(p);
            } else if (e.name.endsWith(".js")) {
                const token = /__pulumiType = '([^']+)'/.exec(readFileSync(p, "utf8"))?.[1];
                if (!token) continue;
                const args = /export interface \w+Args \{[\s\S]*?\n\}/.exec(readFileSync(p.replace(/\.js$/, ".d.ts"), "utf8"))?.[0];
                if (args && /\n {4}tags\?:/.test(args)) out.add(token);
            }
        }
    };
    walk(join(__dirname, "../../node_modules", pkg));
    return out;
}

describe("required-tags type tables", () => {
    const aws = taggableInPackage("@pulumi/aws");

    it("lists only AWS types that take tags", () => {
        expect(awsTaggableTypes.filter((t) => !aws.has(t))).toEqual([]);
    });

    it("lists every taggable AWS type the shipped prod stack uses", async () => {
        const { prodRun } = await import("../helpers/prod");
        const used = new Set((await prodRun()).graph.resources.map((r) => r.type));
        expect([...used].filter((t) => aws.has(t) && !awsTaggableTypes.includes(t))).toEqual([]);
    });

    it("lists only DigitalOcean types that take tags", () => {
        const doTypes = taggableInPackage("@pulumi/digitalocean");
        expect(digitaloceanTaggableTypes.filter((t) => !doTypes.has(t))).toEqual([]);
    });
});
