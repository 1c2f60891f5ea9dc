import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { elastiCacheNodeTypeCatalog } from "../../components/cache/node-types";
import { rdsPostgresInstanceClassCatalog } from "../../components/database/instance-classes";
import { distributionImages, dropletImageCatalog } from "../../components/host/droplet-images";
import { dropletRegionCatalog } from "../../components/host/droplet-regions";
import { dropletMemoryMiB, dropletSizeCatalog } from "../../components/host/droplet-sizes";
import { awsRegionCatalog } from "../../components/shared/aws-regions";
import { type Catalog, closest, editDistance } from "../../components/shared/catalog";
import { awsPrices, digitalOceanPrices, priceDate } from "../../offline/cost/prices";
import { parseStackConfig } from "../../stacks/config";
import { ConfigError } from "../../stacks/config-errors";
import { checkProviderConfig } from "../../stacks/provider-config";

/**
 * Issue 13, item 5: values the cloud does not have are refused at config-validation time,
 * from dated catalogs that the cost table reads too. Before, `db.t4g.larg` planned with exit 0
 * and failed half-way through a real `pulumi up`.
 */
const catalogs: [string, Catalog][] = [
    ["aws regions", awsRegionCatalog],
    ["rds instance classes", rdsPostgresInstanceClassCatalog],
    ["elasticache node types", elastiCacheNodeTypeCatalog],
    ["droplet regions", dropletRegionCatalog],
    ["droplet sizes", dropletSizeCatalog],
    ["droplet images", dropletImageCatalog],
];

describe("edit distance and the suggestion", () => {
    it.each([
        ["db.t4g.larg", "db.t4g.large", 1],
        ["fr1a", "fra1", 1], // a transposition is one slip
        ["kitten", "sitting", 3],
        ["", "abc", 3],
        ["same", "same", 0],
    ])("%s → %s is %i", (a, b, d) => {
        expect(editDistance(a, b)).toBe(d);
        expect(editDistance(b, a)).toBe(d);
    });

    it("offers the nearest value only when it is close, ignoring case", () => {
        expect(closest("db.t4g.larg", ["db.t4g.medium", "db.t4g.large", "db.t4g.xlarge"])).toBe("db.t4g.large");
        expect(closest("US-EAST-1", ["us-east-1", "us-east-2"])).toBe("us-east-1");
        expect(closest("mars-north-9", ["us-east-1", "eu-west-1"])).toBeUndefined();
        expect(closest("x", [])).toBeUndefined();
    });
});

describe.each(catalogs)("the %s catalog", (_name, catalog) => {
    it("names its public page and is dated the cost table's price date", () => {
        expect(catalog.source).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|docs\.digitalocean\.com)\//);
        expect(catalog.read).toBe(priceDate);
        expect(catalog.values.length).toBeGreaterThan(0);
        expect(new Set(catalog.values).size).toBe(catalog.values.length);
        for (const v of catalog.values) expect(v).toMatch(/^[a-z0-9][a-z0-9._-]*$/);
    });
});

describe("the cost table prices only catalog values", () => {
    it("RDS classes, node types and droplet sizes", () => {
        for (const region of Object.values(awsPrices)) {
            for (const cls of Object.keys(region.rdsPostgresHour)) expect(rdsPostgresInstanceClassCatalog.values).toContain(cls);
            for (const type of Object.keys(region.elastiCacheNodeHour)) expect(elastiCacheNodeTypeCatalog.values).toContain(type);
        }
        for (const region of Object.keys(awsPrices)) expect(awsRegionCatalog.values).toContain(region);
        for (const size of Object.keys(digitalOceanPrices.droplets)) expect(dropletSizeCatalog.values).toContain(size);
    });

    it("every droplet size the schema accepts has a memory the plan can size the payload from", () => {
        for (const size of dropletSizeCatalog.values) expect(dropletMemoryMiB(size), size).toBeGreaterThanOrEqual(512);
        expect(dropletMemoryMiB("c-2-intel")).toBe(4096);
        expect(dropletMemoryMiB("so1_5-2vcpu-16gb")).toBe(16384);
    });

    it("the only images accepted are the Ubuntu ones the cloud-init runs on", () => {
        expect([...dropletImageCatalog.values]).toEqual(["ubuntu-22-04-x64", "ubuntu-24-04-x64", "ubuntu-24-10-x64", "ubuntu-25-04-x64"]);
        expect(distributionImages).toContain("debian-12-x64");
    });
});

describe("the shipped stacks and the defaults are in the catalogs", () => {
    const stack = (name: string) => (parse(readFileSync(join(__dirname, `../../Pulumi.${name}.yaml`), "utf8")) as { config: Record<string, Record<string, string>> }).config;
    it("prod and dev", () => {
        const prod = stack("prod");
        expect(awsRegionCatalog.values).toContain(prod["aws:region"]);
        expect(rdsPostgresInstanceClassCatalog.values).toContain(prod["slipway:database"].instanceClass);
        expect(elastiCacheNodeTypeCatalog.values).toContain(prod["slipway:cache"].nodeType);
        const vps = stack("dev")["slipway:vps"];
        expect(dropletRegionCatalog.values).toContain(vps.region);
        expect(dropletSizeCatalog.values).toContain(vps.size);
        expect(dropletImageCatalog.values).toContain(vps.image);
    });
    it("the defaults", () => {
        expect(rdsPostgresInstanceClassCatalog.values).toContain("db.t4g.medium");
        expect(elastiCacheNodeTypeCatalog.values).toContain("cache.t4g.small");
        expect(dropletRegionCatalog.values).toContain("nyc3");
        expect(dropletSizeCatalog.values).toContain("s-2vcpu-4gb");
        expect(dropletImageCatalog.values).toContain("ubuntu-24-04-x64");
    });
});

const FILE = "Pulumi.prod.yaml";
const aws = (over: Record<string, unknown>) => ({ target: "aws", domain: "app.example.com", owner: "t", app: { image: "ghcr.io/a/b:1" }, ...over });
const vps = (over: Record<string, unknown>) => ({
    target: "vps",
    domain: "dev.example.com",
    app: { image: "ghcr.io/a/b:1" },
    monitoring: { alarmEmails: ["ops@example.com"], smtpSmarthost: "smtp.example.com:587" },
    vps: { sshAllowedCidrs: ["198.51.100.7/32"], sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJvMea+q7HzKV6BRycAmSC/TlwebBjeLoYLf5LnELPPE me"], acmeEmail: "ops@example.com", ...over },
});

function errorOf(raw: Record<string, unknown>): string {
    try {
        parseStackConfig(raw, { stackFile: FILE, secretKeys: new Set() });
    } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
    }
    throw new Error("expected the config to be refused");
}

describe("a value outside its catalog: one line, and a suggestion when one is close", () => {
    it.each([
        ["a mistyped RDS class", aws({ database: { instanceClass: "db.t4g.larg" } }),
            /^Pulumi\.prod\.yaml: slipway:database\.instanceClass is "db\.t4g\.larg"; expected an RDS for PostgreSQL instance class such as db\.t4g\.medium \(the catalog of 2025-06-01 in components\/database\/instance-classes\.ts\); did you mean "db\.t4g\.large"\?$/],
        ["a class PostgreSQL does not run on", aws({ database: { instanceClass: "db.t2.micro" } }), /instanceClass is "db\.t2\.micro"; expected an RDS for PostgreSQL instance class .*; did you mean "db\.t3\.micro"\?$/],
        ["an RDS class without its db. prefix", aws({ database: { instanceClass: "t4g.medium" } }), /instanceClass is "t4g\.medium"; .*did you mean "db\.t4g\.medium"\?$/],
        ["a mistyped node type", aws({ cache: { nodeType: "cache.t4g.smal" } }), /^Pulumi\.prod\.yaml: slipway:cache\.nodeType is "cache\.t4g\.smal"; expected an ElastiCache node type such as cache\.t4g\.small .*; did you mean "cache\.t4g\.small"\?$/],
        ["a node type that does not exist", aws({ cache: { nodeType: "cache.t4g.huge" } }), /nodeType is "cache\.t4g\.huge"; expected an ElastiCache node type such as cache\.t4g\.small \(the catalog of 2025-06-01 in components\/cache\/node-types\.ts\)$/],
        ["a droplet region typo", vps({ region: "fra2" }), /^Pulumi\.prod\.yaml: slipway:vps\.region is "fra2"; expected a DigitalOcean region that takes new droplets \(catalog of 2025-06-01\): ams3, .*, tor1; did you mean "fra1"\?$/],
        ["a retired droplet region", vps({ region: "nyc2" }), /vps\.region is "nyc2"; .*did you mean "nyc1"\?$/],
        ["a droplet size typo", vps({ size: "s-2vcpu-4g" }), /^Pulumi\.prod\.yaml: slipway:vps\.size is "s-2vcpu-4g"; expected a DigitalOcean droplet size slug such as s-2vcpu-4gb .*; did you mean "s-2vcpu-4gb"\?$/],
        ["a droplet size that is not sold", vps({ size: "s-64vcpu-1tb" }), /vps\.size is "s-64vcpu-1tb"; expected a DigitalOcean droplet size slug such as s-2vcpu-4gb \(the catalog of 2025-06-01 in components\/host\/droplet-sizes\.ts\)$/],
        ["an image typo", vps({ image: "ubuntu-24-04-x46" }), /^Pulumi\.prod\.yaml: slipway:vps\.image is "ubuntu-24-04-x46"; expected a DigitalOcean Ubuntu image, .*: ubuntu-22-04-x64, .*; did you mean "ubuntu-24-04-x64"\?$/],
        ["an image the cloud-init does not run on", vps({ image: "debian-12-x64" }), /vps\.image is "debian-12-x64"; expected a DigitalOcean Ubuntu image, the only distribution the droplet's cloud-init runs on/],
    ])("%s", (_what, raw, expected) => {
        const message = errorOf(raw);
        expect(message.split("\n")).toHaveLength(1);
        expect(message).toMatch(expected);
    });

    it("every catalog value passes", () => {
        for (const instanceClass of rdsPostgresInstanceClassCatalog.values) parseStackConfig(aws({ database: { instanceClass } }), { stackFile: FILE, secretKeys: new Set() });
        for (const nodeType of elastiCacheNodeTypeCatalog.values) parseStackConfig(aws({ cache: { nodeType } }), { stackFile: FILE, secretKeys: new Set() });
        for (const region of dropletRegionCatalog.values) parseStackConfig(vps({ region }), { stackFile: FILE, secretKeys: new Set() });
        for (const size of dropletSizeCatalog.values) parseStackConfig(vps({ size }), { stackFile: FILE, secretKeys: new Set() });
        for (const image of dropletImageCatalog.values) parseStackConfig(vps({ image }), { stackFile: FILE, secretKeys: new Set() });
    });

    it("aws:region: a typo, a region of another partition, and every catalog region", () => {
        const check = (region: string | undefined) => () =>
            checkProviderConfig(region === undefined ? {} : { "aws:region": region }, () => false, { stackFile: FILE, target: "aws" });
        expect(check("us-east-l")).toThrow(/^Pulumi\.prod\.yaml: aws:region is "us-east-l"; expected a commercial AWS region \(catalog of 2025-06-01\): af-south-1, .*; did you mean "us-east-1"\?$/);
        expect(check("us-gov-west-1")).toThrow(/aws:region is "us-gov-west-1"; expected a commercial AWS region/);
        expect(check(undefined)).toThrow(/^Pulumi\.prod\.yaml: aws:region is missing; expected an AWS region such as us-east-1/);
        for (const region of awsRegionCatalog.values) check(region)();
        // Only the aws target reads aws:region.
        checkProviderConfig({ "aws:region": "nowhere" }, () => false, { stackFile: FILE, target: "vps" });
    });
});

describe("npm run plan with a mistyped instance class", () => {
    it("exits 2 with the one line and its suggestion (it used to plan with exit 0)", () => {
        const root = resolve(__dirname, "../..");
        const file = join(mkdtempSync(join(tmpdir(), "slipway-catalog-")), "Pulumi.typo.yaml");
        const prod = readFileSync(join(root, "Pulumi.prod.yaml"), "utf8");
        expect(prod).toContain("instanceClass: db.t4g.large");
        writeFileSync(file, prod.replace("instanceClass: db.t4g.large", "instanceClass: db.t4g.larg"));
        const r = spawnSync(process.execPath, ["scripts/launch.js", "plan", "--stack", "typo", "--config-file", file], { cwd: root, encoding: "utf8", timeout: 120_000 });
        expect(r.status, r.stderr).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
        expect(r.stderr).toMatch(/slipway:database\.instanceClass is "db\.t4g\.larg"; expected an RDS for PostgreSQL instance class .*; did you mean "db\.t4g\.large"\?$/m);
    });
});
