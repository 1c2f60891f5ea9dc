import { type SlipwayRule, UNKNOWN, read, reportUnknown, resourceRule, types } from "../kit";
import { shown } from "./support";

/** Plain HTTP only ever answers with a redirect to HTTPS: no content is served unencrypted. */
export const albHttpRedirectOnly: SlipwayRule = resourceRule(
    {
        name: "alb-http-redirect-only",
        group: "aws",
        description: "An HTTP load balancer listener must have exactly one default action: a redirect to HTTPS.",
        sources: ["FSBP ELB.1"],
        remediation:
            'Set the HTTP listener\'s defaultActions to [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] and serve content from an HTTPS listener.',
        level: "mandatory",
    },
    types.lbListener,
    (args, report) => {
        const protocol = read(() => args.props.protocol);
        if (protocol === UNKNOWN) return reportUnknown(report, "protocol");
        if (protocol === undefined || protocol === null) {
            // Gateway load balancer listeners have neither protocol nor port; ALB listeners
            // without a protocol default to HTTP.
            const port = read(() => args.props.port);
            if (port === undefined || port === null) return;
        } else if (String(protocol).toUpperCase() !== "HTTP") return;

        const actions = read(() => args.props.defaultActions);
        if (actions === UNKNOWN) return reportUnknown(report, "defaultActions");
        const list: unknown[] = Array.isArray(actions) ? actions : [];
        if (list.length !== 1) {
            return report(`defaultActions has ${list.length} actions; an HTTP listener must have exactly one, a redirect to HTTPS.`);
        }
        const type = read(() => args.props.defaultActions[0].type);
        if (type === UNKNOWN) return reportUnknown(report, "defaultActions[0].type");
        if (type !== "redirect") return report(`defaultActions[0].type is ${shown(type)}; an HTTP listener must only redirect to HTTPS.`);
        const target = read(() => args.props.defaultActions[0].redirect?.protocol);
        if (target === UNKNOWN) return reportUnknown(report, "defaultActions[0].redirect.protocol");
        // An unset redirect protocol keeps the request's own (#{protocol}), i.e. HTTP.
        if (String(target ?? "").toUpperCase() !== "HTTPS") {
            report(`defaultActions[0].redirect.protocol is ${shown(target)}; the redirect must go to "HTTPS".`);
        }
    },
);
