import { join } from "node:path";

/** Where `npm start` keeps the embedded index and where `npm run audit` looks for it by default. */
export const DEFAULT_INDEX_DB = join(import.meta.dirname, "..", "..", ".mesi", "indexer.sqlite");
