import { type Maybe, UNKNOWN, read } from "../kit";

/**
 * Reads a list through the unknown-checking proxy element by element: a whole list can be
 * unknown at preview, and so can each element (`[sshKey.id]` is a known one-element list whose
 * element is unknown). `undefined` when the property is absent.
 */
export function readItems(get: () => unknown): Maybe<Maybe<unknown>[] | undefined> {
    const list = read(get);
    if (list === UNKNOWN) return UNKNOWN;
    if (list === undefined || list === null) return undefined;
    if (!Array.isArray(list)) return [list];
    return Array.from({ length: list.length }, (_, i) => read(() => (list as unknown[])[i]));
}

/**
 * Values that are computed from other resources in normal use (an id, a digest of an image
 * built by the same program, a string interpolated with a generated key or password). They are
 * unknown on a preview that creates those resources and known when the resource is registered
 * during `pulumi up`, where the same rule runs again on the real value and a mandatory violation
 * stops the update before the resource is created. Reporting them as violations would block
 * every first preview, so a rule checks everything that is known, then calls `raise()`: re-reading
 * the first deferred value through the proxy throws the SDK's own `UnknownValueError`, which the
 * policy server reports as an advisory "can't run policy … during preview" (visible, not a pass).
 * Flags and literals that are never computed in practice use `reportUnknown` instead.
 */
export class Deferred {
    private readonly gets: Array<() => unknown> = [];

    add(get: () => unknown): void {
        this.gets.push(get);
    }

    /** Call last, after every known value was checked. */
    raise(): void {
        for (const get of this.gets) get();
    }
}

/** A short JSON rendering of a value for messages (never used on secret-bearing values). */
export const show = (v: unknown): string => (v === undefined ? "unset" : JSON.stringify(v));
