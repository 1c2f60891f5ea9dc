import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { containerLabel, containersOf, unpinnedImage } from "./container-definitions";
import { SECRET_NAME_PATTERN, secretLiteralsIn } from "./support";

interface TaskConfig {
    /** Case-insensitive regular expression for environment variable names that hold secrets. */
    secretNamePattern: string;
    /** Environment variable names that match the pattern but hold no secret. */
    allowedEnvNames: string[];
}

/**
 * The mandatory half of `ecs-task-hardening` in POLICIES.md: mistakes in the task definition
 * itself that no image needs (host PID namespace, privileged mode, no logs, secrets in plain
 * environment, a moving image tag). Read-only root and non-root user depend on how the image
 * was built, so they are the advisory `ecs-task-least-privilege`.
 */
export const ecsTaskHardening: SlipwayRule = resourceRule(
    {
        name: "ecs-task-hardening",
        group: "aws",
        description:
            "ECS tasks must not share the host's process namespace; their containers must not run privileged, must ship logs (logConfiguration), must take secrets from `secrets` rather than `environment`, and must use a pinned image tag (not :latest or untagged).",
        sources: ["FSBP ECS.3", "FSBP ECS.4", "FSBP ECS.8", "FSBP ECS.9"],
        remediation:
            'Leave pidMode unset (or "task"); in each container definition remove privileged: true, add logConfiguration (e.g. { logDriver: "awslogs", options: {...} }), move secret values to secrets: [{ name, valueFrom: <Secrets Manager or SSM ARN> }], and reference the image by a version tag or digest.',
        level: "mandatory",
        configSchema: {
            properties: {
                secretNamePattern: { type: "string", default: SECRET_NAME_PATTERN },
                allowedEnvNames: { type: "array", items: { type: "string" }, default: [] },
            },
        },
    },
    types.taskDefinition,
    (args, report) => {
        const pidMode = read(() => args.props.pidMode);
        if (pidMode === UNKNOWN) reportUnknown(report, "pidMode");
        else if (pidMode === "host") report('pidMode is "host"; containers must not see the host\'s processes.');

        const containers = containersOf(args);
        if (containers === UNKNOWN) return reportUnknown(report, "containerDefinitions");
        if (containers instanceof Error) return report(`${containers.message}; the task definition cannot be checked.`);
        const { secretNamePattern, allowedEnvNames } = args.getConfig<TaskConfig>();
        let secretName: RegExp;
        try {
            secretName = new RegExp(secretNamePattern, "i");
        } catch {
            return report(`The rule's secretNamePattern ${JSON.stringify(secretNamePattern)} is not a valid regular expression; fix the policy config.`);
        }

        containers.forEach((c, i) => {
            const label = containerLabel(c, i);
            if (c?.privileged === true) report(`${label}: privileged is true; containers must not run privileged.`);
            if (!c?.logConfiguration?.logDriver) report(`${label}: logConfiguration is ${c?.logConfiguration ? "missing logDriver" : "unset"}; ship logs (e.g. logDriver "awslogs").`);
            for (const env of Array.isArray(c?.environment) ? c.environment : []) {
                const name = String(env?.name ?? "");
                if (secretName.test(name) && !allowedEnvNames.includes(name)) {
                    report(`${label}: environment variable ${name} looks like a secret; pass it through secrets (valueFrom a Secrets Manager or SSM ARN), not environment.`);
                    continue;
                }
                const found = secretLiteralsIn(String(env?.value ?? ""));
                if (found.length > 0) report(`${label}: environment variable ${name} holds ${found.join(" and ")}; pass it through secrets instead.`);
            }
            if (typeof c?.image !== "string" || c.image === "") report(`${label}: image is unset.`);
            else {
                const why = unpinnedImage(c.image);
                if (why) report(`${label}: image ${JSON.stringify(c.image)} ${why}; pin a version tag or a digest.`);
            }
        });
    },
);
