import { Document } from "yaml";

/**
 * YAML text for a config file read by a Go program (Prometheus, Alertmanager, Grafana, the
 * exporters). Go's yaml.v2 follows YAML 1.1, where `on`, `yes` and `0x10` are not strings, so the
 * document is written under 1.1 rules: such strings come out quoted. Lines are never folded, so
 * a PromQL expression stays on one line. `header` lines become `#` comments at the top.
 */
export function toYaml(value: unknown, header: string[] = []): string {
    const doc = new Document(value, { version: "1.1", aliasDuplicateObjects: false });
    if (header.length > 0) doc.commentBefore = header.map((line) => ` ${line}`).join("\n");
    return doc.toString({ lineWidth: 0 });
}

/** The header every rendered monitoring file starts with. */
export const renderedBy = (what: string): string[] => [`${what}, rendered by Slipway.`, "Edit the Pulumi program, not this file: the next `pulumi up` overwrites it."];
