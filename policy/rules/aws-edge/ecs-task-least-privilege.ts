import { type SlipwayRule, UNKNOWN, reportUnknown, resourceRule, types } from "../kit";
import { containerLabel, containersOf, isRootUser } from "./container-definitions";

/**
 * The advisory half of `ecs-task-hardening` in POLICIES.md: a read-only root file system and a
 * non-root user. Both need the image's cooperation (writable paths on volumes, files owned by
 * the user), so they advise rather than block, like the Docker pack's non-root rule.
 */
export const ecsTaskLeastPrivilege: SlipwayRule = resourceRule(
    {
        name: "ecs-task-least-privilege",
        group: "aws",
        description: "ECS containers should run with a read-only root file system and as a non-root user.",
        sources: ["FSBP ECS.5", "FSBP ECS.1"],
        remediation:
            'Set readonlyRootFilesystem: true (mount a volume where the app writes, e.g. /tmp) and user to a non-root uid (e.g. "10001") that owns what the app needs.',
        level: "advisory",
    },
    types.taskDefinition,
    (args, report) => {
        const containers = containersOf(args);
        if (containers === UNKNOWN) return reportUnknown(report, "containerDefinitions");
        if (containers instanceof Error) return report(`${containers.message}; the task definition cannot be checked.`);
        containers.forEach((c, i) => {
            const label = containerLabel(c, i);
            if (c?.readonlyRootFilesystem !== true) report(`${label}: readonlyRootFilesystem is ${JSON.stringify(c?.readonlyRootFilesystem ?? "unset")}; set it to true.`);
            const user = c?.user;
            if (user === undefined || user === null || String(user).trim() === "") report(`${label}: user is unset, so the container runs as the image's default user (usually root); set a non-root uid.`);
            else if (isRootUser(String(user))) report(`${label}: user is ${JSON.stringify(user)}; run as a non-root uid.`);
        });
    },
);
