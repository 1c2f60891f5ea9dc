import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { readItems, show } from "../digitalocean/values";

/** Drivers that rotate or ship logs themselves; only json-file (Docker's default) grows without bound. */
const selfManagedDrivers = ["local", "journald", "syslog", "fluentd", "gelf", "awslogs", "gcplogs", "splunk", "etwlogs", "none"];

/**
 * The POLICIES row "health check; log rotation (A); no literal secrets in envs (M)" is two rules,
 * because a rule has one level: this one (the row's name) covers the advisory checks listed
 * first; ops-hygiene-env-secrets is the mandatory one.
 */
export const opsHygiene: SlipwayRule = resourceRule(
    {
        name: "ops-hygiene",
        group: "docker",
        description:
            "Containers should have a health check (so restarts and rollouts know when they are ready) and rotated logs (logOpts max-size with the json-file driver). Literal secrets in envs are checked by ops-hygiene-env-secrets.",
        sources: ["CIS Docker 1.2.0 5.26", "CKV_DOCKER_2"],
        remediation:
            "Set healthcheck: { tests: [\"CMD\", \"wget\", \"-qO-\", \"http://127.0.0.1:8080/health\"], interval: \"15s\", retries: 3 } and logOpts: { \"max-size\": \"10m\", \"max-file\": \"3\" } (or logDriver \"local\").",
        level: "advisory",
    },
    types.dockerContainer,
    (args, report) => {
        const tests = readItems(() => (args.props.healthcheck as Record<string, unknown> | undefined)?.tests);
        if (tests === UNKNOWN || tests?.[0] === UNKNOWN) reportUnknown(report, "healthcheck.tests");
        else if (!tests || tests.length === 0 || String(tests[0]).toUpperCase() === "NONE") {
            report(`healthcheck.tests is ${show(tests)}; give the container a health check (e.g. ["CMD", "wget", "-qO-", "http://127.0.0.1:8080/health"]).`);
        }

        const driver = read(() => args.props.logDriver);
        if (driver === UNKNOWN) return reportUnknown(report, "logDriver");
        if (typeof driver === "string" && selfManagedDrivers.includes(driver)) return;
        const maxSize = read(() => (args.props.logOpts as Record<string, unknown> | undefined)?.["max-size"]);
        if (maxSize === UNKNOWN) return reportUnknown(report, 'logOpts["max-size"]');
        if (typeof maxSize !== "string" || maxSize.trim() === "") {
            report(`logOpts["max-size"] is ${show(maxSize)} with the ${show(driver ?? "json-file")} log driver; rotate logs (logOpts: { "max-size": "10m", "max-file": "3" }) so they cannot fill the disk.`);
        }
    },
);
