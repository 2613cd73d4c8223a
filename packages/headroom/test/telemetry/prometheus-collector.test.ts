import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { bucketQuantile, createPrometheusCollector } from "../../src/telemetry/prometheus-collector.js";

const fixture = readFileSync(new URL("./fixtures/metrics.txt", import.meta.url), "utf8");

// The endpoint's state: each scrape of /live advances counters by a fixed step, so deltas are exact.
let scrapes = 0;
let mode: "ok" | "error" | "hang" | "reset" = "ok";
function live(k: number): string {
  return [
    "# TYPE app_requests_total counter",
    `app_requests_total{route="/a"} ${10 * k}`,
    "# TYPE app_latency_seconds histogram",
    `app_latency_seconds_bucket{route="/a",le="0.1"} ${10 * k}`,
    `app_latency_seconds_bucket{route="/a",le="0.5"} ${20 * k}`,
    `app_latency_seconds_bucket{route="/a",le="+Inf"} ${20 * k}`,
    `app_latency_seconds_sum{route="/a"} ${3 * k}`,
    `app_latency_seconds_count{route="/a"} ${20 * k}`,
    "# TYPE app_in_flight gauge",
    `app_in_flight ${k}`,
    "",
  ].join("\n");
}

let server: Server;
let base: string;
before(async () => {
  server = createServer((req, res) => {
    if (req.url === "/fixture") return res.end(fixture);
    if (mode === "hang") return; // never answers: the scrape must time out
    if (mode === "error") {
      res.statusCode = 500;
      return res.end("boom");
    }
    scrapes++;
    res.setHeader("content-type", "text/plain; version=0.0.4");
    res.end(live(mode === "reset" ? 1 : scrapes));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

test("every finite sample under its series key; non-finite ones in a label; scrape meta", async () => {
  const c = createPrometheusCollector({ url: `${base}/fixture` });
  const [r] = await c.sample(0);
  assert.equal(r.ok, true);
  assert.equal(r.values['http_requests_total{method="post",code="200"}'], 1027);
  assert.equal(r.values['http_request_duration_seconds_bucket{le="+Inf"}'], 144320);
  assert.equal(r.values["metric_without_timestamp_and_labels"], 12.47);
  assert.equal(r.values.scrape_samples_scraped, 23);
  assert.equal(r.values.scrape_parse_errors, 1);
  assert.ok(r.values.scrape_duration_seconds >= 0);
  assert.equal(r.values.queue_ratio, undefined);
  assert.deepEqual(JSON.parse(r.labels?.non_finite ?? "{}"), {
    'something_weird{problem="division by zero"}': "+Inf",
    queue_ratio: "NaN",
    negative_gauge: "-Inf",
    'rpc_duration_seconds{quantile="0.99"}': "NaN",
  });
  assert.match(r.labels?.parse_errors ?? "", /this line is not a sample/);
  await c.close();
});

test("derived per-interval values: counter rates, histogram mean and quantiles from bucket deltas", async () => {
  mode = "ok";
  scrapes = 0;
  const c = createPrometheusCollector({ url: `${base}/live` });
  const [first] = await c.sample(1_000);
  assert.equal(first.ok, true);
  assert.equal(first.values['app_requests_total{route="/a"}'], 10);
  assert.equal(first.values['rate(app_requests_total{route="/a"})'], undefined, "no rate without a previous scrape");
  const [second] = await c.sample(3_000); // 2 s later, every counter advanced by one step
  assert.equal(second.values['rate(app_requests_total{route="/a"})'], 5);
  assert.equal(second.values['rate(app_latency_seconds_count{route="/a"})'], 10);
  assert.equal(second.values['rate(app_in_flight)'], undefined, "gauges get no rate");
  assert.equal(second.values['mean(app_latency_seconds{route="/a"})'], 0.15);
  // 20 observations: 10 at or below 0.1 s, 10 in (0.1, 0.5].
  assert.equal(second.values['histogram_quantile(0.5, app_latency_seconds{route="/a"})'], 0.1);
  assert.equal(second.values['histogram_quantile(0.95, app_latency_seconds{route="/a"})'], 0.46);
  mode = "reset"; // the app restarted: counters start again from one step
  const [third] = await c.sample(4_000);
  assert.equal(third.values['rate(app_requests_total{route="/a"})'], 10, "a reset counts from zero");
  await c.close();
});

test("a failing endpoint gives ok=false readings with the cause, and recovers", async () => {
  const c = createPrometheusCollector({ url: `${base}/live`, timeoutMs: 300 });
  mode = "error";
  const [e500] = await c.sample(0);
  assert.equal(e500.ok, false);
  assert.match(e500.error ?? "", /HTTP 500/);
  mode = "hang";
  const [hang] = await c.sample(1000);
  assert.equal(hang.ok, false);
  assert.match(hang.error ?? "", /timeout|aborted/i);
  mode = "ok";
  const [back] = await c.sample(2000);
  assert.equal(back.ok, true);
  await c.close();

  const closed = createPrometheusCollector({ url: "http://127.0.0.1:1/metrics", timeoutMs: 500 });
  const [refused] = await closed.sample(0);
  assert.equal(refused.ok, false);
  assert.match(refused.error ?? "", /ECONNREFUSED/);
});

test("bucketQuantile interpolates like histogram_quantile", () => {
  const b = [
    { le: 1, count: 0 },
    { le: 2, count: 50 },
    { le: 4, count: 100 },
    { le: Infinity, count: 100 },
  ];
  assert.equal(bucketQuantile(0.5, b), 2);
  assert.equal(bucketQuantile(0.75, b), 3);
  assert.equal(bucketQuantile(0.25, b), 1.5);
  assert.equal(bucketQuantile(0.99, [{ le: 1, count: 1 }, { le: Infinity, count: 100 }]), 1, "in the +Inf bucket: the highest finite bound");
  assert.equal(bucketQuantile(0.5, [{ le: Infinity, count: 0 }]), undefined);
  assert.equal(bucketQuantile(0.5, [{ le: 1, count: 3 }]), undefined, "no +Inf bucket: not a histogram");
});
