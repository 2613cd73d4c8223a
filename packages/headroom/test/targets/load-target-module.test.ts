// headroom plan finds its default platform, the MueJam API, through the adapter module that lives
// with the backend (apps/backend/src/headroom-target.ts), loaded by file path: this test checks
// that seam against the real module (the type check of `matches` keeps its export equal to what
// headroom expects), and the clear errors for a module that is no adapter.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createTarget } from "../../../../apps/backend/src/headroom-target.js";
import { EXIT, HeadroomError } from "../../src/core/errors.js";
import { DEFAULT_TARGET_MODULE, loadTargetModule } from "../../src/targets/load-target-module.js";
import type { CreateTarget, TargetOptions } from "../../src/targets/types.js";

export const matches: CreateTarget = createTarget;

const OPTIONS: TargetOptions = { instances: 1, env: {}, dataset: { users: 10, stories: 10 }, lab: false, faults: [], keepTokens: false };

test("the default adapter is the MueJam API's, loaded by path, and makes a Target (nothing started)", async () => {
  assert.match(DEFAULT_TARGET_MODULE, /apps\/backend\/src\/headroom-target\.ts$/);
  const create = await loadTargetModule(undefined, process.cwd());
  const target = create(OPTIONS);
  assert.equal(target.name, "the MueJam API");
  assert.equal(typeof target.start, "function");
});

async function refused(path: string, message: RegExp): Promise<void> {
  await assert.rejects(
    async () => (await loadTargetModule(path, new URL(".", import.meta.url).pathname))(OPTIONS),
    (e: unknown) => {
      assert.ok(e instanceof HeadroomError, String(e));
      assert.equal(e.code, "HR_TARGET_MODULE");
      assert.equal(e.exitCode, EXIT.CONFIG);
      assert.match(e.message, message);
      assert.match(e.hint, /createTarget/);
      return true;
    },
  );
}

test("a module that is missing, exports no createTarget, or makes no Target is refused with HR_TARGET_MODULE naming it", async () => {
  await refused("fixtures/nowhere.ts", /--platform "fixtures\/nowhere\.ts" does not exist/);
  await refused("fixtures/no-create-target.ts", /--platform "fixtures\/no-create-target\.ts" does not export createTarget \(found exports: name\)/);
  await refused("fixtures/not-a-target.ts", /createTarget returned an object with url, not a Target/);
});
