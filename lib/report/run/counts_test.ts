import assert from "node:assert/strict";
import { reportCounts } from "./counts.ts";
import type { ReportFace } from "../../run/types.ts";

Deno.test("reportCounts counts clusters, assigned/unassigned faces, photos and failing files", () => {
  const f = (path: string, cluster: number): ReportFace => ({
    path,
    face: 0,
    box: { x: 0, y: 0, w: 1, h: 1 },
    score: 1,
    cluster,
  });
  const counts = reportCounts({
    images: 9,
    faces: [f("a", 0), f("a", 0), f("b", 5), f("c", -1), f("d", 1.5), f("e", 0)],
    noFace: [{ path: "x" }],
    errors: [{ path: "y", stage: "read", message: "" }, { path: "y", stage: "decode", message: "" }],
  });
  assert.deepEqual(counts, {
    photos: 9,
    photosWithFaces: 5,
    faces: 6,
    clusters: 2,
    assigned: 4,
    unassigned: 2,
    largestCluster: 3,
    singletons: 1,
    noFace: 1,
    unreadable: 1,
  });
});
