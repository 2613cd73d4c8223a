// Opens report.html in headless Chromium: every chart must have drawn its data, nothing may try
// the network, and no console error may occur. Saves screenshots under test-results/ to look at.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { after, before, test } from "node:test";
import { chromium, type Browser } from "playwright-core";
import { initHistograms } from "../../src/metrics/histogram.js";
import { renderHtmlReport } from "../../src/report/html/html-report.js";
import { buildRunReportModel } from "../../src/jobs/run-report-model.js";
import { summaryOf } from "../../src/analysis/run-figures.js";
import { readRunStore } from "../../src/store/run-store.js";
import { fixtureAnalysis, fixtureCapacity } from "./fixture-analysis.js";
import { writeFixtureRun } from "./fixture-run.js";
import { fixturePlanModel } from "./fixture-plan.js";
import { renderPlanHtmlReport } from "../../src/report/html/plan-html-report.js";

const CHROMIUM = "/usr/bin/chromium";
const RESULTS = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../test-results");
let dir: string;
let browser: Browser | undefined;

before(async () => {
  await initHistograms();
  dir = mkdtempSync(join(tmpdir(), "headroom-browser-"));
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("report.html renders every chart with data in Chromium, without console errors or network", { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed`, timeout: 90_000 }, async () => {
  const store = readRunStore(writeFixtureRun(join(dir, "run"), { seed: 11 }));
  const { summary } = summaryOf(store);
  const html = renderHtmlReport(await buildRunReportModel(store, { analysis: fixtureAnalysis(store, summary), capacity: fixtureCapacity() }));
  const file = join(dir, "report.html");
  writeFileSync(file, html);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] });
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });

  const found = await page.$$eval("figure.chart", (figs) =>
    figs.map((f) => {
      const svg = f.querySelector("svg.chart-svg");
      const box = svg?.getBoundingClientRect();
      const paths = [...f.querySelectorAll("path.series")].map((p) => (p.getAttribute("d") ?? "").match(/[ML]/g)?.length ?? 0);
      return { id: f.id, width: box?.width ?? 0, height: box?.height ?? 0, maxPathPoints: Math.max(0, ...paths), circles: f.querySelectorAll("circle").length, legend: f.querySelectorAll("ul.legend li").length, ticks: f.querySelectorAll("text.tick").length };
    }),
  );
  assert.ok(found.length >= 13, `only ${found.length} charts`);
  for (const c of found) {
    assert.ok(c.width > 300 && c.height > 100, `${c.id} is ${c.width}x${c.height}`);
    assert.ok(c.maxPathPoints >= 20 || c.circles >= 20, `${c.id}: longest path ${c.maxPathPoints} points, ${c.circles} circles`);
    assert.ok(c.legend >= 1 && c.ticks >= 4, `${c.id}: legend ${c.legend}, ticks ${c.ticks}`);
  }
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(requests.filter((u) => !u.startsWith("file:")), []);

  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, "report.png"), fullPage: true });
  await page.emulateMedia({ media: "print" });
  await page.screenshot({ path: join(RESULTS, "report-print.png"), fullPage: true });

  // The plan's page: the suite's curve, degradation and the autoscaling replay.
  const plan = await fixturePlanModel(join(dir, "plan"), { only: ["baseline", "peak", "sustained"] });
  const planFile = join(dir, "plan", "report.html");
  writeFileSync(planFile, renderPlanHtmlReport(plan));
  await page.emulateMedia({ media: "screen" });
  await page.goto(pathToFileURL(planFile).href, { waitUntil: "load" });
  const planCharts = await page.$$eval("figure.chart", (figs) => figs.map((f) => ({ id: f.id, points: Number(f.querySelector("svg")?.getAttribute("data-points") ?? 0), paths: f.querySelectorAll("path.series").length, circles: f.querySelectorAll("circle").length })));
  assert.deepEqual(planCharts.map((c) => c.id).sort(), ["chart-autoscale", "chart-degradation", "chart-suite-curve"]);
  assert.ok(planCharts.find((c) => c.id === "chart-autoscale")!.points >= 3 * 1440, "the replay draws every minute of the day");
  assert.ok(planCharts.find((c) => c.id === "chart-suite-curve")!.circles >= 6 + 3);
  assert.equal(await page.locator('a[href="peak/report.html"]').count(), 1);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(requests.filter((u) => !u.startsWith("file:")), []);
  await page.screenshot({ path: join(RESULTS, "plan-report.png"), fullPage: true });
});
