import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["tests/**/*.test.ts"],
        // Tiers 3 and 4 (real tools, real servers on loopback) run under `npm run test:live`, tier 5
        // (a real Docker daemon) under `npm run test:docker`.
        exclude: ["tests/tools/**", "tests/live/**", "tests/docker/**", "**/node_modules/**"],
        // Pulumi's runtime state is process-global; one file per worker keeps mocks apart.
        pool: "forks",
        testTimeout: 60_000,
        hookTimeout: 60_000,
    },
});
