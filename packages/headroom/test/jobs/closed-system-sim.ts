// The stand-in platform of the ground-truth plan test, simulated: N users each thinking Z (uniform
// in [zMin, zMax], plus the client's measured overhead), then holding one of C slots for S ms in
// FIFO order. Arrivals are taken in time order and each takes the earliest free slot, which is
// exactly a FIFO C-server queue. Gives the p95 response time a long steady run at N users has,
// so the users at which it crosses the SLO are known without measuring them.

/** A seeded uniform generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ClosedSystem {
  slots: number;
  holdMs: number;
  thinkMinMs: number;
  thinkMaxMs: number;
  /** Added to every response time (client and network), and to every think (the user's own overhead). */
  responseOverheadMs: number;
  thinkOverheadMs: number;
}

/** p95 of the response times of `users` over `seconds` of simulated steady load (the first tenth dropped). */
export function simulatedP95(sys: ClosedSystem, users: number, seconds = 120, seed = 1): number {
  const next = rng(seed);
  const think = (): number => sys.thinkMinMs + (sys.thinkMaxMs - sys.thinkMinMs) * next() + sys.thinkOverheadMs;
  // Users' next arrival times in a binary min-heap.
  const heap: number[] = [];
  const push = (v: number): void => {
    heap.push(v);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p]! <= heap[i]!) break;
      [heap[p], heap[i]] = [heap[i]!, heap[p]!];
      i = p;
    }
  };
  const pop = (): number => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l]! < heap[m]!) m = l;
        if (r < heap.length && heap[r]! < heap[m]!) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  };
  // Users start spread over one think time, as the search's staggered start does.
  for (let u = 0; u < users; u++) push(next() * think());
  const free = new Array<number>(sys.slots).fill(0);
  const end = seconds * 1000;
  const responses: number[] = [];
  for (;;) {
    const at = pop();
    if (at > end) break;
    let k = 0;
    for (let j = 1; j < free.length; j++) if (free[j]! < free[k]!) k = j;
    const done = Math.max(at, free[k]!) + sys.holdMs;
    free[k] = done;
    if (at > end / 10) responses.push(done - at + sys.responseOverheadMs);
    push(done + think());
  }
  responses.sort((a, b) => a - b);
  return responses[Math.floor(0.95 * (responses.length - 1))]!;
}

/** The fewest users whose simulated steady p95 exceeds `p95Ms` (bisection; p95 grows with the users). */
export function sloCrossingUsers(sys: ClosedSystem, p95Ms: number, maxUsers = 100_000): number {
  let lo = 1;
  let hi = 2;
  while (simulatedP95(sys, hi) <= p95Ms) {
    lo = hi;
    hi *= 2;
    if (hi > maxUsers) return maxUsers;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (simulatedP95(sys, mid) <= p95Ms) lo = mid;
    else hi = mid;
  }
  return hi;
}
