import { defineConfig } from "vitest/config";

// The service tests start their own anvil; two files at a time fits two cores.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: true,
    maxWorkers: 2,
    pool: "forks",
  },
});
