// The recorded values of an encoded histogram as (value, count) pairs, for statistics that
// resample whole seconds (compare's block bootstrap) without merging histograms per replicate.
// Decoded into the JS implementation, whose iterator walks only the buckets that hold counts.
import * as hdr from "hdr-histogram-js";

export interface HistogramPoints {
  /** Bucket values in microseconds (the highest equivalent value of each bucket), ascending. */
  valuesUs: number[];
  counts: number[];
  total: number;
}

/** The JavaScript histogram's iterator over recorded values, which hdr-histogram-js does not declare. */
interface RecordedValues {
  reset(): void;
  hasNext(): boolean;
  next(): { valueIteratedTo: number; countAtValueIteratedTo: number };
}

export function histogramPoints(encoded: string): HistogramPoints {
  const h = hdr.decodeFromCompressedBase64(encoded, 32, false) as unknown as hdr.Histogram & { recordedValuesIterator: RecordedValues };
  const out: HistogramPoints = { valuesUs: [], counts: [], total: 0 };
  const it = h.recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    if (v.countAtValueIteratedTo <= 0) continue;
    out.valuesUs.push(v.valueIteratedTo);
    out.counts.push(v.countAtValueIteratedTo);
    out.total += v.countAtValueIteratedTo;
  }
  h.destroy();
  return out;
}
