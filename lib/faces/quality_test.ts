import assert from "node:assert/strict";
import { TEMPLATE_112 } from "./align.ts";
import { faceQuality, laplacianVariance, poseFromLandmarks } from "./quality.ts";

const near = (a: number, b: number, eps = 1e-6) => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

/** The template turned by `deg`, scaled by `s` and shifted. */
function moved(
  deg: number,
  s: number,
  dx: number,
  dy: number,
  lm: readonly number[] = TEMPLATE_112,
): number[] {
  const c = Math.cos((deg * Math.PI) / 180), sn = Math.sin((deg * Math.PI) / 180);
  const out: number[] = [];
  for (let i = 0; i < 10; i += 2) {
    out.push(s * (c * lm[i] - sn * lm[i + 1]) + dx, s * (sn * lm[i] + c * lm[i + 1]) + dy);
  }
  return out;
}

Deno.test("poseFromLandmarks: the frontal template is about 0, whatever its roll, scale and position", () => {
  const p = poseFromLandmarks(TEMPLATE_112);
  assert.ok(Math.abs(p.yaw) < 0.01 && Math.abs(p.pitch) < 1e-6 && Math.abs(p.roll) < 0.5, JSON.stringify(p));
  const q = poseFromLandmarks(moved(30, 3.5, 400, -20));
  near(q.roll, p.roll + 30, 1e-6);
  near(q.yaw, p.yaw);
  near(q.pitch, p.pitch);
});

Deno.test("poseFromLandmarks: the nose moved sideways is yaw, moved towards the eyes is negative pitch", () => {
  const right = [...TEMPLATE_112];
  right[4] += 0.25 * (TEMPLATE_112[2] - TEMPLATE_112[0]);
  near(poseFromLandmarks(right).yaw - poseFromLandmarks(TEMPLATE_112).yaw, 0.25, 0.01);
  const left = [...TEMPLATE_112];
  left[4] -= 10;
  assert.ok(poseFromLandmarks(left).yaw < -0.2);
  const up = [...TEMPLATE_112];
  up[5] -= 10;
  assert.ok(poseFromLandmarks(up).pitch < -0.2);
  // The same under roll.
  const upTurned = poseFromLandmarks(moved(-40, 2, 0, 0, up));
  near(upTurned.pitch, poseFromLandmarks(up).pitch);
  assert.deepEqual(poseFromLandmarks(new Array(10).fill(5)), { roll: 0, yaw: 0, pitch: 0 });
});

Deno.test("laplacianVariance: flat is 0, fine detail is high, its blurred copy lower", () => {
  const w = 32, h = 32;
  const img = (f: (x: number, y: number) => number) => {
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) data.fill(f(x, y), (y * w + x) * 3, (y * w + x) * 3 + 3);
    }
    return { data, width: w, height: h };
  };
  assert.equal(laplacianVariance(img(() => 120)), 0);
  assert.equal(laplacianVariance({ data: new Uint8Array(12), width: 2, height: 2 }), 0);
  const sharp = laplacianVariance(img((x, y) => ((x + y) % 2) * 200));
  const soft = laplacianVariance(img((x, y) => 100 + 50 * Math.sin((x + y) / 4)));
  assert.ok(sharp > 100 * soft && soft > 0, `${sharp} vs ${soft}`);
  // A linear ramp has a zero Laplacian.
  near(laplacianVariance(img((x) => 4 * x)), 0, 1e-3);
});

Deno.test("faceQuality: size is the box's short side; the rest from score, landmarks and crop", () => {
  const crop = { data: new Uint8Array(112 * 112 * 3).fill(7), width: 112, height: 112 };
  const q = faceQuality({ x: 5, y: 5, w: 80.04, h: 100 }, 0.912345, TEMPLATE_112, crop);
  assert.equal(q.size, 80);
  assert.equal(q.score, 0.9123);
  assert.equal(q.sharpness, 0);
  assert.ok(Math.abs(q.yaw) < 0.01 && q.pitch === 0);
});
