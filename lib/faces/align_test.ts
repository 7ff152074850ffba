import assert from "node:assert/strict";
import { alignmentTransform, estimateSimilarity, TEMPLATE_112 } from "./align.ts";
import { landmarkCrop, landmarks68to5 } from "./landmarks.ts";
import { applyAffine } from "../images/warp.ts";

function transform(
  points: readonly number[],
  angle: number,
  scale: number,
  tx: number,
  ty: number,
): number[] {
  const c = Math.cos(angle) * scale, s = Math.sin(angle) * scale;
  const out: number[] = [];
  for (let i = 0; i < points.length; i += 2) {
    out.push(c * points[i] - s * points[i + 1] + tx, s * points[i] + c * points[i + 1] + ty);
  }
  return out;
}

Deno.test("a known similarity is recovered exactly from 5 points", () => {
  const src = [10, 20, 50, 22, 30, 40, 15, 60, 45, 61];
  const dst = transform(src, 0.3, 1.7, 12, -5);
  const m = estimateSimilarity(src, dst);
  const c = Math.cos(0.3) * 1.7, s = Math.sin(0.3) * 1.7;
  const want = [c, -s, 12, s, c, -5];
  m.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-9, `element ${i}: ${v} vs ${want[i]}`));
});

Deno.test("alignment maps a rotated, scaled face onto the template; no reflection is introduced", () => {
  const lm = transform(TEMPLATE_112, -0.5, 2.5, 300, 100);
  const m = alignmentTransform(lm);
  for (let i = 0; i < 5; i++) {
    const [x, y] = applyAffine(m, lm[2 * i], lm[2 * i + 1]);
    assert.ok(Math.abs(x - TEMPLATE_112[2 * i]) < 1e-6 && Math.abs(y - TEMPLATE_112[2 * i + 1]) < 1e-6);
  }
  assert.ok(m[0] * m[4] - m[1] * m[3] > 0, "determinant positive: no mirror image");
  // A zoomed-out thumbnail keeps the face centred.
  const t = alignmentTransform(TEMPLATE_112, 96, 0.8);
  const [cx] = applyAffine(t, 56, 70);
  assert.ok(Math.abs(cx - 48) < 1e-6);
});

Deno.test("68 landmarks reduce to eye centres, nose tip and mouth corners", () => {
  const p = new Float32Array(136);
  for (let i = 0; i < 68; i++) p[2 * i] = i, p[2 * i + 1] = 100 + i;
  const five = Array.from(landmarks68to5(p));
  assert.deepEqual(five, [39, 139, 45, 145, 30, 130, 54, 154, 59, 159]);
  assert.throws(() => landmarks68to5(new Float32Array(10)), /expected 136/);
});

Deno.test("the landmark crop is a square of the box height, clipped to the image", () => {
  assert.deepEqual(landmarkCrop({ x: 100, y: 50, w: 80, h: 100 }, 1000, 1000), {
    x: 90,
    y: 50,
    w: 100,
    h: 100,
  });
  const c = landmarkCrop({ x: 0, y: 0, w: 40, h: 60 }, 500, 500);
  assert.deepEqual([c.x, c.y], [0, 0]);
});
