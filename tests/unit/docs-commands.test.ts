/**
 * Every command the README and the runbooks tell people to run refers to something that exists:
 * `npm run X` scripts, `scripts/…` and `bash …` files, `slipway:` config keys given to
 * `pulumi config set/get/rm`, `pulumi stack output NAME` outputs and `urn:pulumi:…` resources of
 * the shipped stacks (from the offline plan). The workflows and scripts are held to the same
 * rules for the names they read.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runOffline } from "../../offline/run";
import { configKeyRows } from "../../scripts/config-reference";

const root = join(__dirname, "..", "..");
const shippedStacks = ["prod", "dev", "local"];

const filesUnder = (dir: string, pattern: RegExp): string[] => {
    const abs = join(root, dir);
    if (!existsSync(abs)) return [];
    return readdirSync(abs, { recursive: true, encoding: "utf8" })
        .filter((f) => pattern.test(f))
        .map((f) => join(dir, f))
        .sort();
};

/** What the text is checked against. */
interface Known {
    npmScripts: Set<string>;
    fileExists: (path: string) => boolean;
    /** Documented key paths (`database.backupRetentionDays`), and those that are maps (any child allowed). */
    configKeys: Set<string>;
    configMaps: Set<string>;
    outputs: Set<string>;
    urns: Set<string>;
}

/** Shell-ish words: quoted strings stay one word (quotes removed). */
const words = (line: string): string[] => (line.match(/'[^']*'|"[^"]*"|\S+/g) ?? []).map((w) => w.replace(/^(['"])(.*)\1$/, "$2"));

/** Flags of `pulumi config set/get/rm` that take a value. */
const valueFlags = new Set(["--stack", "-s", "--config-file", "--type", "--cwd", "-C"]);

/** The `slipway:` key path a `pulumi config set|get|rm …` line names, or undefined for another namespace. */
function configKeyOf(rest: string): string | undefined {
    const ws = words(rest);
    for (let i = 0; i < ws.length; i++) {
        if (valueFlags.has(ws[i])) i++;
        else if (!ws[i].startsWith("-")) {
            const key = ws[i].replace(/[`;)]+$/, "");
            if (!key.includes(":")) return key; // the project's own namespace is slipway
            const [ns, path] = key.split(/:(.*)/s);
            return ns === "slipway" ? path : undefined;
        }
    }
    return undefined;
}

/** Everything in `text` that refers to something missing, as readable lines. */
function brokenReferences(text: string, known: Known): string[] {
    const broken: string[] = [];
    for (const m of text.matchAll(/\bnpm run (?:--silent |-s )?([\w:.-]+)/g)) {
        if (!known.npmScripts.has(m[1])) broken.push(`npm run ${m[1]}: no such script in package.json`);
    }
    for (const m of text.matchAll(/(?<![\w/.$-])(scripts\/[\w.-]+(?:\/[\w.-]+)*)/g)) {
        const path = m[1].replace(/\.+$/, "");
        if (!known.fileExists(path)) broken.push(`${path}: no such file`);
    }
    for (const m of text.matchAll(/\bbash (?!-)([\w.][\w./-]*)/g)) {
        if (/[/.]/.test(m[1]) && !known.fileExists(m[1])) broken.push(`bash ${m[1]}: no such file`);
    }
    for (const m of text.matchAll(/\bpulumi config (?:set|get|rm) ([^\n]*)/g)) {
        const key = configKeyOf(m[1]);
        if (key === undefined) continue;
        const mapParent = [...known.configMaps].some((map) => key.startsWith(`${map}.`));
        if (!known.configKeys.has(key) && !mapParent) broken.push(`slipway:${key}: not a key of the config schema`);
    }
    for (const m of text.matchAll(/\bpulumi stack output ([A-Za-z]\w*)/g)) {
        if (!known.outputs.has(m[1])) broken.push(`pulumi stack output ${m[1]}: no shipped stack has that output`);
    }
    for (const m of text.matchAll(/urn:pulumi:[^\s'"`]+/g)) {
        if (!known.urns.has(m[0])) broken.push(`${m[0]}: no such resource in the shipped stack's plan`);
    }
    return broken;
}

const known: Known = {
    npmScripts: new Set(Object.keys((JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts)),
    fileExists: (path) => existsSync(join(root, path)),
    configKeys: new Set(configKeyRows().map((r) => r.path)),
    configMaps: new Set(configKeyRows().filter((r) => r.type.startsWith("map of")).map((r) => r.path)),
    outputs: new Set(),
    urns: new Set(),
};

beforeAll(async () => {
    for (const stack of shippedStacks) {
        const run = await runOffline({ stack });
        for (const name of Object.keys(run.outputs)) known.outputs.add(name);
        for (const r of run.graph.resources) known.urns.add(r.urn);
    }
}, 120_000);

const docs = ["README.md", ...filesUnder("docs", /\.md$/)];
const automation = [...filesUnder(".github/workflows", /\.ya?ml$/), ...filesUnder("scripts", /\.sh$/)];

describe("commands in the README and the runbooks", () => {
    it("the runbooks are there", () => {
        for (const name of ["deployment", "rollback", "database-restore", "disaster-recovery-drill", "scaling", "secret-rotation"]) {
            expect(docs, `docs/runbooks/${name}.md`).toContain(join("docs", "runbooks", `${name}.md`));
        }
    });

    it.each(docs)("%s refers only to scripts, files, config keys, outputs and resources that exist", (file) => {
        expect(brokenReferences(readFileSync(join(root, file), "utf8"), known)).toEqual([]);
    });

    it.each(automation)("%s reads only outputs and config keys that exist", (file) => {
        expect(brokenReferences(readFileSync(join(root, file), "utf8"), known), relative(root, join(root, file))).toEqual([]);
    });

    it("the stack outputs the workflows rely on are among the known ones (the check has teeth)", () => {
        for (const name of ["appImage", "ecsCluster", "ecsService", "dataNetwork", "ipv4Address", "knownHostsLine", "databaseUrl", "backupRepository", "resticPassword"]) {
            expect(known.outputs, name).toContain(name);
        }
        expect(known.urns.size).toBeGreaterThan(200);
    });

    it("reports each kind of broken reference", () => {
        const text = [
            "npm run plan -- --stack dev",
            "npm run no-such-script",
            "bash scripts/no-such.sh prod",
            "see scripts/nothing-here.ts.",
            "bash .ci/run",
            "pulumi config set --path 'slipway:database.backupRetentionDays' 14 --stack prod",
            "pulumi config set --path 'slipway:database.backupRetentionDayz' 14",
            "pulumi config set --secret --path 'appSecrets.ANY_NAME' x",
            "pulumi config set --stack prod --path tags.CostCenter web",
            "pulumi config set --secret digitalocean:token dop_v1_x",
            "pulumi config get --path 'slipway:vps.sizes'",
            "pulumi stack output appImage",
            "pulumi stack output appImages",
            "pulumi up --replace 'urn:pulumi:prod::slipway::slipway:components:Database$random:index/randomPassword:RandomPassword::db-password'",
            "pulumi up --replace 'urn:pulumi:prod::slipway::slipway:components:Database$random:index/randomPassword:RandomPassword::db-pass'",
        ].join("\n");
        expect(brokenReferences(text, known)).toEqual([
            "npm run no-such-script: no such script in package.json",
            "scripts/no-such.sh: no such file",
            "scripts/nothing-here.ts: no such file",
            "bash scripts/no-such.sh: no such file",
            "slipway:database.backupRetentionDayz: not a key of the config schema",
            "slipway:vps.sizes: not a key of the config schema",
            "pulumi stack output appImages: no shipped stack has that output",
            "urn:pulumi:prod::slipway::slipway:components:Database$random:index/randomPassword:RandomPassword::db-pass: no such resource in the shipped stack's plan",
        ]);
    });
});
