// Builds the webapp (vite build, adapter-node) unless the build on disk came from the same sources.
// Usage: node --import tsx scripts/build-webapp.ts
import { buildWebapp } from "./lib/webapp.ts";

await buildWebapp((message) => console.log(`[webapp] ${message}`));
