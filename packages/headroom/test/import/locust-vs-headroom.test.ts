// The proof that a converted locustfile runs the same mix: a realistic locustfile (three user
// classes 3:2:1, a TaskSet left by interrupt(), weighted tasks, on_start login, catch_response,
// names for parametrized URLs, module-level task functions) runs under Locust itself (Debian's
// python3-locust) and, converted, under headroom, against the same local server; the share of
// every request name and of every class agrees within 5 percentage points. The Locust run's --csv
// output is then imported and must hold the same totals. ~35 s (Locust 12 s, headroom 8 s).
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { memoryIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { parseCsv } from "../../src/import/locust-csv.js";
import { initHistograms } from "../../src/metrics/histogram.js";
import { readRunStore } from "../../src/store/run-store.js";
import type { RunSummary } from "../../src/core/types.js";
import { startShopServer, type ShopServer } from "./shop-server.js";

const LOCUSTFILE = new URL("./fixtures/shop_locustfile.py", import.meta.url).pathname;
const PYTHON = "/usr/bin/python3";
/** Which class sends each name (the classes' endpoints are disjoint, so Locust's per-name stats give per-class counts). */
const CLASS_OF: Record<string, string> = {
  "/login": "Shopper",
  "/products/[id]": "Shopper",
  "/search": "Shopper",
  "/cart": "Shopper",
  "/checkout": "Shopper",
  "/logout": "Shopper",
  "/catalog": "Browser",
  "/catalog/[slug]": "Browser",
  "/admin/orders": "Admin",
  "/health": "Admin",
};

function locustMissing(): string | undefined {
  try {
    execFileSync(PYTHON, ["-c", "import locust"], { stdio: "ignore" });
    return undefined;
  } catch {
    return "python3-locust is not installed (apt-get install -y python3-locust)";
  }
}
const skip = locustMissing();

let tmp: string;
let server: ShopServer;
let locustCounts: Map<string, { requests: number; failures: number; p50: number; p95: number; p99: number }>;
let prefix: string;

before(async () => {
  if (skip) return;
  await initHistograms();
  tmp = mkdtempSync(join(tmpdir(), "headroom-locust-"));
  server = await startShopServer();
  prefix = join(tmp, "locust");
  // 30 users (15/10/5), all started at once, 12 s: Locust 2.12 flushes its history every 10 s,
  // so a run past 11 s leaves a history to import as well.
  await new Promise<void>((resolve, reject) => {
    execFile(PYTHON, ["-m", "locust", "-f", LOCUSTFILE, "--headless", "-u", "30", "-r", "30", "-t", "12s", "--csv", prefix, "--csv-full-history", "-H", server.url, "--only-summary", "--loglevel", "ERROR"], { timeout: 60_000 }, (err, _out, stderr) => {
      // Locust exits 1 when any request failed (the 500s and missing orders are on purpose).
      if (err && (err as { code?: unknown }).code !== 1) reject(new Error(`locust failed: ${err.message}\n${stderr}`));
      else resolve();
    });
  });
  locustCounts = new Map(parseCsv(readFileSync(`${prefix}_stats.csv`, "utf8")).filter((r) => r.Name !== "Aggregated").map((r) => [r.Name!, { requests: Number(r["Request Count"]), failures: Number(r["Failure Count"]), p50: Number(r["50%"]), p95: Number(r["95%"]), p99: Number(r["99%"]) }]));
});
after(async () => {
  if (skip) return;
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

const shares = (counts: Map<string, number>): Map<string, number> => {
  const total = [...counts.values()].reduce((s, n) => s + n, 0);
  return new Map([...counts].map(([k, n]) => [k, n / total]));
};

test("a converted locustfile sends the same mix as Locust itself: per name and per class within 5 points", { skip }, async (t) => {
  const scenarioFile = join(tmp, "shop.scenario.ts");
  const io = memoryIo({}, tmp);
  assert.equal(await main(["import", "locust", LOCUSTFILE, "--out", scenarioFile], io), 0, io.err());
  assert.match(io.out(), /3 user class\(es\) \(Shopper weight 3, Browser weight 2, Admin weight 1\), 8 task\(s\)/);
  assert.match(io.out(), /everything converted \(no TODO\)/);
  assert.doesNotMatch(readFileSync(scenarioFile, "utf8"), /TODO/);

  // Type-checked (run's default) and run with the same users and an all-at-once start.
  const runDir = join(tmp, "headroom-run");
  const io2 = memoryIo({}, tmp);
  const code = await main(["run", scenarioFile, "--users", "30", "--spawn-rate", "30", "--duration", "8s", "--host", server.url, "--workers", "1", "--out", runDir, "--json"], io2);
  assert.equal(code, 0, io2.err());
  const summary = JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8")) as RunSummary;
  // /login and /logout are sent once per user (on_start, on_stop), not per second: each Shopper
  // (15 of the 30 users) logs in once in both; /logout comes as the test ends, after Locust's last
  // CSV write. The mix is the rest.
  assert.equal(summary.endpoints.find((e) => e.name === "/login")?.requests, 15);
  assert.equal(locustCounts.get("/login")?.requests, 15);
  const perUser = new Set(["/login", "/logout"]);
  const ours = new Map(summary.endpoints.filter((e) => !perUser.has(e.name)).map((e) => [e.name, e.requests]));
  const theirs = new Map([...locustCounts].filter(([k]) => !perUser.has(k)).map(([k, v]) => [k, v.requests]));
  assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort(), "the same request names");
  const a = shares(ours);
  const b = shares(theirs);
  const rows: string[] = [];
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const d = Math.abs((a.get(name) ?? 0) - (b.get(name) ?? 0));
    rows.push(`${name}: headroom ${((a.get(name) ?? 0) * 100).toFixed(1)} %, locust ${((b.get(name) ?? 0) * 100).toFixed(1)} %`);
    assert.ok(d <= 0.05, `share of ${name} differs by ${(d * 100).toFixed(1)} points:\n${rows.join("\n")}`);
  }
  t.diagnostic(rows.join("; "));
  const byClass = (m: Map<string, number>): Map<string, number> => {
    const out = new Map<string, number>();
    for (const [k, n] of m) out.set(CLASS_OF[k]!, (out.get(CLASS_OF[k]!) ?? 0) + n);
    return out;
  };
  const ca = shares(byClass(ours));
  const cb = shares(byClass(theirs));
  t.diagnostic(`requests: headroom ${[...ours.values()].reduce((x, y) => x + y, 0)}, locust ${[...theirs.values()].reduce((x, y) => x + y, 0)}; classes: ${["Shopper", "Browser", "Admin"].map((c) => `${c} ${(ca.get(c)! * 100).toFixed(1)} % vs ${(cb.get(c)! * 100).toFixed(1)} %`).join(", ")}`);
  for (const cls of ["Shopper", "Browser", "Admin"]) {
    assert.ok(Math.abs(ca.get(cls)! - cb.get(cls)!) <= 0.05, `class ${cls}: headroom ${ca.get(cls)}, locust ${cb.get(cls)}\n${rows.join("\n")}`);
    // headroom's own per-class count agrees with the per-name one.
    const extra = cls === "Shopper" ? summary.endpoints.filter((e) => perUser.has(e.name)).reduce((n, e) => n + e.requests, 0) : 0;
    assert.equal(summary.classes[cls]?.requests, byClass(ours).get(cls)! + extra, cls);
  }
  // catch_response: the cart's 500s and the orders without "orders" fail in both; 409s do not.
  for (const name of ["/cart", "/admin/orders"]) {
    assert.ok((summary.endpoints.find((e) => e.name === name)?.failed ?? 0) > 0, `${name} failures under headroom`);
    assert.ok(locustCounts.get(name)!.failures > 0, `${name} failures under Locust`);
  }
  assert.equal(summary.endpoints.find((e) => e.name === "/catalog/[slug]")?.failed, 0);
});

test("Locust's --csv output of that run imports as a run directory with its totals; analyze and compare read it", { skip }, async () => {
  const out = join(tmp, "imported");
  const io = memoryIo({}, tmp);
  assert.equal(await main(["import", "locust-csv", prefix, "--out", out], io), 0, io.err());
  assert.match(io.out(), /latency histograms are rebuilt from Locust's percentiles/);
  const run = readRunStore(out);
  assert.equal(run.manifest.source, "locust");
  assert.ok(run.manifest.notes?.some((n) => /no status codes/.test(n)));
  // Every request of the stats file is in the interval lines, per name.
  for (const [name, c] of locustCounts) {
    const requests = run.intervals.reduce((s, l) => s + (l.endpoints[name]?.requests ?? 0), 0);
    const failed = run.intervals.reduce((s, l) => s + (l.endpoints[name]?.failed ?? 0), 0);
    assert.equal(requests, c.requests, name);
    assert.equal(failed, c.failures, name);
  }
  // Each name's merged histogram reads Locust's own whole-run percentiles back (HDR: 3 digits; 0 ms is 1 µs).
  const summary = run.summary!;
  for (const [name, c] of locustCounts) {
    const e = summary.endpoints.find((x) => x.name === name)!;
    for (const p of ["p50", "p95", "p99"] as const) assert.ok(Math.abs(e.latencyMs[p] - c[p]) <= Math.max(0.002, c[p] * 0.005), `${name} ${p}: imported ${e.latencyMs[p]}, locust ${c[p]}`);
  }
  // --csv-full-history gave per-second rows: the run spans about Locust's 12 s, not one second.
  assert.ok(run.intervals.length >= 10 && run.intervals.length <= 14, `${run.intervals.length} seconds`);
  assert.equal(Math.max(...run.intervals.map((l) => l.users)), 30);
  // The cart's failures are classed from Locust's messages (CatchResponseError: a check).
  assert.ok(run.intervals.some((l) => (l.endpoints["/cart"]?.errors.check ?? 0) > 0));
  const io2 = memoryIo({}, tmp);
  await main(["analyze", out], io2);
  assert.match(io2.out(), /\/products\/\[id\]/);
  const io3 = memoryIo({}, tmp);
  await main(["compare", out, join(tmp, "headroom-run")], io3);
  assert.match(io3.out() + io3.err(), /\/catalog\/\[slug\]/);
});
