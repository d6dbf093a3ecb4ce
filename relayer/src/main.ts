// The relayer's production entry point (`npm start`, the `mesi-relayer` bin): see process.ts.
import { runRelayerProcess } from "./process.ts";

await runRelayerProcess();
