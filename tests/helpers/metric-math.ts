/**
 * A small evaluator for the CloudWatch metric-math the alarms use, one datapoint at a time:
 * numbers, metric ids, + - * /, comparisons, AND/OR, parentheses, IF(c, a, b) and FILL(m, v).
 * A missing datapoint is `undefined`; as in CloudWatch, arithmetic on it is missing too, and
 * FILL replaces it. It lets a test ask what an alarm reads for a given minute, rather than
 * compare the expression text.
 */
type Value = number | undefined;

export function evalMetricMath(expression: string, datapoints: Record<string, Value>): Value {
    const tokens = expression.match(/\d+(?:\.\d+)?|[A-Za-z_]\w*|>=|<=|==|!=|&&|\|\||[-+*/(),<>]/g) ?? [];
    let i = 0;
    const peek = () => tokens[i];
    const take = (expected?: string) => {
        const t = tokens[i++];
        if (expected !== undefined && t !== expected) throw new Error(`expected ${expected} at token ${i - 1} of ${expression}, got ${t}`);
        return t;
    };
    const num = (f: (a: number, b: number) => number) => (a: Value, b: Value): Value => (a === undefined || b === undefined ? undefined : f(a, b));
    const binary: Record<string, (a: Value, b: Value) => Value> = {
        "+": num((a, b) => a + b),
        "-": num((a, b) => a - b),
        "*": num((a, b) => a * b),
        "/": num((a, b) => a / b),
        ">": num((a, b) => Number(a > b)),
        "<": num((a, b) => Number(a < b)),
        ">=": num((a, b) => Number(a >= b)),
        "<=": num((a, b) => Number(a <= b)),
        "==": num((a, b) => Number(a === b)),
        "!=": num((a, b) => Number(a !== b)),
        AND: num((a, b) => Number(a !== 0 && b !== 0)),
        "&&": num((a, b) => Number(a !== 0 && b !== 0)),
        OR: num((a, b) => Number(a !== 0 || b !== 0)),
        "||": num((a, b) => Number(a !== 0 || b !== 0)),
    };
    const levels = [["OR", "||"], ["AND", "&&"], [">", "<", ">=", "<=", "==", "!="], ["+", "-"], ["*", "/"]];
    const level = (n: number): Value => {
        if (n === levels.length) return atom();
        let left = level(n + 1);
        while (peek() !== undefined && levels[n].includes(peek())) {
            const op = take();
            left = binary[op](left, level(n + 1));
        }
        return left;
    };
    const atom = (): Value => {
        const t = take();
        if (t === "(") {
            const v = level(0);
            take(")");
            return v;
        }
        if (t === "-") return binary["-"](0, atom());
        if (/^\d/.test(t)) return Number(t);
        if (t === "IF" || t === "FILL") {
            take("(");
            const args = [level(0)];
            while (peek() === ",") {
                take(",");
                args.push(level(0));
            }
            take(")");
            if (t === "FILL") return args[0] ?? args[1];
            if (args[0] === undefined) return undefined;
            return args[0] !== 0 ? args[1] : args[2];
        }
        if (!(t in datapoints)) throw new Error(`unknown id ${t} in ${expression}`);
        return datapoints[t];
    };
    const v = level(0);
    if (i !== tokens.length) throw new Error(`unparsed tail of ${expression}: ${tokens.slice(i).join(" ")}`);
    return v;
}
