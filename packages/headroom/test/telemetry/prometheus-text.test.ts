import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { familyOf, parsePrometheusText, parsePromValue, seriesKey } from "../../src/telemetry/prometheus-text.js";

const fixture = readFileSync(new URL("./fixtures/metrics.txt", import.meta.url), "utf8");

test("parses every sample of the fixture and reports the one malformed line", () => {
  const expo = parsePrometheusText(fixture);
  assert.equal(expo.samples.length, 23); // 9 plain, 8 histogram, 5 summary, 1 quoted name
  assert.equal(expo.errors.length, 1);
  assert.equal(expo.errors[0].text, "this line is not a sample");
  assert.match(expo.errors[0].reason, /not a number/);
  assert.equal(expo.errors[0].line, fixture.split("\n").indexOf("this line is not a sample") + 1);
});

test("labels keep their order; escapes \\\\ \\\" \\n are decoded and re-encoded in the series key", () => {
  const expo = parsePrometheusText(fixture);
  const msdos = expo.samples.find((s) => s.name === "msdos_file_access_time_seconds");
  assert.ok(msdos);
  assert.deepEqual(msdos.labels, [
    ["path", "C:\\DIR\\FILE.TXT"],
    ["error", 'Cannot find file:\n"FILE.TXT"'],
  ]);
  assert.equal(msdos.value, 1.458255915e9);
  assert.equal(seriesKey(msdos.name, msdos.labels), 'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""}');
});

test("values: timestamps, +Inf, -Inf, NaN, hex; trailing comma and leading tab", () => {
  const expo = parsePrometheusText(fixture);
  const by = (name: string) => expo.samples.find((s) => s.name === name);
  assert.equal(by("http_requests_total")?.timestampMs, 1395066363000);
  assert.equal(by("metric_without_timestamp_and_labels")?.value, 12.47);
  assert.equal(by("metric_without_timestamp_and_labels")?.timestampMs, undefined);
  assert.equal(by("something_weird")?.value, Infinity);
  assert.equal(by("something_weird")?.timestampMs, -3982045);
  assert.equal(by("negative_gauge")?.value, -Infinity);
  assert.ok(Number.isNaN(by("queue_ratio")?.value));
  assert.equal(by("hex_value")?.value, 31);
  assert.deepEqual(by("indented_with_tab")?.labels, [["a", "1"]]);
  assert.deepEqual(by("utf8.metric.name")?.labels, [["zone", "a"]]);
});

test("types, help and families of histogram and summary series", () => {
  const expo = parsePrometheusText(fixture);
  assert.equal(expo.types.get("http_request_duration_seconds"), "histogram");
  assert.equal(expo.help.get("http_request_duration_seconds"), "A histogram of the request duration.\nSecond line.");
  assert.deepEqual(familyOf("http_request_duration_seconds_bucket", expo.types), { family: "http_request_duration_seconds", type: "histogram", suffix: "_bucket" });
  assert.deepEqual(familyOf("rpc_duration_seconds_count", expo.types), { family: "rpc_duration_seconds", type: "summary", suffix: "_count" });
  assert.deepEqual(familyOf("http_requests_total", expo.types), { family: "http_requests_total", type: "counter", suffix: "" });
  assert.equal(familyOf("metric_without_timestamp_and_labels", expo.types).type, "untyped");
  const inf = expo.samples.find((s) => s.name === "http_request_duration_seconds_bucket" && s.labels[0][1] === "+Inf");
  assert.equal(inf?.value, 144320);
});

test("malformed lines are reported with a reason, never thrown", () => {
  const expo = parsePrometheusText(['a{b="unterminated} 1', "c{1x=\"y\"} 2", "d{e=f} 3", "g 1 notatime", "h", "# TYPE x sometype", "ok 1"].join("\n"));
  assert.deepEqual(
    expo.samples.map((s) => s.name),
    ["ok"],
  );
  assert.equal(expo.errors.length, 6);
  assert.match(expo.errors[0].reason, /unterminated/);
  assert.match(expo.errors[2].reason, /double-quoted/);
  assert.match(expo.errors[3].reason, /timestamp/);
  assert.match(expo.errors[4].reason, /no value/);
  assert.match(expo.errors[5].reason, /unknown metric type/);
});

test("parsePromValue follows Go's float spellings", () => {
  assert.equal(parsePromValue("1e3"), 1000);
  assert.equal(parsePromValue("-.5"), -0.5);
  assert.equal(parsePromValue("+Inf"), Infinity);
  assert.equal(parsePromValue("Inf"), Infinity);
  assert.ok(Number.isNaN(parsePromValue("NaN")));
  assert.throws(() => parsePromValue("1,5"));
  assert.throws(() => parsePromValue(""));
});
