// Worker threads start here: register tsx so the TypeScript worker (and the user's scenario
// file) load directly, then run the worker.
import { register } from "tsx/esm/api";

register();
await import("./worker-main.ts");
