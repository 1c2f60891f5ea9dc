import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { show } from "../digitalocean/values";

const restarting = ["unless-stopped", "always"];

/** A container must come back after a crash, a daemon restart or a reboot; Docker's default is "no". */
export const restartPolicy: SlipwayRule = resourceRule(
    {
        name: "restart-policy",
        group: "docker",
        description: "Containers must restart by themselves: restart \"unless-stopped\" or \"always\", or \"on-failure\" with maxRetryCount > 0.",
        sources: ["CIS Docker 1.2.0 5.14"],
        remediation: "Set restart: \"unless-stopped\" (or \"on-failure\" with maxRetryCount: 5 for a job that should give up).",
        level: "mandatory",
    },
    types.dockerContainer,
    (args, report) => {
        const restart = read(() => args.props.restart);
        if (restart === UNKNOWN) return reportUnknown(report, "restart");
        if (typeof restart === "string" && restarting.includes(restart)) return;
        if (restart === "on-failure") {
            const retries = read(() => args.props.maxRetryCount);
            if (retries === UNKNOWN) return reportUnknown(report, "maxRetryCount");
            if (!(typeof retries === "number" && retries > 0)) report(`restart is "on-failure" with maxRetryCount ${show(retries)}; give a retry count greater than 0 (e.g. maxRetryCount: 5).`);
            return;
        }
        report(`restart is ${show(restart)}; use "unless-stopped", "always", or "on-failure" with maxRetryCount > 0, so the container comes back after a crash or a reboot.`);
    },
    {
        // Safe and obvious: the restart policy is updated in place (no new container).
        remediateResource: (args) => {
            if (!(types.dockerContainer as readonly string[]).includes(args.type)) return undefined;
            const restart = read(() => args.props.restart);
            if (restart !== undefined && restart !== "no" && restart !== "") return undefined;
            args.props.restart = "unless-stopped";
            return args.props;
        },
    },
);
