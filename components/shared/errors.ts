import * as pulumi from "@pulumi/pulumi";
import { componentToken } from "./component";

/**
 * The one error for a bad component argument. It extends `pulumi.RunError`, so `pulumi up`
 * prints its message as one line without a stack trace, and it has one sentence shape, the
 * config errors' (stacks/config-errors.ts):
 *
 *     slipway:components:Database db: storageGb is 10; expected a whole number of GB from 20 to 65536
 *
 * When the running program says which stack-config key feeds an argument (`setArgKeyResolver`,
 * installed by stacks/read-config.ts), the message names that key and the stack file instead:
 *
 *     Pulumi.prod.yaml: slipway:database.storageGb is 10; expected a whole number of GB from 20 to 65536
 *
 * Pure helpers (renderers, normalizers) throw it without a component; the component's
 * constructor adds its type and name (`withComponent`), so the same check reads the same
 * wherever it is called from.
 */
export class ComponentArgError extends pulumi.RunError {
    /** The component kind (`Database`), or a helper's label (`postgresql.conf`) until a component claims it. */
    public readonly component?: string;
    /** The component's logical name (`db`). */
    public readonly resourceName?: string;
    /** The argument's path in the component's args, e.g. `publish.http`. */
    public readonly key: string;
    /** The value given (never shown when `secret`). */
    public readonly value: unknown;
    /** What is allowed, as the end of "expected …". */
    public readonly allowed: string;
    public readonly secret: boolean;
    /** The stack-config key the message names, when the program mapped the argument to one. */
    public readonly configKey?: string;

    constructor(p: ArgProblem & { component?: string; resourceName?: string }) {
        const mapped = p.component !== undefined ? resolver?.(p.component, p.key) : undefined;
        super(mapped ? lineFor(mapped.stackFile, mapped.key, p) : lineFor(where(p.component, p.resourceName), p.key, p));
        this.name = "ComponentArgError";
        this.component = p.component;
        this.resourceName = p.resourceName;
        this.key = p.key;
        this.value = p.value;
        this.allowed = p.allowed;
        this.secret = p.secret ?? false;
        this.configKey = mapped?.key;
    }

    /** The same problem, claimed by a component (a helper's label is replaced). */
    public within(component: string, resourceName: string): ComponentArgError {
        if (this.resourceName !== undefined) return this;
        return new ComponentArgError({ ...this.problem(), component, resourceName });
    }

    private problem(): ArgProblem {
        return { key: this.key, value: this.value, allowed: this.allowed, secret: this.secret };
    }
}

export interface ArgProblem {
    key: string;
    value: unknown;
    allowed: string;
    /** A credential: the message says so instead of showing it. */
    secret?: boolean;
}

/**
 * `throw argError("storageGb", 10, "a whole number of GB from 20 to 65536")`. `where` labels
 * a pure helper's errors (`postgresql.conf`) until a component claims them.
 */
export function argError(key: string, value: unknown, allowed: string, opts: { secret?: boolean; where?: string } = {}): ComponentArgError {
    return new ComponentArgError({ key, value, allowed, secret: opts.secret, component: opts.where });
}

/**
 * Runs a component's validation with its type and name attached to any `ComponentArgError`.
 * Constructors call it before `super(...)`, so a bad argument registers nothing.
 */
export function withComponent<T>(component: string, resourceName: string, validate: () => T): T {
    try {
        return validate();
    } catch (e) {
        if (e instanceof ComponentArgError) throw e.within(component, resourceName);
        throw e;
    }
}

/** How a value is shown in a message: short JSON, and never a secret's content. */
export function showValue(value: unknown, secret = false): string {
    if (value === undefined) return "missing";
    if (secret) return "[secret]";
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function where(component: string | undefined, resourceName: string | undefined): string | undefined {
    if (component === undefined) return undefined;
    if (resourceName === undefined) return component;
    return `${componentToken(component)} ${resourceName}`;
}

function lineFor(prefix: string | undefined, key: string, p: ArgProblem): string {
    const shown = showValue(p.value, p.secret);
    const body = `${key} ${shown === "missing" ? "is missing" : `is ${shown}`}; expected ${p.allowed}`;
    return prefix === undefined ? body : `${prefix}: ${body}`;
}

/** Maps (component kind, argument key) to the stack-config key a user sets, or undefined. */
export type ArgKeyResolver = (component: string, key: string) => { stackFile: string; key: string } | undefined;

let resolver: ArgKeyResolver | undefined;

/**
 * Installed by the program once the stack config is read: from then on, component errors name
 * the stack file and the config key (also when they are thrown later, inside an `apply`).
 * Components stay unaware of config; only the program knows which key feeds which argument.
 */
export function setArgKeyResolver(r: ArgKeyResolver | undefined): void {
    resolver = r;
}

/**
 * A problem outside the program's arguments: the machine running Pulumi lacks something the
 * deploy needs (an installed package, a readable build context), or a host answered in a way
 * Slipway cannot read. Like `ComponentArgError` it is a `pulumi.RunError`, so `pulumi up`
 * prints the one sentence (which says what to do) without a stack trace; it names no argument
 * because no argument would fix it.
 */
export class EnvironmentError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "EnvironmentError";
    }
}
