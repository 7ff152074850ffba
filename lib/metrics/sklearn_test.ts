/**
 * Compares every metric with scikit-learn's values in fixtures/sklearn.json (made by
 * fixtures/make_fixtures.py).
 */
import assert from "node:assert/strict";
import { type Matrix, matrix } from "../matrix.ts";
import { encodeClusters } from "./clusters.ts";
import { EXTERNAL_METRICS, INTERNAL_METRICS } from "./registry.ts";
import { silhouetteOfItems } from "./silhouette.ts";
import { externalMetrics, internalMetrics } from "./summary.ts";
import type { NoiseMode } from "./types.ts";

interface ExternalCase {
  name: string;
  truth: number[];
  pred: number[];
  expected: Record<NoiseMode, Record<string, number>>;
}
interface InternalCase {
  name: string;
  labels: number[];
  expected: Record<string, number>;
  silhouetteSamples?: number[];
}
interface Fixture {
  external: ExternalCase[];
  embeddings: { name: string; rows: number; cols: number; float32Base64: string; cases: InternalCase[] }[];
}

/** Decodes row-major little-endian float32 bytes from base64 into a matrix. */
function decodeMatrix(e: Fixture["embeddings"][number]): Matrix {
  const bytes = Uint8Array.from(atob(e.float32Base64), (ch) => ch.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  const data = new Float32Array(bytes.length / 4);
  for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(4 * i, true);
  return matrix(data, e.rows, e.cols);
}

const fixture: Fixture = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/sklearn.json", import.meta.url)),
);

function close(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: got ${actual}, scikit-learn reference ${expected} (tolerance ${tol})`,
  );
}

Deno.test("sklearn fixtures: every external metric, both noise treatments, to 1e-6", () => {
  assert.ok(fixture.external.length >= 5);
  for (const c of fixture.external) {
    const truth = Int32Array.from(c.truth);
    const pred = Int32Array.from(c.pred);
    for (const noise of ["singletons", "cluster"] as const) {
      const expected = c.expected[noise];
      const all = externalMetrics(truth, pred, { noise });
      for (const spec of EXTERNAL_METRICS) {
        assert.ok(spec.name in expected, `fixture lacks ${spec.name}`);
        const what = `${c.name}/${noise}/${spec.name}`;
        close(spec.fn(truth, pred, { noise }), expected[spec.name], 1e-6, what);
        close(all[spec.name], expected[spec.name], 1e-6, `externalMetrics ${what}`);
      }
    }
  }
});

Deno.test("sklearn fixtures: silhouette (cosine), Davies-Bouldin, Calinski-Harabasz", () => {
  let checked = 0;
  for (const e of fixture.embeddings) {
    const x = decodeMatrix(e);
    for (const c of e.cases) {
      const labels = Int32Array.from(c.labels);
      const all = internalMetrics(x, labels);
      for (const name of ["silhouette", "daviesBouldin", "calinskiHarabasz"]) {
        const spec = INTERNAL_METRICS.find((s) => s.name === name)!;
        const expected = c.expected[name];
        // Relative tolerance for the unbounded Calinski-Harabasz.
        const tol = 1e-6 * Math.max(1, Math.abs(expected));
        close(spec.fn(x, labels), expected, tol, `${e.name}/${c.name}/${name}`);
        close(all[name], expected, tol, `internalMetrics ${e.name}/${c.name}/${name}`);
        checked++;
      }
    }
  }
  assert.ok(checked >= 15);
});

Deno.test("sklearn fixtures: per-item cosine silhouette equals silhouette_samples", () => {
  const e = fixture.embeddings[0];
  const x = decodeMatrix(e);
  let checked = 0;
  for (const c of e.cases) {
    if (!c.silhouetteSamples) continue;
    const labels = Int32Array.from(c.labels);
    const enc = encodeClusters(labels);
    const items = Int32Array.from(labels.keys()).filter((i) => labels[i] !== -1);
    const s = silhouetteOfItems(x, enc, items);
    assert.equal(s.length, c.silhouetteSamples.length);
    for (let i = 0; i < s.length; i++) {
      close(s[i], c.silhouetteSamples[i], 1e-6, `${c.name} item ${items[i]}`);
    }
    checked++;
  }
  assert.equal(checked, 2);
});
