#!/usr/bin/env node
// `npx slipway plan --stack prod [--json]`, `npx slipway render --stack dev --out DIR`: the same
// scripts as `npm run plan` / `npm run render`, without npm's run-script banner. package.json's
// "bin" points here; the other files in bin/ are esbuild bundles scripts/launch.js writes (ignored).
"use strict";
const { launch, commands } = require("../scripts/launch.js");

const [command, ...args] = process.argv.slice(2);
if (!commands.includes(command)) {
    const given = command === undefined ? "no command" : `unknown command ${JSON.stringify(command)}`;
    process.stderr.write(`slipway: ${given}; expected one of ${commands.join(", ")} (usage: slipway plan --stack <name> [--json | --diagram])\n`);
    process.exit(2);
}
launch(command, args);
