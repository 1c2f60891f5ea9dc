import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { show } from "../digitalocean/values";

const namespaces = [
    ["networkMode", "network", "every port it listens on is then open on the host, past the firewall's view of Docker"],
    ["pidMode", "process", "it can see and signal every process on the host"],
    ["ipcMode", "IPC", "it can read the host's shared memory"],
    ["usernsMode", "user", "it opts out of user-namespace remapping"],
] as const;

/** A privileged container, or one in the host's namespaces, is the host: one bug away from root on it. */
export const noPrivilegedOrHostNamespaces: SlipwayRule = resourceRule(
    {
        name: "no-privileged-or-host-namespaces",
        group: "docker",
        description: "Containers must not be privileged and must not share the host's network, PID, IPC or user namespace (networkMode/pidMode/ipcMode/usernsMode \"host\").",
        sources: ["CIS Docker 1.2.0 5.4", "CIS Docker 1.2.0 5.9", "CIS Docker 1.2.0 5.15", "CIS Docker 1.2.0 5.16", "CIS Docker 1.2.0 5.30"],
        remediation:
            "Remove privileged: true and add only the capabilities the process needs (capabilities.adds); use a user-defined bridge network (networksAdvanced) and publish the ports you need instead of networkMode \"host\"; drop pidMode/ipcMode/usernsMode \"host\".",
        level: "mandatory",
    },
    types.dockerContainer,
    (args, report) => {
        const privileged = read(() => args.props.privileged);
        if (privileged === UNKNOWN) reportUnknown(report, "privileged");
        else if (privileged === true) report("privileged is true; a privileged container has every capability and all host devices. Add only the capabilities it needs instead.");
        for (const [prop, label, why] of namespaces) {
            const mode = read(() => args.props[prop]);
            if (mode === UNKNOWN) reportUnknown(report, prop);
            else if (typeof mode === "string" && mode.trim().toLowerCase() === "host") report(`${prop} is ${show(mode)}; the container would share the host's ${label} namespace (${why}).`);
        }
    },
);
