/**
 * Every command the README and the runbooks tell people to run refers to something that exists:
 * `npm run X` scripts, `scripts/…` and `bash …` files, `slipway:` config keys given to
 * `pulumi config set/get/rm`, `pulumi stack output NAME` outputs and `urn:pulumi:…` resources of
 * the shipped stacks (from the offline plan). The workflows and scripts are held to the same
 * rules for the names they read.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { estimateStackCost } from "../../offline/cost/stack-cost";
import { resourceCounts } from "../../offline/tree";
import { runOffline } from "../../offline/run";
import { allRules } from "../../policy/rules";
import { configKeyRows } from "../../scripts/config-reference";
import { providerSecretKeys } from "../../stacks/config-schema";

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
        // A list element (`vps.sshAllowedCidrs[0]`) is checked as its list.
        const key = configKeyOf(m[1])?.replace(/\[\d+\]/g, "");
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

/** Per shipped stack: its outputs, resource count and monthly estimate (what the README states). */
const stackFacts = new Map<string, { outputs: Set<string>; resources: number; monthlyUsd: number }>();

beforeAll(async () => {
    for (const stack of shippedStacks) {
        const run = await runOffline({ stack });
        for (const name of Object.keys(run.outputs)) known.outputs.add(name);
        for (const r of run.graph.resources) known.urns.add(r.urn);
        // The estimate reads the stack config the runtime holds: take it before the next run.
        const { monthlyUsd } = estimateStackCost(run.graph);
        stackFacts.set(stack, { outputs: new Set(Object.keys(run.outputs)), resources: resourceCounts(run.graph).resources, monthlyUsd });
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
            "pulumi up --replace 'urn:pulumi:prod::slipway::slipway:components:Cache$random:index/randomPassword:RandomPassword::cache-auth-token'",
            "pulumi up --replace 'urn:pulumi:prod::slipway::slipway:components:Cache$random:index/randomPassword:RandomPassword::cache-auth'",
        ].join("\n");
        expect(brokenReferences(text, known)).toEqual([
            "npm run no-such-script: no such script in package.json",
            "scripts/no-such.sh: no such file",
            "scripts/nothing-here.ts: no such file",
            "bash scripts/no-such.sh: no such file",
            "slipway:database.backupRetentionDayz: not a key of the config schema",
            "slipway:vps.sizes: not a key of the config schema",
            "pulumi stack output appImages: no shipped stack has that output",
            "urn:pulumi:prod::slipway::slipway:components:Cache$random:index/randomPassword:RandomPassword::cache-auth: no such resource in the shipped stack's plan",
        ]);
    });
});

/*
 * The README's shell blocks, line by line. Each command is split at `&&`, `||`, `|` and `;`,
 * its `$(…)` substitutions checked as commands of their own, and the command itself checked by
 * what it names; a command this test has no check for is reported, so a new kind of line cannot
 * slip through unchecked. Which stack a line is about comes from the nearest heading that names
 * a shipped stack in backticks (`### \\`dev\\`: …`).
 */

/** The README's fenced `sh`/`bash`/`shell` lines, with the stack their section is about. */
interface ShellLine {
    line: string;
    lineNo: number;
    stack?: string;
}

function readmeShellLines(text: string, stacks: readonly string[]): ShellLine[] {
    const out: ShellLine[] = [];
    let stack: string | undefined;
    let inShell = false;
    let inFence = false;
    text.split("\n").forEach((raw, i) => {
        const fence = /^```(\w*)/.exec(raw);
        if (fence) {
            inShell = !inFence && ["sh", "bash", "shell"].includes(fence[1]);
            inFence = !inFence;
            return;
        }
        if (!inFence && /^#+ /.test(raw)) stack = stacks.find((s) => raw.includes(`\`${s}\``));
        if (inShell && raw.trim() !== "") out.push({ line: raw, lineNo: i + 1, stack });
    });
    return out;
}

/** The line without its trailing `# comment` (a `#` that starts a word outside quotes). */
function stripComment(line: string): string {
    let quote: string | undefined;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (quote) {
            if (c === quote) quote = undefined;
        } else if (c === "'" || c === '"') quote = c;
        else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i).trimEnd();
    }
    return line.trimEnd();
}

/** `$(…)` bodies in a line (not nested), and the line with each replaced by a placeholder word. */
function substitutions(line: string): { inner: string[]; outer: string } {
    const inner: string[] = [];
    const outer = line.replace(/\$\(([^()]*)\)/g, (_, body: string) => {
        inner.push(body);
        return "$SUBST";
    });
    return { inner, outer };
}

/** Simple commands of a line: split at `&&`, `||`, `|`, `;`, subshell parentheses dropped. */
function simpleCommands(line: string): string[][] {
    return line
        .split(/&&|\|\||[|;]/)
        .map((c) => words(c.trim().replace(/^\(+/, "").replace(/\)+$/, "")))
        .filter((ws) => ws.length > 0);
}

/** A word that names a file or folder of this repository (not a URL, home path, flag or variable). */
const repoPathLike = (w: string): boolean => /^\.?[\w-]+(\/[\w.-]+)*\/?$/.test(w) && (w.includes("/") || /\.(json|ya?ml|ts|js|md|sh)$/.test(w));

/** Provider keys this program reads beside the credentials (stacks/provider-config.ts). */
const plainProviderKeys = new Set(["aws:region"]);

/** Environment variables the README may tell people to export. */
const knownEnv = new Set(["PULUMI_CONFIG_PASSPHRASE", "AWS_PROFILE"]);

/** The schema row a `slipway:` key path falls under (`vps.sshPublicKeys[0]` → `vps.sshPublicKeys`, `appSecrets.X` → `appSecrets`). */
function configRow(path: string): { secret: boolean } | undefined {
    const rows = configKeyRows();
    const bare = path.replace(/\[\d+\]/g, "");
    return rows.find((r) => r.path === bare) ?? rows.find((r) => r.type.startsWith("map of") && bare.startsWith(`${r.path}.`));
}

interface ShellFacts {
    npmScripts: Set<string>;
    slipwayCommands: readonly string[];
    fileExists: (path: string) => boolean;
    stacks: readonly string[];
    outputsOf: (stack: string | undefined) => Set<string>;
}

/** What is wrong with one simple command (empty when nothing is). */
function commandProblems(ws: string[], stack: string | undefined, f: ShellFacts): string[] {
    const problems: string[] = [];
    const stackFileOf = (s: string) => (f.fileExists(`Pulumi.${s}.yaml`) ? [] : [`stack ${s}: no Pulumi.${s}.yaml`]);
    const stackFlag = () => {
        const i = ws.indexOf("--stack");
        return i >= 0 ? stackFileOf(ws[i + 1]) : [];
    };
    for (const w of ws.slice(1)) if (repoPathLike(w) && !f.fileExists(w.replace(/\/$/, ""))) problems.push(`${w}: no such file or folder`);
    const [cmd, sub, sub2] = ws;
    switch (cmd) {
        case "npm":
            if (sub === "ci" || sub === "install") return problems;
            if (sub === "test") return f.npmScripts.has("test") ? problems : [...problems, "npm test: package.json has no test script"];
            if (sub === "run") {
                const script = ws.slice(2).find((w) => !w.startsWith("-"));
                if (!script || !f.npmScripts.has(script)) problems.push(`npm run ${script}: no such script in package.json`);
                return [...problems, ...stackFlag()];
            }
            return [...problems, `npm ${sub}: no check for this npm command`];
        case "npx":
            if (sub !== "slipway") return [...problems, `npx ${sub}: no check for this npx command`];
            if (!f.slipwayCommands.includes(sub2)) problems.push(`npx slipway ${sub2}: not a command of bin/slipway.js`);
            return [...problems, ...stackFlag()];
        case "pulumi":
            return [...problems, ...pulumiProblems(ws.slice(1), stack, f)];
        case "bash":
            if (!sub || !f.fileExists(sub)) problems.push(`bash ${sub}: no such file`);
            return problems;
        case "cd":
            if (!sub || !f.fileExists(sub)) problems.push(`cd ${sub}: no such folder`);
            return problems;
        case "export": {
            const name = (sub ?? "").split("=")[0];
            if (!knownEnv.has(name)) problems.push(`export ${name}: not a variable Slipway or Pulumi reads`);
            return problems;
        }
        // Plain tools: their arguments are URLs, files (checked above) and substitutions (checked on their own).
        case "curl":
        case "jq":
        case "cat":
        case "openssl":
            return problems;
        default:
            return [...problems, `${cmd}: no check for this command`];
    }
}

function pulumiProblems(args: string[], stack: string | undefined, f: ShellFacts): string[] {
    const [sub, ...rest] = args;
    const positional = rest.filter((w) => !w.startsWith("-"));
    const flag = (name: string) => rest.includes(name);
    switch (sub) {
        case "login":
        case "up":
            return [];
        case "preview": {
            const i = rest.indexOf("--policy-pack");
            if (i < 0) return [];
            const dir = rest[i + 1];
            return f.fileExists(`${dir}/PulumiPolicy.yaml`) ? [] : [`--policy-pack ${dir}: no PulumiPolicy.yaml there`];
        }
        case "stack": {
            const [action, name] = positional;
            if (action === "select" || action === "init") {
                const problems = f.fileExists(`Pulumi.${name}.yaml`) ? [] : [`pulumi stack ${action} ${name}: no Pulumi.${name}.yaml`];
                if (stack !== undefined && name !== stack) problems.push(`pulumi stack ${action} ${name} in the section about \`${stack}\``);
                return problems;
            }
            if (action === "output") {
                if (name === undefined) return ["pulumi stack output: name the output"];
                return f.outputsOf(stack).has(name) ? [] : [`pulumi stack output ${name}: not an output of ${stack ?? "any shipped stack"}`];
            }
            return [`pulumi stack ${action}: no check for this command`];
        }
        case "config": {
            const [action, key, value] = positional;
            if (action !== "set") return [`pulumi config ${action}: no check for this command in the README`];
            if (key === undefined || value === undefined) return [`pulumi config set ${key ?? ""}: needs a key and a value`];
            const secret = flag("--secret");
            const path = flag("--path");
            const [ns, name] = key.includes(":") ? (key.split(/:(.*)/s) as [string, string]) : ["slipway", key];
            if (ns !== "slipway") {
                const problems: string[] = [];
                const isSecret = (providerSecretKeys as readonly string[]).includes(key);
                if (!isSecret && !plainProviderKeys.has(key)) return [`${key}: not a provider key Slipway reads`];
                if (isSecret !== secret) problems.push(`${key}: ${isSecret ? "a credential: set it with --secret" : "not a secret: drop --secret"}`);
                if (path) problems.push(`${key}: a plain key: drop --path`);
                return problems;
            }
            const row = configRow(name);
            if (!row) return [`slipway:${name}: not a key of the config schema`];
            const problems: string[] = [];
            const nested = /[.[]/.test(name);
            if (nested !== path) problems.push(`slipway:${name}: ${nested ? "a nested key: set it with --path" : "a top-level key: drop --path"}`);
            if (row.secret !== secret) problems.push(`slipway:${name}: ${row.secret ? "a secret: set it with --secret" : "not a secret: drop --secret"}`);
            return problems;
        }
        default:
            return [`pulumi ${sub}: no check for this command`];
    }
}

/** Every problem in the README's shell lines, as `README.md:LINE: problem`. */
function shellLineProblems(lines: ShellLine[], f: ShellFacts): string[] {
    const problems: string[] = [];
    for (const { line, lineNo, stack } of lines) {
        const { inner, outer } = substitutions(stripComment(line));
        const commands = [...inner.flatMap(simpleCommands), ...simpleCommands(outer).filter((ws) => ws[0] !== "$SUBST")];
        for (const ws of commands) for (const p of commandProblems(ws, stack, f)) problems.push(`README.md:${lineNo}: ${p}`);
    }
    return problems;
}

const readme = readFileSync(join(root, "README.md"), "utf8");
// scripts/launch.js is CommonJS (bin/slipway.js requires it); its `commands` are what `npx slipway` accepts.
const launcher = createRequire(join(root, "package.json"))("./scripts/launch.js") as { commands: string[] };
const shellFacts: ShellFacts = {
    npmScripts: known.npmScripts,
    slipwayCommands: launcher.commands,
    fileExists: known.fileExists,
    stacks: shippedStacks,
    outputsOf: (stack) => (stack === undefined ? known.outputs : (stackFacts.get(stack)?.outputs ?? new Set())),
};

describe("the README's shell lines", () => {
    const lines = readmeShellLines(readme, shippedStacks);

    it("has a first deploy for every shipped stack, each selecting its own stack", () => {
        for (const stack of shippedStacks) {
            expect(lines.some((l) => l.stack === stack && l.line.startsWith(`pulumi stack select ${stack}`)), stack).toBe(true);
            expect(lines.some((l) => l.stack === stack && /^pulumi up\b/.test(l.line)), stack).toBe(true);
            expect(lines.some((l) => l.stack === stack && /pulumi stack output \w+/.test(l.line)), `${stack}: a check that it worked`).toBe(true);
        }
    });

    it("every line names only scripts, commands, stacks, config keys, outputs and files that exist, set as the schema wants", () => {
        expect(lines.length).toBeGreaterThan(20);
        expect(shellLineProblems(lines, shellFacts)).toEqual([]);
    });

    it("reports each kind of wrong line (the check has teeth)", () => {
        const bad = [
            "npm run plan -- --stack staging",
            "npx slipway deploy --stack prod",
            "pulumi stack select dev --create",
            "pulumi stack output monitoringTunnel",
            "pulumi config set --path domain app.example.org",
            "pulumi config set vps.acmeEmail me@example.org",
            "pulumi config set alertSlackWebhookUrl https://hooks.slack.com/x",
            "pulumi config set --secret --path 'vps.dnsZone' example.org",
            "pulumi config set --path 'vps.sshKeys[0]' x",
            "pulumi config set digitalocean:token dop_v1_x",
            "pulumi config set --secret aws:regoin us-east-1",
            "pulumi config set --secret --path 'appSecrets.KEY'",
            "pulumi preview --policy-pack policies",
            "curl -k \"$(pulumi stack output urls)/health\"",
            "(cd polciy && npm install)",
            "cat policy/no-such.json | jq .",
            "export PULUMI_PASSPHRASE=x",
            "pulumi destroy",
            "terraform apply",
        ].map((line, i) => ({ line, lineNo: i + 1, stack: "local" }));
        expect(shellLineProblems(bad, shellFacts)).toEqual([
            "README.md:1: stack staging: no Pulumi.staging.yaml",
            "README.md:2: npx slipway deploy: not a command of bin/slipway.js",
            "README.md:3: pulumi stack select dev in the section about `local`",
            "README.md:4: pulumi stack output monitoringTunnel: not an output of local",
            "README.md:5: slipway:domain: a top-level key: drop --path",
            "README.md:6: slipway:vps.acmeEmail: a nested key: set it with --path",
            "README.md:7: slipway:alertSlackWebhookUrl: a secret: set it with --secret",
            "README.md:8: slipway:vps.dnsZone: not a secret: drop --secret",
            "README.md:9: slipway:vps.sshKeys[0]: not a key of the config schema",
            "README.md:10: digitalocean:token: a credential: set it with --secret",
            "README.md:11: aws:regoin: not a provider key Slipway reads",
            "README.md:12: pulumi config set appSecrets.KEY: needs a key and a value",
            "README.md:13: --policy-pack policies: no PulumiPolicy.yaml there",
            "README.md:14: pulumi stack output urls: not an output of local",
            "README.md:15: cd polciy: no such folder",
            "README.md:16: policy/no-such.json: no such file or folder",
            "README.md:17: export PULUMI_PASSPHRASE: not a variable Slipway or Pulumi reads",
            "README.md:18: pulumi destroy: no check for this command",
            "README.md:19: terraform: no check for this command",
        ]);
    });
});

describe("the README's two commands on a fresh clone", () => {
    const [setup] = readmeShellLines(readme, shippedStacks)
        .map((l) => stripComment(l.line))
        .filter((l) => l.startsWith("npm ci && "));

    it("the installed tree is exactly what `npm ci` installs from the lockfiles (root and app/), so this run stands for a fresh one", () => {
        expect(setup, "README: the set-up line `npm ci && npm run plan -- --stack …`").toBeDefined();
        // --dry-run compares package.json, the lockfile and node_modules without touching them;
        // it lists what a real `npm ci` would add, remove or change.
        for (const dir of [root, join(root, "app")]) {
            const r = spawnSync("npm", ["ci", "--dry-run", "--ignore-scripts", "--offline", "--loglevel=error"], { cwd: dir, encoding: "utf8", timeout: 120_000 });
            expect(r.status, `${relative(root, dir) || "."}: ${r.stderr}`).toBe(0);
            // npm's dry run also lists nested copies (here @pulumi/awsguard's own @pulumi/aws 4 and
            // @pulumi/policy) as "change X v1.2.3 => 1.2.3" right after a real `npm ci`: same version,
            // nothing to do. Only a different version, an addition or a removal is drift.
            const noOp = (l: string) => /^change \S+ v(\S+) => \1$/.test(l.trim());
            const drift = r.stdout.split("\n").filter((l) => /^(add|remove|change) /.test(l) && !noOp(l));
            expect(drift, `${relative(root, dir) || "."}: node_modules differs from what npm ci installs (a package installed without being in package.json and the lockfile?)`).toEqual([]);
        }
    });

    it("the plan after `npm ci &&` runs as written and prints the plan", () => {
        const plan = setup.slice("npm ci && ".length);
        const stack = /--stack (\w+)/.exec(plan)?.[1];
        const r = spawnSync("bash", ["-c", plan], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20, timeout: 120_000 });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toContain(`Slipway plan: stack ${stack}`);
        expect(r.stdout).toMatch(/^Policy: \d+ rules; 0 mandatory /m);
        expect(r.stdout).toMatch(/^Cost estimate: \$\d+\.\d\d\/month/m);
    });

    it("`npm test` is vitest over tests/**, and that includes the sample app's tests", () => {
        expect(readmeShellLines(readme, shippedStacks).some((l) => stripComment(l.line) === "npm test")).toBe(true);
        const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
        expect(pkg.scripts.test).toBe("vitest run");
        const config = readFileSync(join(root, "vitest.config.mts"), "utf8");
        expect(config).toContain('include: ["tests/**/*.test.ts"]');
        expect(config).not.toMatch(/exclude:[^\n]*tests\/unit/);
        expect(existsSync(join(root, "tests/unit/sample-app.test.ts"))).toBe(true);
    });
});

describe("the README and docs/ state what the program does", () => {
    const docsText = ["README.md", ...filesUnder("docs", /\.md$/)].map((file) => ({ file, text: readFileSync(join(root, file), "utf8") }));

    it("README.md is a newcomer's path: at most 250 lines", () => {
        expect(readme.split("\n").length).toBeLessThanOrEqual(250);
    });

    it("scripts/install-test-deps is named only where the live tiers are described", () => {
        // docs/testing.md describes the tiers; the drill runbook's first drill is running them.
        const naming = docsText.filter((d) => d.text.includes("install-test-deps")).map((d) => d.file);
        expect(naming).toEqual(["docs/runbooks/disaster-recovery-drill.md", "docs/testing.md"]);
    });

    it.each(["README.md", "docs/policy.md"])("%s gives the policy pack's rule counts as policy/rules has them", (file) => {
        const text = readFileSync(join(root, file), "utf8").replace(/\s+/g, " ");
        const m = /CrossGuard pack of (\d+) rules \((\d+) AWS, (\d+) DigitalOcean, (\d+) Docker, (\d+) stack-level; (\d+) mandatory by default\)/.exec(text);
        expect(m, `${file}: the "CrossGuard pack of N rules (…)" sentence`).not.toBeNull();
        const count = (g: string) => allRules.filter((r) => r.meta.group === g).length;
        const stated = m!.slice(1).map(Number);
        expect(stated).toEqual([allRules.length, count("aws"), count("digitalocean"), count("docker"), count("stack"), allRules.filter((r) => r.meta.level === "mandatory").length]);
    });

    it("the README's targets table gives each stack's resource count, and its cost table each estimate, as the plan has them", () => {
        for (const stack of shippedStacks) {
            const facts = stackFacts.get(stack)!;
            const row = readme.split("\n").find((l) => l.startsWith("|") && l.includes(`\`Pulumi.${stack}.yaml\``));
            expect(row, `targets table row for Pulumi.${stack}.yaml`).toBeDefined();
            expect(row!.split("|").at(-2)!.trim(), `${stack}: resources`).toBe(String(facts.resources));
            const costRow = readme.split("\n").find((l) => l.startsWith(`| \`${stack}\``) && !l.includes("`Pulumi."));
            expect(costRow, `cost table row for ${stack}`).toBeDefined();
            expect(costRow!.split("|")[2].trim(), `${stack}: estimate`).toBe(`$${facts.monthlyUsd.toFixed(2)}`);
        }
    });

    it("docs/cost.md's totals for the shipped stacks are the plan's", () => {
        const cost = readFileSync(join(root, "docs/cost.md"), "utf8");
        for (const stack of shippedStacks) {
            const row = cost.split("\n").find((l) => l.startsWith(`| \`${stack}\``));
            expect(row, `docs/cost.md: row for ${stack}`).toBeDefined();
            expect(row, stack).toContain(`**$${stackFacts.get(stack)!.monthlyUsd.toFixed(2)}**`);
        }
    });

    it.each(docsText.map((d) => [d.file]))("%s links only to files and headings that exist", (file) => {
        const text = docsText.find((d) => d.file === file)!.text;
        const anchors = new Set(
            text
                .split("\n")
                .filter((l) => /^#+ /.test(l))
                .map((l) => l.replace(/^#+ /, "").toLowerCase().replace(/[^\w\s-]/g, "").trim().replace(/\s/g, "-")),
        );
        const broken: string[] = [];
        for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
            const target = m[1];
            if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
            const [path, anchor] = target.split("#");
            if (path === "") {
                if (!anchors.has(anchor)) broken.push(`${target}: no such heading`);
                continue;
            }
            const abs = join(root, dirname(file), path);
            if (!existsSync(abs)) broken.push(`${target}: no such file`);
            else if (anchor !== undefined && statSync(abs).isFile() && !readFileSync(abs, "utf8").toLowerCase().includes(anchor.replace(/-/g, " "))) broken.push(`${target}: no such heading`);
        }
        expect(broken).toEqual([]);
    });
});
