// Runs a TypeScript script of ours fast: esbuild bundles it (our code only; packages stay
// external) into bin/, then it runs in this process. `tsx` would work too, but its loader
// and source-mapped stack traces add seconds to every plan (see tests/bench/plan-time.ts).
// usage: node scripts/launch.js <script-name> [args...]   (scripts/<script-name>.ts)
"use strict";
const { buildSync } = require("esbuild");
const path = require("node:path");

// The SDK's closure serializer loads the TypeScript compiler (~0.3 s) at startup; a plan never
// serializes a function, so hand it a stand-in that loads the real module on first use.
const Module = require("node:module");
const load = Module._load;
Module._load = function (request, parent, isMain) {
    if (/typescript-shim$/.test(request) && parent && /@pulumi[\\/]pulumi/.test(parent.filename)) {
        let real;
        const get = () => (real ??= load.call(this, request, parent, isMain));
        return new Proxy(
            {},
            {
                // Answered without loading, so `__importStar` passes the stand-in through as is.
                get: (_, key) => (key === "__esModule" ? true : get()[key]),
                has: (_, key) => key in get(),
                ownKeys: () => Reflect.ownKeys(get()),
                getOwnPropertyDescriptor: (_, key) => Object.getOwnPropertyDescriptor(get(), key),
            },
        );
    }
    return load.apply(this, arguments);
};

const root = path.resolve(__dirname, "..");
/** The scripts a user runs by name (`npm run <name>`, `npx slipway <name>`). */
const commands = ["plan", "render"];

/** Bundles scripts/<name>.ts into bin/<name>.js and runs it in this process with `args`. */
function launch(name, args) {
    if (!name || !/^[\w-]+$/.test(name)) {
        process.stderr.write("usage: node scripts/launch.js <script-name> [args...]\n");
        process.exit(2);
    }
    // bin/<name>.js, not a deeper folder: the bundled code finds the project root as `__dirname/..`.
    const outfile = path.join(root, "bin", `${name}.js`);
    buildSync({
        entryPoints: [path.join(root, "scripts", `${name}.ts`)],
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        packages: "external",
        outfile,
        logLevel: "warning",
    });
    process.argv = [process.argv[0], outfile, ...args];
    require(outfile);
}

module.exports = { launch, commands };

if (require.main === module) {
    const [name, ...args] = process.argv.slice(2);
    launch(name, args);
}
