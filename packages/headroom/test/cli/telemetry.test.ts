// headroom telemetry's exit code: a source that never answered is exit 4 naming it and its last
// error; a source with gaps but some samples is a warning, exit 0.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { EXIT } from "../../src/core/errors.js";

const scratch = mkdtempSync(join(tmpdir(), "headroom-telemetry-exit-"));
let server: Server;
let port = 0;
let scrapes = 0;
before(async () => {
  // The first scrape fails (a restart), every later one answers.
  server = createServer((_q, s) => {
    if (scrapes++ === 0) {
      s.statusCode = 503;
      return void s.end("starting\n");
    }
    s.end("# TYPE up gauge\nup 1\n");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(scratch, { recursive: true, force: true });
});

test("a source with gaps but samples: a warning naming it, exit 0", async () => {
  const io = memoryIo();
  const code = await main(["telemetry", "--prometheus", `http://127.0.0.1:${port}/metrics`, "--no-host", "--duration", "1s", "--interval", "200ms", "--out", join(scratch, "gaps")], io);
  assert.equal(code, EXIT.OK, io.err());
  assert.match(io.err(), /^warning: prometheus: 1 of \d+ samples failed \(last error: .*503.*\); the table and the run store have the others$/m);
  assert.doesNotMatch(io.err(), /error\[/);
});

test("a source that never answered: exit 4 naming it and its last error, also with --json", async () => {
  const io = memoryIo();
  const code = await main(["telemetry", "--pid", "4194000", "--duration", "1s", "--interval", "250ms", "--out", join(scratch, "dead"), "--json"], io);
  assert.equal(code, EXIT.UNREACHABLE, io.err());
  assert.match(io.err(), /^error\[HR_TARGET_UNREACHABLE\]: no successful sample from process \(\d+ tried, last error: process 4194000 is not running\)\n {2}hint: check that the source is up and its URL, port or pid is right/m);
  // The host answered: the summary is still printed for the sources that did.
  const json = JSON.parse(io.out()) as { sources: { source: string; ok: number }[] };
  assert.ok(json.sources.some((s) => s.source === "host" && s.ok > 0), io.out());
});
