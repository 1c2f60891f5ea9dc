/**
 * `npm run docs:config`: writes docs/config-reference.md from the config schema
 * (stacks/config-schema.ts), so the reference cannot drift from what the program accepts.
 * The "allowed" column is the schema's own "expected …" text, the one a bad value's error shows.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { type ConfigKeyDoc, configDocs, secretKeys, stackConfigSchema } from "../stacks/config-schema";

export const configReferencePath = join(__dirname, "..", "docs", "config-reference.md");

/** One documented key of the `slipway:` namespace. */
export interface ConfigKeyRow {
    /** `database.backupRetentionDays` (without the namespace). */
    path: string;
    type: string;
    allowed: string;
    secret: boolean;
    doc: ConfigKeyDoc;
    /** True for a section (an object whose keys follow). */
    section: boolean;
}

const unwrapOptional = (s: z.ZodType): z.ZodType => (s instanceof z.ZodOptional ? unwrapOptional(s.unwrap() as z.ZodType) : s);

/** The type as a reader of YAML thinks of it. */
function typeName(s: z.ZodType): string {
    if (s instanceof z.ZodNumber) return s.isInt ? "integer" : "number";
    if (s instanceof z.ZodBoolean) return "boolean";
    if (s instanceof z.ZodEnum) return "string";
    if (s instanceof z.ZodObject) return "object";
    if (s instanceof z.ZodArray) return `list of ${typeName(s.element as z.ZodType)}`;
    if (s instanceof z.ZodRecord) return `map of ${typeName(s.valueType as z.ZodType)}`;
    if (s instanceof z.ZodUnion) {
        const kinds = new Set((s.options as z.ZodType[]).map(typeName));
        return [...kinds].join(" or ");
    }
    if (s instanceof z.ZodLiteral) return Number.isInteger(s.value) ? "integer" : typeof s.value;
    if (s.def.type === "string") return "string";
    throw new Error(`config-reference: no type name for a zod ${s.def.type}`);
}

/** The schema's error text for a value of the wrong type: its "expected …" sentence. */
function expectedText(s: z.ZodType): string {
    const issue = s.safeParse(Symbol("not a config value")).error?.issues[0];
    if (!issue) throw new Error("config-reference: a schema accepted a symbol");
    return issue.message;
}

function allowedText(s: z.ZodType): string {
    if (s instanceof z.ZodObject) return "the keys below";
    if (s instanceof z.ZodArray) return `${expectedText(s)}; each ${expectedText(s.element as z.ZodType)}`;
    if (s instanceof z.ZodRecord) return `${expectedText(s)}; each key ${expectedText(s.keyType as z.ZodType)}`;
    return expectedText(s);
}

/** Every key of the namespace, depth first in schema order; throws for a key without reference text. */
export function configKeyRows(schema: z.ZodObject = stackConfigSchema): ConfigKeyRow[] {
    const rows: ConfigKeyRow[] = [];
    const walk = (shape: Record<string, z.ZodType>, prefix: string, inheritedSecret: boolean) => {
        for (const [key, field] of Object.entries(shape)) {
            const s = unwrapOptional(field);
            const path = prefix ? `${prefix}.${key}` : key;
            const doc = configDocs.get(s);
            if (!doc) throw new Error(`slipway:${path} has no reference text: wrap its schema in doc(…) in stacks/config-schema.ts`);
            const secret = inheritedSecret || (secretKeys as readonly string[]).includes(path);
            const section = s instanceof z.ZodObject;
            rows.push({ path, type: typeName(s), allowed: allowedText(s), secret, doc, section });
            if (s instanceof z.ZodObject) walk(s.shape as Record<string, z.ZodType>, path, secret);
        }
    };
    walk(schema.shape as Record<string, z.ZodType>, "", false);
    return rows;
}

/** Text for a table cell: no pipes or line breaks to break the row, no HTML. */
const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\s*\n\s*/g, " ");

/** A default that is one token reads best as code; a phrase stays prose. */
const defaultCell = (d: string | undefined): string => (d === undefined ? "—" : /\s/.test(d) ? cell(d) : `\`${d}\``);

const requiredCell = (when: string | undefined): string => (when === undefined ? "no" : when === "always" ? "**always**" : `**when ${cell(when)}**`);

function table(rows: ConfigKeyRow[]): string[] {
    return [
        "| key | type | required | default | secret | allowed values | description |",
        "|---|---|---|---|---|---|---|",
        ...rows.map((r) =>
            [
                `\`slipway:${r.path}\``,
                r.type,
                requiredCell(r.doc.requiredWhen),
                defaultCell(r.doc.default),
                r.secret ? "**yes**" : "no",
                cell(r.allowed),
                cell(r.doc.description),
            ].join(" | "),
        ).map((line) => `| ${line} |`),
    ];
}

/** The whole reference page. */
export function renderConfigReference(schema: z.ZodObject = stackConfigSchema): string {
    const rows = configKeyRows(schema);
    const top = rows.filter((r) => !r.path.includes("."));
    const out: string[] = [
        "# Config reference",
        "",
        "<!-- Generated from stacks/config-schema.ts by `npm run docs:config`; edit the schema, not this file. -->",
        "",
        "Every key lives in the `slipway:` namespace of `Pulumi.<stack>.yaml` and is checked by one",
        "schema before any resource is registered; a bad value stops the run with one line naming the",
        "stack file, the key, the value and the \"allowed values\" text below. Set nested keys with",
        "`--path`, secrets with `--secret`:",
        "",
        "```sh",
        "pulumi config set --path 'slipway:database.backupRetentionDays' 14",
        "pulumi config set --secret --path 'slipway:appSecrets.SESSION_KEY' \"$(openssl rand -hex 32)\"",
        "```",
        "",
        "\"required\" names the targets that need the key; every other key is optional and takes the default.",
        "",
        "## Top-level keys",
        "",
        ...table(top),
    ];
    for (const section of top.filter((r) => r.section)) {
        out.push("", `## slipway:${section.path}`, "", cell(section.doc.description), "", ...table(rows.filter((r) => r.path.startsWith(`${section.path}.`))));
    }
    return `${out.join("\n")}\n`;
}

if (require.main === module) {
    writeFileSync(configReferencePath, renderConfigReference());
    process.stdout.write(`wrote ${configReferencePath} (${configKeyRows().length} keys)\n`);
}
