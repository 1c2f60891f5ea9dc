import type { ReportViolation } from "@pulumi/policy";
import { type RuleMeta, type SlipwayRule, UNKNOWN, ofTypes, resourceRule, stackRule, types } from "../kit";
import { findLiteralSecrets } from "../digitalocean/secret-patterns";
import { Deferred, readItems } from "../digitalocean/values";

interface Config {
    secretNamePattern: string;
    allowedEnvNames: string[];
}

/**
 * Environment variables are readable by anyone who can `docker inspect` the container or read
 * /proc/<pid>/environ in it, are inherited by every child process and end up in crash dumps and
 * debug pages. A policy cannot tell a Pulumi secret from a literal (the policy server unpacks
 * secrets into plain values), so "literal" here means what the container receives: a secret-
 * looking name (PASSWORD, TOKEN, SECRET, KEY…) carrying a value, or any value holding a private
 * key, a known token format or a password in a URL. The fix is the `*_FILE` convention: the
 * variable names a file (a mounted secret, mode 0400) and the process reads the secret from it.
 * Names ending in FILE are therefore accepted; documented exceptions go in allowedEnvNames.
 *
 * Two rules share the check. `ops-hygiene-env-secrets` (mandatory) is a stack rule so it can see
 * property dependencies: it fails only containers whose `envs` depend on no resource at all,
 * i.e. every value in them was typed into the program — a literal for certain. A container
 * whose envs are interpolated from other resources (a generated password, a database URL)
 * cannot be told apart entry by entry, so `ops-hygiene-env-files` (advisory) reports its
 * secret-looking entries and asks for the *_FILE form.
 */
const configSchema: RuleMeta["configSchema"] = {
    properties: {
        secretNamePattern: {
            type: "string",
            default: "PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIAL|APIKEY|PRIVATE_?KEY|(^|_)(KEY|PASS|PWD)(_|$)",
            description: "Case-insensitive regular expression for environment names that hold secrets.",
        },
        allowedEnvNames: { type: "array", items: { type: "string" }, default: [], description: "Reviewed exceptions: names never flagged." },
    },
};

const remediation =
    "Write the secret to a file mounted read-only into the container (mode 0400, owned by the container's user) and pass its path: POSTGRES_PASSWORD_FILE, GF_SECURITY_ADMIN_PASSWORD__FILE, RESTIC_PASSWORD_FILE, PGPASSFILE, DATA_SOURCE_PASS_FILE…; for an app that only reads a URL, read the URL from a file. List a reviewed exception in allowedEnvNames.";

/** Checks a container's envs; unknown entries are deferred (checked at `pulumi up`). */
function checkEnvs(props: Record<string, any>, c: Config, report: (m: string) => void): void {
    const secretName = new RegExp(c.secretNamePattern, "i");
    const deferred = new Deferred();
    const envs = readItems(() => props.envs);
    if (envs === UNKNOWN) deferred.add(() => props.envs);
    for (const [i, entry] of (envs === UNKNOWN ? [] : (envs ?? [])).entries()) {
        // Usually interpolated from a generated value: known, and checked, at `pulumi up`.
        if (entry === UNKNOWN) {
            deferred.add(() => (props.envs as unknown[])[i]);
            continue;
        }
        if (typeof entry !== "string") continue;
        const eq = entry.indexOf("=");
        const name = eq >= 0 ? entry.slice(0, eq) : entry;
        const value = eq >= 0 ? entry.slice(eq + 1) : "";
        if (c.allowedEnvNames.includes(name)) continue;
        if (/FILE$/i.test(name)) continue;
        if (secretName.test(name) && value !== "" && !/^(true|false)$/i.test(value)) {
            report(`envs entry ${name} carries a value and its name marks it as a secret; mount the secret as a file and pass its path (a *_FILE variable, or the program's own file setting) or list a reviewed exception in allowedEnvNames.`);
            continue;
        }
        for (const kind of new Set(findLiteralSecrets(value).map((f) => f.kind))) {
            report(`envs entry ${name} contains ${kind}; pass secrets through a mounted file instead of the environment.`);
        }
    }
    deferred.raise();
}

export const opsHygieneEnvSecrets: SlipwayRule = stackRule(
    {
        name: "ops-hygiene-env-secrets",
        group: "docker",
        description:
            "Containers must not receive literal secrets in their environment: in a container whose envs are all typed into the program (no value comes from another resource), a secret-looking name (PASSWORD, TOKEN, SECRET, KEY…) must point to a file instead (NAME_FILE=/run/secrets/…), and no value may embed a private key, an API token or a password in a URL.",
        sources: ["FSBP ECS.8", "CIS Docker 1.2.0 4.10 (pattern)"],
        remediation: `Generate the secret (@pulumi/random) and keep it a Pulumi secret; better, ${remediation.charAt(0).toLowerCase()}${remediation.slice(1)}`,
        level: "mandatory",
        configSchema,
    },
    (args, report: ReportViolation) => {
        const c = args.getConfig<Config>();
        for (const r of ofTypes(args.resources, types.dockerContainer)) {
            // Interpolated envs are the advisory rule's: entries cannot be told apart.
            if ((r.propertyDependencies.envs ?? []).length > 0) continue;
            checkEnvs(r.props, c, (m) => report(m, r.urn));
        }
    },
);

export const opsHygieneEnvFiles: SlipwayRule = resourceRule(
    {
        name: "ops-hygiene-env-files",
        group: "docker",
        description:
            "Containers should read secrets from files, not environment variables (which `docker inspect`, /proc/<pid>/environ and crash dumps expose): secret-looking names should be NAME_FILE paths to a mounted secret.",
        sources: ["FSBP ECS.8", "CIS Docker 1.2.0 4.10 (pattern)"],
        remediation,
        level: "advisory",
        configSchema,
    },
    types.dockerContainer,
    (args, report) => checkEnvs(args.props, args.getConfig<Config>(), report),
);
