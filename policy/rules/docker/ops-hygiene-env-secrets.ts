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
 * Two rules share the check. `ops-hygiene-env-secrets` (mandatory) fails every container whose
 * environment carries a credential, typed into the program or interpolated from a generated
 * one alike: `docker inspect` shows both (the Docker payload passes every credential as a file
 * since issue 11). Entries only known after `pulumi up` (interpolated from generated values) are
 * checked then. `ops-hygiene-env-files` (advisory) reports the same entries, so a stack that
 * turns the mandatory rule off still hears about them.
 *
 * Beyond secret-looking names and secrets in values, some names always hold a credential whatever
 * they are called: DATA_SOURCE_NAME (postgres_exporter's connection string, `postgresql://u:p@…`
 * or `… password=…`); use DATA_SOURCE_URI, DATA_SOURCE_USER and DATA_SOURCE_PASS_FILE.
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

/** Names whose value is a connection string with credentials, whatever else it holds. */
const credentialNames = new Set(["DATA_SOURCE_NAME"]);

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
        if (credentialNames.has(name) && value !== "") {
            report(`envs entry ${name} is a connection string with credentials; pass the host and user in the clear and the password as a file (postgres_exporter: DATA_SOURCE_URI, DATA_SOURCE_USER and DATA_SOURCE_PASS_FILE).`);
            continue;
        }
        if (/(^|[\s?&;])password=(?!\s|$|&)/i.test(value)) {
            report(`envs entry ${name} contains a password= setting (a libpq or ODBC connection string); pass the password as a file (PGPASSFILE, a *_FILE variable) instead.`);
            continue;
        }
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
            "Containers must not receive credentials in their environment (docker inspect shows it), typed in or generated: a secret-looking name (PASSWORD, TOKEN, SECRET, KEY…) must point to a file instead (NAME_FILE=/run/secrets/…), DATA_SOURCE_NAME is refused, and no value may embed a private key, an API token, a password= setting or a password in a URL.",
        sources: ["FSBP ECS.8", "CIS Docker 1.2.0 4.10 (pattern)"],
        remediation: `Generate the secret (@pulumi/random) and keep it a Pulumi secret; better, ${remediation.charAt(0).toLowerCase()}${remediation.slice(1)}`,
        level: "mandatory",
        configSchema,
    },
    (args, report: ReportViolation) => {
        const c = args.getConfig<Config>();
        for (const r of ofTypes(args.resources, types.dockerContainer)) checkEnvs(r.props, c, (m) => report(m, r.urn));
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
