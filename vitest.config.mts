import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["tests/**/*.test.ts"],
        // Pulumi's runtime state is process-global; one file per worker keeps mocks apart.
        pool: "forks",
        testTimeout: 60_000,
        hookTimeout: 60_000,
    },
});
