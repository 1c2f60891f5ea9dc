/**
 * The expected text of an alert annotation, for the `promtool test rules` file: expands the
 * few Go-template forms the Slipway rules use, the way Prometheus would. Anything else in
 * `{{ }}` is refused, so a rule cannot start using a form the tests would mis-predict.
 *
 * Supported: `{{ $labels.<name> }}` (the label must exist) and `{{ $value | printf "%.<n>f" }}`.
 * Callers choose values with at most `n` decimals, so rounding (Go rounds halves to even, JS
 * `toFixed` away from zero) never decides the outcome.
 */
export function expandAnnotation(template: string, labels: Record<string, string>, value?: number): string {
    return template.replace(/\{\{(.*?)\}\}/g, (whole, inner: string) => {
        const label = /^ \$labels\.([A-Za-z_][A-Za-z0-9_]*) $/.exec(inner);
        if (label) {
            const v = labels[label[1]];
            // The templates and test cases are ours (alert-rules.ts): a mismatch is our bug, not input.
            if (v === undefined) throw new Error(`Internal: annotation ${JSON.stringify(template)} reads label ${label[1]}, which the alert does not have.`);
            return v;
        }
        const printf = /^ \$value \| printf "%\.(\d)f" $/.exec(inner);
        if (printf) {
            if (value === undefined) throw new Error(`Internal: annotation ${JSON.stringify(template)} prints $value; the test case must give it.`);
            return value.toFixed(Number(printf[1]));
        }
        throw new Error(`Internal: annotation template form ${whole} is not supported by expandAnnotation.`);
    });
}
