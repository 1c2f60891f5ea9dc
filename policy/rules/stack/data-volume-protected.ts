import { type SlipwayRule, ofTypes, stackRule, types } from "../kit";
import { label } from "./resources";

/**
 * The vps target keeps every byte of state (PostgreSQL, Redis, Prometheus, certificates) on one
 * block-storage volume. `stateful-protected` asks for protection in production only; a
 * development stack's database is still someone's work, and `pulumi destroy` on the wrong stack
 * must not take it. So the data volume is protected in every environment.
 */
export const dataVolumeProtected: SlipwayRule = stackRule(
    {
        name: "data-volume-protected",
        group: "stack",
        description: "A droplet's data volume holds the whole payload's state: it must be protected (the protect resource option) in every environment, so no `pulumi destroy` or replacement deletes it.",
        sources: ["CIS Controls v8 11.3"],
        remediation:
            "Leave the Host component's protect at its default (true). To delete the volume on purpose, back up first and run `pulumi state unprotect <volume URN>`, then destroy.",
        level: "mandatory",
    },
    (args, report) => {
        const volumes = ofTypes(args.resources, types.doVolume);
        if (volumes.length === 0) args.notApplicable("no DigitalOcean volume in this stack");
        for (const v of volumes) {
            if (v.opts?.protect !== true) report(`${label(v)} is not protected (protect: ${JSON.stringify(v.opts?.protect ?? "unset")}); a destroy would delete every byte of the payload's state.`, v.urn);
        }
    },
);
