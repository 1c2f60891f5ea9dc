import { expect } from "vitest";
import { ComponentArgError } from "../../components/shared/errors";

/** What a bad-argument assertion checks: the key, the value given, and (part of) what is allowed. */
export interface ExpectedArgError {
    key: string;
    /** The value as given; omit to leave it unchecked (e.g. a derived value). */
    value?: unknown;
    /** Matched against `allowed`, the "expected …" part of the sentence. */
    allowed?: RegExp | string;
    /** The component kind and name, when a constructor claimed the error. */
    component?: string;
    resourceName?: string;
}

/**
 * Runs `fn`, requires it to throw a ComponentArgError (not just any error), checks the named
 * facts and returns the error for further assertions. A plain Error or no throw fails the test.
 */
export function expectArgError(fn: () => unknown, want: ExpectedArgError): ComponentArgError {
    let thrown: unknown;
    let threw = false;
    try {
        fn();
    } catch (e) {
        thrown = e;
        threw = true;
    }
    if (!threw) throw new Error(`expected a ComponentArgError for ${want.key}, but nothing was thrown`);
    if (!(thrown instanceof ComponentArgError)) {
        throw new Error(`expected a ComponentArgError for ${want.key}, got ${thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown)}`);
    }
    return checkArgError(thrown, want);
}

/** The same checks for an error already caught (async or nested callers). */
export function checkArgError(e: unknown, want: ExpectedArgError): ComponentArgError {
    expect(e).toBeInstanceOf(ComponentArgError);
    const err = e as ComponentArgError;
    expect(err.key).toBe(want.key);
    if ("value" in want) expect(err.value).toEqual(want.value);
    if (want.allowed !== undefined) expect(err.allowed).toMatch(want.allowed);
    if (want.component !== undefined) expect(err.component).toBe(want.component);
    if (want.resourceName !== undefined) expect(err.resourceName).toBe(want.resourceName);
    // The sentence shape: "<where>: <key> is <value>; expected <allowed>".
    expect(err.message).toContain(`${err.configKey ?? err.key} is `);
    expect(err.message).toContain(`; expected ${err.allowed}`);
    return err;
}
