import { defineConfig } from "vitest/config";

/**
 * `npm run test:live`: tier 3 (every rendered file checked by the tool that consumes it) and
 * tier 4 (the Docker payload run for real on 127.0.0.1 with Debian's servers). Files run one at
 * a time: they start servers, and timing-sensitive drills must not share two cores with others.
 */
export default defineConfig({
    test: {
        include: ["tests/tools/**/*.test.ts", "tests/live/**/*.test.ts"],
        pool: "forks",
        fileParallelism: false,
        testTimeout: 180_000,
        hookTimeout: 180_000,
    },
});
