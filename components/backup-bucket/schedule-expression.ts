import { argError, ComponentArgError } from "../shared/errors";
/**
 * The backup schedule, a five-field Unix cron expression in UTC, as EventBridge Scheduler's
 * six-field `cron(minutes hours day-of-month month day-of-week year)`. Pure.
 *
 * The two dialects differ where it matters: EventBridge wants exactly one of day-of-month and
 * day-of-week to be `?`, and counts weekdays 1-7 from Sunday where cron counts 0-7 (0 and 7 both
 * Sunday). Day-of-week is therefore written out as an explicit list (`1-5` becomes `2,3,4,5,6`),
 * which also keeps a range such as `5-7` from wrapping into `6-1`.
 */

/** The values a cron field (`*`, `n`, `a-b`, `*\/s`, `a-b/s` and comma lists of them) selects between `min` and `max`. */
export function expandCronField(field: string, min: number, max: number): number[] {
    const values = new Set<number>();
    for (const part of field.split(",")) {
        const m = /^(\*|\?|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
        if (!m) throw argError("field", part, "a cron field part (n, a-b, *, with an optional /step)", { where: "cron" });
        const whole = m[1] === "*" || m[1] === "?";
        const from = whole ? min : Number(m[2]);
        const to = whole ? max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? max : from;
        const step = m[4] !== undefined ? Number(m[4]) : 1;
        if (from < min || to > max || from > to || step < 1) throw argError("field", part, `an ascending range within ${min}-${max}`, { where: "cron" });
        for (let v = from; v <= to; v += step) values.add(v);
    }
    return [...values].sort((a, b) => a - b);
}

const restricted = (field: string): boolean => field !== "*";

/**
 * `17 3 * * *` → `cron(17 3 * * ? *)`. Throws a sentence naming the expression when it cannot be
 * written for EventBridge (both day fields restricted: cron ORs them, EventBridge cannot).
 */
export function eventBridgeCron(unixCron: string): string {
    const fields = unixCron.trim().split(/\s+/);
    if (fields.length !== 5) throw argError("schedule", unixCron, "five fields (minute hour day-of-month month day-of-week)");
    const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
    const check = (what: string, field: string, min: number, max: number): void => {
        try {
            expandCronField(field, min, max);
        } catch (e) {
            if (e instanceof ComponentArgError) throw argError("schedule", unixCron, `a cron expression whose ${what} field is ${e.allowed} (not ${JSON.stringify(e.value)})`);
            throw e;
        }
    };
    check("minute", minute, 0, 59);
    check("hour", hour, 0, 23);
    check("day-of-month", dayOfMonth, 1, 31);
    check("month", month, 1, 12);
    check("day-of-week", dayOfWeek, 0, 7);
    if (restricted(dayOfMonth) && restricted(dayOfWeek)) {
        throw argError("schedule", unixCron, `a day of the month or a day of the week, not both (EventBridge Scheduler cannot express both): keep one of them "*"`);
    }
    const weekdays = restricted(dayOfWeek) ? [...new Set(expandCronField(dayOfWeek, 0, 7).map((d) => (d % 7) + 1))].sort((a, b) => a - b).join(",") : "?";
    return `cron(${minute} ${hour} ${restricted(dayOfWeek) ? "?" : dayOfMonth} ${month} ${weekdays} *)`;
}

/** Average days in a month (365.25 / 12), for runs per month. */
const DAYS_PER_MONTH = 30.4375;

/**
 * How many times a month an EventBridge `cron(…)` expression fires on average, or undefined
 * for a form this does not count (`rate(…)`, `at(…)`, `L`, `W`, `#`, names).
 */
export function cronRunsPerMonth(expression: string): number | undefined {
    const m = /^cron\((.+)\)$/.exec(expression.trim());
    if (!m) return undefined;
    const fields = m[1].trim().split(/\s+/);
    if (fields.length !== 6) return undefined;
    const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields;
    try {
        if (year !== "*") return undefined;
        const perDay = expandCronField(minute, 0, 59).length * expandCronField(hour, 0, 23).length;
        const monthShare = expandCronField(month, 1, 12).length / 12;
        const days =
            dayOfWeek !== "?" && dayOfWeek !== "*"
                ? (expandCronField(dayOfWeek, 1, 7).length * DAYS_PER_MONTH) / 7
                : dayOfMonth !== "?" && dayOfMonth !== "*"
                  ? expandCronField(dayOfMonth, 1, 31).length
                  : DAYS_PER_MONTH;
        return perDay * days * monthShare;
    } catch {
        return undefined;
    }
}
