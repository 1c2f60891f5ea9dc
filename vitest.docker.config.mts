import { defineConfig } from "vitest/config";

/**
 * Tier 5: the plan graph applied to a real Docker daemon the tests start (tests/docker/harness/
 * daemon.ts) with stand-in images built from Debian packages (tests/docker/harness/standins.ts).
 * Root only. Files run one at a time: they share one daemon directory and two cores. Hooks get
 * 20 minutes: a cold build runs mmdebstrap (about 2-4 minutes) before the first test.
 */
export default defineConfig({
    test: {
        include: ["tests/docker/**/*.test.ts"],
        pool: "forks",
        fileParallelism: false,
        testTimeout: 600_000,
        hookTimeout: 1_200_000,
    },
});
