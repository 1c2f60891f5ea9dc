import { ConfigError } from "./config-errors";
import { type Target, awsRegionSchema, providerSecretKeys, secretHint } from "./config-schema";

/**
 * The provider keys of a stack file (`aws:*`, `digitalocean:*`) that Slipway answers for, in
 * the same one-line shape as the `slipway:` schema's errors.
 * - Credentials must be `secure:` values: a plain-text token in `Pulumi.<stack>.yaml` is in
 *   the repository for anyone to read. Checked whatever the target, since a leaked key is a
 *   leak even on a stack that does not use it.
 * - `aws:region` must be a region in the dated catalog (components/shared/aws-regions.ts), with
 *   a suggestion when the value is a near miss.
 */
export function checkProviderConfig(
    all: Readonly<Record<string, string>>,
    isSecret: (key: string) => boolean,
    ctx: { stackFile: string; target?: Target },
): void {
    for (const key of providerSecretKeys) {
        if (all[key] !== undefined && !isSecret(key)) {
            throw new ConfigError(`${ctx.stackFile}: ${key} is given in plain text; expected a secret: set it with \`${secretHint(key)}\``);
        }
    }
    if (ctx.target === "aws") {
        const region = all["aws:region"];
        if (region === undefined) throw new ConfigError(`${ctx.stackFile}: aws:region is missing; expected an AWS region such as us-east-1: set it with \`pulumi config set aws:region us-east-1\``);
        const parsed = awsRegionSchema.safeParse(region);
        if (!parsed.success) throw new ConfigError(`${ctx.stackFile}: aws:region is ${JSON.stringify(region)}; expected ${parsed.error.issues[0].message}`);
    }
}
