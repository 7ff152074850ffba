/**
 * HDBSCAN (Campello et al. 2013; McInnes & Healy's formulation) on cosine distance. The
 * minimum spanning tree of mutual-reachability distances is taken over the shared k-NN
 * graph (exact when the graph holds the MST edges, which for well-clustered data it does;
 * parts the graph leaves unconnected join at infinite distance). Then the condensed tree
 * with `minClusterSize`, and excess-of-mass or leaf selection. Cannot-link pairs are
 * enforced afterwards by the registry's splitting step.
 * @module
 */
import { graphOf } from "./input.ts";
import { type Clusterer, validateParams } from "./types.ts";
import { relabel } from "./labels.ts";
import { argsortAscending } from "../graph/sparse.ts";
import { UnionFind } from "./union_find.ts";

/** Parameters of {@link hdbscan}. */
export type HdbscanParams = {
  /** Smallest group that counts as a cluster. */
  minClusterSize: number;
  /** Neighbours (including self) defining a row's core distance. */
  minSamples: number;
  /** k of the k-NN graph (raised to `minSamples - 1`). */
  neighbours: number;
  /** Cluster selection: excess of mass or leaves of the condensed tree. */
  selection: "eom" | "leaf";
  /** Allow the root to be selected as the single cluster. */
  allowSingleCluster: boolean;
};

/** Single-linkage tree: merge `i` joins `left[i]` and `right[i]` at `dist[i]`; node n+i. */
interface Tree {
  left: Int32Array;
  right: Int32Array;
  dist: Float64Array;
  size: Int32Array;
}

function singleLinkageTree(n: number, ea: Int32Array, eb: Int32Array, ew: Float32Array): Tree {
  const m = n - 1;
  const left = new Int32Array(m), right = new Int32Array(m), size = new Int32Array(m);
  const dist = new Float64Array(m);
  const uf = new UnionFind(n);
  const node = Int32Array.from({ length: n }, (_, i) => i); // root -> tree node id
  const sizeOf = (id: number) => (id < n ? 1 : size[id - n]);
  let next = 0;
  const join = (a: number, b: number, d: number) => {
    const ra = uf.find(a), rb = uf.find(b);
    if (ra === rb) return;
    left[next] = node[ra];
    right[next] = node[rb];
    dist[next] = d;
    size[next] = sizeOf(node[ra]) + sizeOf(node[rb]);
    uf.union(ra, rb);
    node[uf.find(ra)] = n + next;
    next++;
  };
  for (const e of argsortAscending(ew)) join(ea[e], eb[e], ew[e]);
  // Parts the graph left unconnected join at infinite distance.
  for (let i = 1; i < n && next < m; i++) join(0, i, Infinity);
  return { left, right, dist, size };
}

/** Runs HDBSCAN given the k-NN lists; exported for tests. */
export function hdbscanLabels(
  n: number,
  k: number,
  indices: Int32Array,
  sims: Float32Array,
  p: Omit<HdbscanParams, "neighbours">,
): Int32Array {
  if (n < 2) return new Int32Array(n).fill(-1);
  const core = new Float32Array(n);
  const kc = Math.min(p.minSamples - 1, k);
  if (kc > 0) { for (let i = 0; i < n; i++) core[i] = Math.max(0, 1 - sims[i * k + kc - 1]); }
  const ea = new Int32Array(n * k), eb = new Int32Array(n * k), ew = new Float32Array(n * k);
  for (let i = 0, e = 0; i < n; i++) {
    for (let t = i * k; t < (i + 1) * k; t++, e++) {
      const j = indices[t] < 0 ? i : indices[t]; // an unfilled slot becomes a (skipped) self-loop
      ea[e] = i;
      eb[e] = j;
      ew[e] = Math.max(core[i], core[j], Math.max(0, 1 - sims[t]));
    }
  }
  const tree = singleLinkageTree(n, ea, eb, ew);
  const mcs = p.minClusterSize;
  const sizeOf = (id: number) => (id < n ? 1 : tree.size[id - n]);
  // Condensed tree as parallel lists of (parent cluster, child, lambda, child size).
  const cParent: number[] = [], cChild: number[] = [], cLambda: number[] = [], cSize: number[] = [];
  const root = 2 * n - 2;
  const clusterOf = new Int32Array(2 * n - 1).fill(-1);
  clusterOf[root] = n;
  let nextCluster = n + 1;
  const pushPoints = (id: number, parent: number, lambda: number) => {
    const stack = [id];
    while (stack.length) {
      const v = stack.pop()!;
      if (v < n) {
        cParent.push(parent), cChild.push(v), cLambda.push(lambda), cSize.push(1);
      } else stack.push(tree.left[v - n], tree.right[v - n]);
    }
  };
  const stack = [root];
  while (stack.length) {
    const v = stack.pop()!;
    if (v < n) continue;
    const c = clusterOf[v];
    const d = tree.dist[v - n];
    const lambda = Number.isFinite(d) ? 1 / Math.max(d, 1e-12) : 0;
    const l = tree.left[v - n], r = tree.right[v - n];
    const ls = sizeOf(l), rs = sizeOf(r);
    if (ls >= mcs && rs >= mcs) {
      for (const [ch, s] of [[l, ls], [r, rs]]) {
        clusterOf[ch] = nextCluster;
        cParent.push(c), cChild.push(nextCluster++), cLambda.push(lambda), cSize.push(s);
        stack.push(ch);
      }
    } else {
      for (const [ch, s] of [[l, ls], [r, rs]]) {
        if (s >= mcs) {
          clusterOf[ch] = c;
          stack.push(ch);
        } else pushPoints(ch, c, lambda);
      }
    }
  }
  const numClusters = nextCluster - n;
  const birth = new Float64Array(numClusters); // lambda at which each cluster appears
  const stability = new Float64Array(numClusters);
  const children: number[][] = Array.from({ length: numClusters }, () => []);
  for (let e = 0; e < cChild.length; e++) if (cChild[e] >= n) birth[cChild[e] - n] = cLambda[e];
  for (let e = 0; e < cChild.length; e++) {
    const pc = cParent[e] - n;
    stability[pc] += (cLambda[e] - birth[pc]) * cSize[e];
    if (cChild[e] >= n) children[pc].push(cChild[e] - n);
  }
  const selected = new Uint8Array(numClusters);
  if (p.selection === "leaf") {
    for (let c = 1; c < numClusters; c++) if (children[c].length === 0) selected[c] = 1;
    if (numClusters === 1 && p.allowSingleCluster) selected[0] = 1;
  } else {
    const score = stability.slice();
    for (let c = numClusters - 1; c >= 0; c--) {
      if (c === 0 && !p.allowSingleCluster) break;
      const sub = children[c].reduce((s, ch) => s + score[ch], 0);
      if (children[c].length > 0 && sub > stability[c]) {
        score[c] = sub;
      } else {
        selected[c] = 1;
        const st = [...children[c]];
        while (st.length) {
          const ch = st.pop()!;
          selected[ch] = 0;
          st.push(...children[ch]);
        }
      }
    }
  }
  // Each point's label: the selected cluster at or above where it fell out.
  const parentCluster = new Int32Array(numClusters).fill(-1);
  for (let e = 0; e < cChild.length; e++) if (cChild[e] >= n) parentCluster[cChild[e] - n] = cParent[e] - n;
  const labelOf = new Int32Array(numClusters).fill(-1);
  for (let c = 0; c < numClusters; c++) {
    for (let a = c; a >= 0; a = parentCluster[a]) {
      if (selected[a]) {
        labelOf[c] = a;
        break;
      }
    }
  }
  const labels = new Int32Array(n).fill(-1);
  for (let e = 0; e < cChild.length; e++) if (cChild[e] < n) labels[cChild[e]] = labelOf[cParent[e] - n];
  return relabel(labels);
}

/** HDBSCAN over the shared k-NN graph. */
export const hdbscan: Clusterer<HdbscanParams> = {
  name: "hdbscan",
  defaults: { minClusterSize: 2, minSamples: 2, neighbours: 32, selection: "eom", allowSingleCluster: false },
  params: {
    minClusterSize: { type: "int", min: 2, max: 100000, description: "smallest cluster size" },
    minSamples: { type: "int", min: 1, max: 1000, description: "neighbours (incl. self) for core distance" },
    neighbours: { type: "int", min: 1, max: 1000, description: "k of the k-NN graph" },
    selection: { type: "enum", values: ["eom", "leaf"], description: "cluster selection method" },
    allowSingleCluster: { type: "boolean", description: "allow one cluster holding everything" },
  },
  needs: "graph",
  graphK: (p) => Math.max(p.neighbours, p.minSamples - 1),
  enforcesCannotLink: false,
  // deno-lint-ignore require-await -- async by the Clusterer contract; this method computes in place
  async run(input, params) {
    const p = validateParams<HdbscanParams>(this.name, this.params, params);
    const g = graphOf(input, Math.max(p.neighbours, p.minSamples - 1), this.name);
    return { labels: hdbscanLabels(g.n, g.k, g.indices, g.sims, p) };
  },
};
