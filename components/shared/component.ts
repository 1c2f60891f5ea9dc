import * as pulumi from "@pulumi/pulumi";

/** The type token prefix every Slipway component registers under. */
export const componentToken = (kind: string): string => `slipway:components:${kind}`;

/**
 * Base for every Slipway component: fixes the type token and gives children a name prefixed
 * by the component's own (`${name}-${suffix}`) and `{ parent: this }`, so no child can forget
 * either. Names passed to `childName` are part of each child's URN: changing one replaces the
 * resource, so treat them as stable identifiers.
 */
export abstract class SlipwayComponent extends pulumi.ComponentResource {
    /** The logical name this component was created with. */
    public readonly baseName: string;

    protected constructor(kind: string, name: string, opts?: pulumi.ComponentResourceOptions) {
        super(componentToken(kind), name, {}, opts);
        this.baseName = name;
    }

    /** The logical name of a child: always prefixed by the component's name. */
    protected childName(suffix: string): string {
        return `${this.baseName}-${suffix}`;
    }

    /** Resource options for a child: parented to this component, plus any extras. */
    protected childOpts(extra?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
        return { ...extra, parent: this };
    }
}
