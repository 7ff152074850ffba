/**
 * Chinese whispers (Biemann 2006) on the thresholded k-NN graph: every row starts in its
 * own class (or in the class of `initialLabels`, a warm start) and repeatedly adopts the class
 * with the largest summed edge weight among its neighbours, visiting rows in a seeded random
 * order. A row never adopts a class holding one of its cannot-link partners.
 *
 * A pass re-examines only the rows whose neighbourhood changed since their last visit (a row
 * none of whose neighbours or cannot-link partners changed class would keep its class: the
 * choice is a function of those classes and its own, and choosing again returns the same
 * class), so the labels are exactly those of visiting every row in every pass, in the same
 * seeded order, while late passes cost only the few rows still moving. The run stops when a
 * pass changes nothing, or after `iterations` passes.
 * @module
 */
import { graphOf } from "./input.ts";
import { type Clusterer, validateParams } from "./types.ts";
import { relabel } from "./labels.ts";
import { type SparseGraph, thresholdedGraph } from "../graph/sparse.ts";
import { type Random, shuffleInPlace } from "../util/random.ts";

/** Parameters of {@link chineseWhispers}. */
export type ChineseWhispersParams = {
  /** Minimum cosine similarity for an edge. */
  threshold: number;
  /** k of the k-NN graph. */
  neighbours: number;
  /** Maximum passes over all rows. */
  iterations: number;
  /** Edge weight: the similarity, or 1 for every edge. */
  weighting: "sim" | "unit";
};

/** Options of {@link whisper}. */
export interface WhisperOptions {
  /** Maximum passes. */
  iterations: number;
  /** Edge weight: the similarity (at least 1e-6), or 1 for every edge. */
  weighting: "sim" | "unit";
  /** Seeded random source of the visiting order. */
  random: Random;
  /** Cannot-link pairs, flat `[a0, b0, ...]`. */
  cannotLink?: Int32Array;
  /**
   * Labels to start from, one per row, -1 = own class. A row whose initial class holds one of
   * its cannot-link partners starts in its own class (both rows of such a pair do).
   */
  initialLabels?: Int32Array;
  /** Checked between passes. */
  signal?: AbortSignal;
}

/** What {@link whisper} returns. */
export interface WhisperResult {
  /** Labels 0..C-1, numbered in order of each class's first row. */
  labels: Int32Array;
  /** Passes made (the last one changed nothing unless `iterations` ran out). */
  passes: number;
  /** Rows whose classes were tallied, over all passes (the work done). */
  visits: number;
  /** Rows that changed class, per pass. */
  changes: number[];
}

/** Rounding allowance of a row's lead (sums of at most a few thousand weights of at most 1). */
const SLACK_TOLERANCE = 1e-9;

/** Cannot-link partners as CSR (both directions; self-pairs dropped). */
function partnerLists(
  n: number,
  pairs: Int32Array | undefined,
): { start: Int32Array; list: Int32Array } | null {
  if (!pairs || pairs.length < 2) return null;
  const start = new Int32Array(n + 1);
  for (let p = 0; p + 1 < pairs.length; p += 2) {
    const a = pairs[p], b = pairs[p + 1];
    if (a === b) continue;
    if (!(a >= 0 && a < n && b >= 0 && b < n)) {
      throw new RangeError(`chinese-whispers: cannot-link pair (${a}, ${b}) names a row outside 0..${n - 1}`);
    }
    start[a + 1]++;
    start[b + 1]++;
  }
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  if (start[n] === 0) return null;
  const list = new Int32Array(start[n]);
  const fill = start.slice(0, n);
  for (let p = 0; p + 1 < pairs.length; p += 2) {
    const a = pairs[p], b = pairs[p + 1];
    if (a === b) continue;
    list[fill[a]++] = b;
    list[fill[b]++] = a;
  }
  return { start, list };
}

/**
 * The starting classes, as row ids: own row, or the lowest row of the initial class that is
 * not put on its own for holding a cannot-link partner.
 */
function startLabels(
  n: number,
  initial: Int32Array | undefined,
  pairs: Int32Array | undefined,
): Int32Array {
  const label = new Int32Array(n);
  for (let i = 0; i < n; i++) label[i] = i;
  if (!initial) return label;
  if (initial.length !== n) {
    throw new RangeError(`chinese-whispers: initialLabels has ${initial.length} labels for ${n} rows`);
  }
  const alone = new Uint8Array(n);
  if (pairs) {
    for (let p = 0; p + 1 < pairs.length; p += 2) {
      const a = pairs[p], b = pairs[p + 1];
      if (a !== b && initial[a] >= 0 && initial[a] === initial[b]) alone[a] = alone[b] = 1;
    }
  }
  // Initial labels renumbered 0..C-1 (C <= n), so a class's first row fits an n-long array.
  const dense = relabel(initial);
  const repOf = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const l = dense[i];
    if (l < 0 || alone[i]) continue;
    let r = repOf[l];
    if (r < 0) repOf[l] = r = i;
    label[i] = r;
  }
  return label;
}

/**
 * Chinese whispers on the undirected graph `g` (see the module doc): typed arrays only, no
 * allocation per row, and each pass tallies only the rows whose neighbourhood changed.
 */
export function whisper(g: SparseGraph, o: WhisperOptions): WhisperResult {
  const n = g.n, off = g.offsets, tgt = g.targets, sims = g.sims;
  const partners = partnerLists(n, o.cannotLink);
  const start = startLabels(n, o.initialLabels, o.cannotLink);
  // Rows in breadth-first order of the graph, so that a row's neighbours (mostly faces of one
  // person) sit near it: the classes, scores and marks are kept in that numbering, which turns
  // the random reads of a large graph into nearby ones. Rows are still visited in the seeded
  // order and each row's neighbours in their own order, so the labels do not change.
  const pos = breadthFirst(g);
  const ptgt = new Int32Array(off[n]);
  for (let t = 0; t < off[n]; t++) ptgt[t] = pos[tgt[t]];
  const pStart = partners?.start, pList = partners?.list;
  if (pList) { for (let q = 0; q < pList.length; q++) pList[q] = pos[pList[q]]; }
  const label = new Int32Array(n);
  for (let i = 0; i < n; i++) label[pos[i]] = pos[start[i]];
  let maxDegree = 0;
  for (let i = 0; i < n; i++) if (off[i + 1] - off[i] > maxDegree) maxDegree = off[i + 1] - off[i];
  // A row's tally lives in a small open-addressing table (keys: classes, values: summed weights)
  // that stays in the fastest cache, instead of a score per class spread over n entries; the
  // classes it reads are gathered first, in one run of independent loads.
  let bits = 4;
  while (1 << bits < 2 * maxDegree + 2) bits++;
  const mask = (1 << bits) - 1, shift = 32 - bits;
  const key = new Int32Array(1 << bits).fill(-1);
  const sum = new Float64Array(1 << bits);
  const slotOf = new Int32Array(maxDegree + 1); // slots in order of first sight
  const seen = new Int32Array(maxDegree + 1);
  const dirty = new Uint8Array(n).fill(1);
  const slack = new Float64Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const unit = o.weighting === "unit";
  const changes: number[] = [];
  let visits = 0;
  for (let it = 0; it < o.iterations; it++) {
    o.signal?.throwIfAborted();
    shuffleInPlace(order, o.random);
    let changed = 0;
    for (let p = 0; p < n; p++) {
      const i = order[p], ip = pos[i];
      if (dirty[ip] === 0) continue;
      dirty[ip] = 0;
      const s0 = off[i], d = off[i + 1] - s0;
      if (d === 0) continue;
      visits++;
      for (let u = 0; u < d; u++) seen[u] = label[ptgt[s0 + u]];
      let nt = 0;
      for (let u = 0; u < d; u++) {
        const l = seen[u];
        let h = Math.imul(l, 0x9e3779b1) >>> shift;
        while (key[h] !== l && key[h] !== -1) h = (h + 1) & mask;
        const w = unit ? 1 : Math.max(sims[s0 + u], 1e-6);
        if (key[h] === -1) {
          key[h] = l;
          sum[h] = w;
          slotOf[nt++] = h;
        } else sum[h] += w;
      }
      const q0 = pStart ? pStart[i] : 0, q1 = pStart ? pStart[i + 1] : 0;
      // A class holding a partner is out (its tally, if any, is -Infinity).
      for (let q = q0; q < q1; q++) {
        const l = label[pList![q]];
        let h = Math.imul(l, 0x9e3779b1) >>> shift;
        while (key[h] !== l && key[h] !== -1) h = (h + 1) & mask;
        if (key[h] === l) sum[h] = -Infinity;
      }
      const own = label[ip];
      let h = Math.imul(own, 0x9e3779b1) >>> shift;
      while (key[h] !== own && key[h] !== -1) h = (h + 1) & mask;
      let best = own, bestScore = key[h] === own && sum[h] > 0 ? sum[h] : 0;
      for (let u = 0; u < nt; u++) {
        const slot = slotOf[u], s = sum[slot];
        if (s > bestScore) bestScore = s, best = key[slot];
      }
      // The lead of the class chosen over every other one (a class absent from the
      // neighbourhood scores 0), kept as this row's slack.
      let other = 0;
      for (let u = 0; u < nt; u++) {
        const slot = slotOf[u];
        if (key[slot] !== best && sum[slot] > other) other = sum[slot];
        key[slot] = -1;
      }
      slack[ip] = bestScore - other - SLACK_TOLERANCE;
      if (best !== own) {
        label[ip] = best;
        changed++;
        // A neighbour's lead shrinks by at most twice this edge's weight when it loses the
        // weight from its own class to another, by at most the weight otherwise; it is
        // examined again once its lead may be gone. Partners are always examined again.
        for (let u = 0; u < d; u++) {
          const x = ptgt[s0 + u], lx = label[x];
          if (lx === best) continue;
          const w = unit ? 1 : Math.max(sims[s0 + u], 1e-6);
          if ((slack[x] -= lx === own ? 2 * w : w) <= 0) dirty[x] = 1;
        }
        for (let q = q0; q < q1; q++) dirty[pList![q]] = 1;
      }
    }
    changes.push(changed);
    if (changed === 0) break;
  }
  const back = new Int32Array(n);
  for (let i = 0; i < n; i++) back[i] = label[pos[i]];
  return { labels: relabel(back), passes: changes.length, visits, changes };
}

/** Each row's position in a breadth-first order of `g` (components in order of their lowest row). */
function breadthFirst(g: SparseGraph): Int32Array {
  const n = g.n, off = g.offsets, tgt = g.targets;
  const pos = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let head = 0, tail = 0;
  for (let r = 0; r < n; r++) {
    if (pos[r] >= 0) continue;
    pos[r] = tail;
    queue[tail++] = r;
    while (head < tail) {
      const u = queue[head++];
      for (let t = off[u]; t < off[u + 1]; t++) {
        const v = tgt[t];
        if (pos[v] < 0) pos[v] = tail, queue[tail++] = v;
      }
    }
  }
  return pos;
}

/** Chinese whispers graph clustering. */
export const chineseWhispers: Clusterer<ChineseWhispersParams> = {
  name: "chinese-whispers",
  defaults: { threshold: 0.5, neighbours: 32, iterations: 20, weighting: "sim" },
  params: {
    threshold: { type: "number", min: -1, max: 1, description: "minimum cosine similarity of an edge" },
    neighbours: { type: "int", min: 1, max: 1000, description: "k of the k-NN graph" },
    iterations: { type: "int", min: 1, max: 1000, description: "maximum passes" },
    weighting: { type: "enum", values: ["sim", "unit"], description: "edge weight" },
  },
  needs: "graph",
  graphK: (p) => p.neighbours,
  enforcesCannotLink: true,
  // deno-lint-ignore require-await -- async by the Clusterer contract; this method computes in place
  async run(input, params, ctx) {
    const p = validateParams<ChineseWhispersParams>(this.name, this.params, params);
    const g = thresholdedGraph(graphOf(input, p.neighbours, this.name), p.threshold);
    const { labels } = whisper(g, {
      iterations: p.iterations,
      weighting: p.weighting,
      random: ctx.random,
      cannotLink: input.cannotLink,
      initialLabels: input.initialLabels,
      signal: ctx.signal,
    });
    return { labels };
  },
};
