import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { readItems, show } from "../digitalocean/values";

const known = (items: unknown[]): string[] => items.filter((x): x is string => typeof x === "string");

/**
 * Defence in depth for a compromised process: it cannot modify the image's files (read-only root;
 * writable paths are tmpfs or volumes), holds no capability it was not given back explicitly, and
 * cannot gain privileges through setuid binaries.
 */
export const leastPrivilegeRuntime: SlipwayRule = resourceRule(
    {
        name: "least-privilege-runtime",
        group: "docker",
        description: "Containers should run with a read-only root filesystem (readOnly: true, writable paths as tmpfs or volumes), capabilities.drops [\"ALL\"] (adding back only what is needed) and securityOpts no-new-privileges.",
        sources: ["CIS Docker 1.2.0 5.12", "CIS Docker 1.2.0 5.3", "CIS Docker 1.2.0 5.25"],
        remediation:
            "Set readOnly: true with tmpfs for scratch paths (/tmp, /run); capabilities: { drops: [\"ALL\"], adds: [only what the process needs] }; securityOpts: [\"no-new-privileges:true\"].",
        level: "advisory",
    },
    types.dockerContainer,
    (args, report) => {
        const readOnly = read(() => args.props.readOnly);
        if (readOnly === UNKNOWN) reportUnknown(report, "readOnly");
        else if (readOnly !== true) report(`readOnly is ${show(readOnly)}; mount the root filesystem read-only (readOnly: true) and give writable paths as tmpfs or volumes.`);

        const drops = readItems(() => (args.props.capabilities as Record<string, unknown> | undefined)?.drops);
        if (drops === UNKNOWN || drops?.includes(UNKNOWN)) reportUnknown(report, "capabilities.drops");
        else if (!known(drops ?? []).some((c) => /^(CAP_)?ALL$/i.test(c.trim()))) {
            report(`capabilities.drops is ${show(drops)}; drop every capability (drops: ["ALL"]) and add back only those the process needs.`);
        }

        const opts = readItems(() => args.props.securityOpts);
        if (opts === UNKNOWN || opts?.includes(UNKNOWN)) reportUnknown(report, "securityOpts");
        else if (!known(opts ?? []).some((o) => /^no-new-privileges([:=]true)?$/i.test(o.trim()))) {
            report(`securityOpts is ${show(opts)}; add "no-new-privileges:true" so setuid binaries cannot raise privileges.`);
        }
    },
);
