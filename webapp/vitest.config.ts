// Unit tests of src/lib run without the SvelteKit plugin (which validates the app's environment at start).
import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { $lib: fileURLToPath(new URL("./src/lib", import.meta.url)) } },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
