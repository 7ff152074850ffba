import assert from "node:assert/strict";
import { loadCatalogue, pipelineModels } from "../catalogue.ts";
import {
  detectorFamily,
  detectorLandmarks,
  embedderFamily,
  FAMILIES,
  isFamilyName,
  landmarkFamily,
} from "./registry.ts";

Deno.test("every family is registered under its own name", () => {
  for (const [name, f] of Object.entries(FAMILIES)) assert.equal(f.family, name);
  assert.ok(isFamilyName("scrfd") && !isFamilyName("toString") && !isFamilyName("retinaface"));
});

Deno.test("families are found by spec; a spec of another task or an unknown family is refused", async () => {
  const p = pipelineModels(await loadCatalogue());
  assert.equal(detectorFamily(p.detector).family, "decoded-boxes");
  assert.equal(detectorLandmarks(p.detector), 0);
  assert.equal(landmarkFamily(p.landmarks!).family, "landmarks68");
  assert.equal(embedderFamily(p.embedder).family, "arcface-112");
  assert.throws(
    () => detectorFamily(p.embedder as never),
    /faceplugin-feature: embedder model, not detector/,
  );
  assert.throws(
    () => detectorFamily({ ...p.detector, family: "retinaface" } as never),
    /detector family retinaface is not supported/,
  );
});
