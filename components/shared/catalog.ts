/**
 * Dated catalogs of values a cloud has (regions, instance classes, node types, sizes, images).
 * Each catalog file names the public page it was read from and the date; the stack-config
 * schema refuses a value that is not in its catalog, and the cost table prices only values
 * that are. A value the cloud added after `catalogDate` is refused until the catalog is
 * re-read: a plan that says "not in the catalog of <date>" is cheaper than an `up` that fails
 * half-way through on a typo.
 */

/**
 * When the catalogs were read: the cost table's price date (offline/cost/prices.ts reads it
 * from here), so the values the schema accepts and the values the estimate prices agree.
 */
export const catalogDate = "2025-06-01";

export interface Catalog<T extends string = string> {
    /** What the values are, as the end of "expected …": "an RDS for PostgreSQL instance class". */
    what: string;
    /** The public page the values were read from. */
    source: string;
    /** When (ISO date). */
    read: string;
    values: readonly T[];
}

/** A catalog read on `catalogDate`. */
export const catalog = <T extends string>(what: string, source: string, values: readonly T[]): Catalog<T> => ({ what, source, read: catalogDate, values });

/**
 * AWS's `<service>.<family>.<size>` names of one family, typed as literals so a price table
 * keyed by them is checked against the catalog by the compiler.
 *
 * @example familySizes("db", "t4g", ["micro", "small"]) // ["db.t4g.micro", "db.t4g.small"]
 */
export const familySizes = <P extends string, F extends string, const S extends string>(prefix: P, family: F, sizes: readonly S[]) =>
    sizes.map((s) => `${prefix}.${family}.${s}` as `${P}.${F}.${S}`);

export const inCatalog = <T extends string>(catalog: Catalog<T>, value: string): value is T => (catalog.values as readonly string[]).includes(value);

/**
 * Edit distance with adjacent transpositions counted as one edit (optimal string alignment):
 * `fra1` → `fr1a` is one slip of the fingers, not two.
 *
 * @example editDistance("db.t4g.larg", "db.t4g.large") // 1
 */
export function editDistance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}

/**
 * The catalog value closest to `value`, when it is close enough to be the one meant: one edit,
 * or one per six characters for long values. Catalog neighbours are themselves one or two
 * edits apart (`s-2vcpu-4gb`, `s-2vcpu-2gb`), so a suggestion further away is a guess, not a
 * typo. Case is ignored (`US-EAST-1` suggests `us-east-1`), and a value missing only its
 * service prefix (`t4g.medium` for `db.t4g.medium`) gets the prefixed one. Ties go to the
 * catalog's order.
 */
export function closest(value: string, candidates: readonly string[]): string | undefined {
    const v = value.toLowerCase();
    const prefixed = candidates.find((c) => c.includes(".") && c.slice(c.indexOf(".") + 1).toLowerCase() === v);
    if (prefixed !== undefined) return prefixed;
    const limit = Math.max(1, Math.floor(v.length / 6));
    let best: { value: string; distance: number } | undefined;
    for (const c of candidates) {
        const distance = editDistance(v, c.toLowerCase());
        if (distance <= limit && (best === undefined || distance < best.distance)) best = { value: c, distance };
    }
    return best?.value;
}

/** `; did you mean "db.t4g.large"?`, or nothing when no value is close. */
export function didYouMean(value: string, candidates: readonly string[]): string {
    const near = closest(value, candidates);
    return near === undefined ? "" : `; did you mean ${JSON.stringify(near)}?`;
}
