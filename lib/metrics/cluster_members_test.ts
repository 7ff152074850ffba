import assert from "node:assert/strict";
import { encodeClusters } from "./clusters.ts";
import { clusterMembers } from "./cluster_members.ts";

Deno.test("clusterMembers: each cluster's rows in order, noise left out", () => {
  const enc = encodeClusters(Int32Array.from([5, -1, 2, 5, 2, 9]));
  const { start, rows } = clusterMembers(enc);
  assert.equal(start.length, enc.k + 1);
  assert.equal(rows.length, 5);
  for (let c = 0; c < enc.k; c++) {
    const got = Array.from(rows.subarray(start[c], start[c + 1]));
    const want = Array.from(enc.ids).flatMap((id, i) => (id === c ? [i] : []));
    assert.deepEqual(got, want);
  }
});
