import assert from "node:assert/strict";
import { clusterPageFile, planPages, unassignedPageFile } from "./paginate.ts";

Deno.test("planPages respects both limits, keeps order, and never splits or drops a cluster", () => {
  const sizes = [50, 30, 30, 10, 5, 5, 5, 1, 1, 1];
  const pages = planPages(sizes, { clustersPerPage: 3, facesPerPage: 60 });
  assert.deepEqual(pages, [
    { start: 0, end: 1 }, // 50 + 30 > 60
    { start: 1, end: 3 }, // 30 + 30 = 60; + 10 > 60
    { start: 3, end: 6 }, // 3 clusters
    { start: 6, end: 9 },
    { start: 9, end: 10 },
  ]);
  // A cluster larger than a page gets a page of its own.
  assert.deepEqual(planPages([500, 2], { clustersPerPage: 10, facesPerPage: 100 }), [{ start: 0, end: 1 }, {
    start: 1,
    end: 2,
  }]);
  assert.deepEqual(planPages([], { clustersPerPage: 10, facesPerPage: 100 }), [{ start: 0, end: 0 }]);
  const many = planPages(Array(450).fill(1), { clustersPerPage: 200, facesPerPage: 4000 });
  assert.deepEqual(many.map((p) => p.end - p.start), [200, 200, 50]);
  assert.throws(() => planPages([1], { clustersPerPage: 0, facesPerPage: 1 }), RangeError);
});

Deno.test("page file names", () => {
  assert.deepEqual([0, 1, 2].map(clusterPageFile), ["index.html", "clusters-2.html", "clusters-3.html"]);
  assert.deepEqual([0, 1].map(unassignedPageFile), ["unassigned.html", "unassigned-2.html"]);
});
