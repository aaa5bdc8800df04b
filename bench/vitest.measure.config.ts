import { defineConfig } from "vitest/config";

// Measurements that reuse the test helpers (podman, stand-ins, proxy): run with
//   npx vitest run --config bench/vitest.measure.config.ts
// They print their table; nothing in them fails on a time.
export default defineConfig({
  test: {
    include: ["bench/**/*.measure.ts"],
    testTimeout: 7_200_000,
    hookTimeout: 3_600_000,
    pool: "forks",
    fileParallelism: false,
  },
});
