import assert from "node:assert/strict";
import { test } from "node:test";
import { countInSegment, equalSegments, inSegment, parseSegment, segmentShare, WeightedPartition, type SegmentPath } from "../../src/engine/segments.js";

function assertPartition(segs: SegmentPath[], items: number, parent?: SegmentPath): void {
  const counts = segs.map(() => 0);
  for (let i = 0; i < items; i++) {
    if (parent && !inSegment(parent, i)) {
      assert.ok(segs.every((s) => !inSegment(s, i)), `item ${i} is outside the parent`);
      continue;
    }
    const owners = segs.flatMap((s, j) => (inSegment(s, i) ? [j] : []));
    assert.equal(owners.length, 1, `item ${i} belongs to ${owners.length} segments`);
    counts[owners[0]!]!++;
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `prefix ${i + 1}: ${counts}`);
    segs.forEach((s, j) => assert.equal(countInSegment(s, i + 1), counts[j], `count of segment ${j} at ${i + 1}`));
  }
}

test("equal segments take every item exactly once and stay balanced on every prefix", () => {
  for (const k of [1, 2, 3, 4, 7]) assertPartition(equalSegments(k), 500);
});

test("segments nest: a host's share split across its workers", () => {
  const host = [{ from: 1, to: 2, of: 3 }];
  const workers = equalSegments(2, host);
  assertPartition(workers, 600, host);
  assert.equal(countInSegment(workers[0]!, 600) + countInSegment(workers[1]!, 600), 200);
  assert.ok(Math.abs(segmentShare(workers[0]!) - 1 / 6) < 1e-12);
});

test("the MueJam mix 70/25/4/1 splits users exactly and starts with the biggest class", () => {
  const p = new WeightedPartition([70, 25, 4, 1]);
  const count = (n: number): number[] => [0, 1, 2, 3].map((k) => p.countIn(k, n));
  assert.deepEqual(count(100), [70, 25, 4, 1]);
  assert.deepEqual(count(1000), [700, 250, 40, 10]);
  assert.equal(p.partOf(0), 0, "the first user is of the first class");
  // On every prefix each class is within one user of its exact share.
  const seen = [0, 0, 0, 0];
  for (let i = 0; i < 1000; i++) {
    seen[p.partOf(i)]!++;
    [70, 25, 4, 1].forEach((w, k) => assert.ok(Math.abs(seen[k]! - ((i + 1) * w) / 100) < 1 + 1e-9, `class ${k} after ${i + 1}: ${seen[k]}`));
    assert.deepEqual(count(i + 1), seen);
  }
  assert.deepEqual(new WeightedPartition([0.5, 0.25, 0.25]).weights, [2, 1, 1]);
  const zero = new WeightedPartition([3, 0, 1]);
  for (let i = 0; i < 40; i++) assert.notEqual(zero.partOf(i), 1, "a class of weight 0 gets nobody");
});

test("classes split the same whatever the number of worker segments", () => {
  const classes = new WeightedPartition([70, 25, 4, 1]);
  for (const workers of [1, 2, 3]) {
    const perClass = [0, 0, 0, 0];
    for (const seg of equalSegments(workers)) for (let i = 0; i < 200; i++) if (inSegment(seg, i)) perClass[classes.partOf(i)]!++;
    assert.deepEqual(perClass, [140, 50, 8, 2], `${workers} workers`);
  }
});

test("segment strings parse as k6 writes them", () => {
  assert.deepEqual(parseSegment("1/4"), { from: 1, to: 2, of: 4 });
  assert.deepEqual(parseSegment("0:2/4"), { from: 0, to: 2, of: 4 });
  assert.equal(parseSegment("4/4"), undefined);
  assert.equal(parseSegment("x"), undefined);
});
