// plan loads the MueJam API through a computed specifier with a shape of its own
// (src/cli/muejam-backend.ts): the type check of this file keeps that shape equal to the real
// module's, and the test that it loads.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as backend from "@muejam/backend";
import { loadMuejamBackend, type MuejamBackend } from "../../src/cli/muejam-backend.js";

export const matches: MuejamBackend = backend;

test("loadMuejamBackend loads the repository's MueJam API", async () => {
  const loaded = await loadMuejamBackend();
  assert.equal(typeof loaded.startPlatform, "function");
  assert.equal(typeof loaded.mintTokens, "function");
  assert.equal(loaded.APP_VERSION, backend.APP_VERSION);
});
