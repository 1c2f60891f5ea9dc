// The pack users run with `pulumi preview --policy-pack policy`. Only assembly lives here:
// constructing a PolicyPack starts the policy server, so tests import policy/rules instead.
import { PolicyPack } from "@pulumi/policy";
import { allRules } from "./rules";

new PolicyPack("slipway", {
    policies: allRules.map((r) => r.policy),
});
