import assert from "node:assert/strict";
import { HOSTILE_NAMES } from "../report/_testing/synthetic_run.ts";
import { bundleOf } from "./display.ts";
import { imageGrid } from "./image_grid.ts";

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9, 9]);

Deno.test("imageGrid: images inlined, captions and tooltips escaped, missing images as grey boxes", () => {
  const b = bundleOf(imageGrid([
    { image: JPEG, caption: HOSTILE_NAMES.file, title: HOSTILE_NAMES.folder },
    { caption: "missing.jpg" },
    { image: new Uint8Array([1, 2, 3]), caption: "not-an-image.bin" },
  ], { heading: HOSTILE_NAMES.script, size: 50 }));
  const h = b["text/html"];
  assert.equal((h.match(/<img /g) ?? []).length, 1);
  assert.ok(h.includes(`src="data:image/jpeg;base64,${btoa(String.fromCharCode(...JPEG))}"`));
  assert.equal((h.match(/aria-label="no image"/g) ?? []).length, 2);
  assert.ok(!h.includes("<img src=x") && !h.includes("<script") && !h.includes("<b>"));
  assert.ok(h.includes("&lt;img src=x onerror=alert(1)&gt;.jpg"));
  assert.ok(h.includes("width:50px;height:50px"));
  assert.equal(
    b["text/plain"],
    `${HOSTILE_NAMES.script}\n[3 images] ${HOSTILE_NAMES.file}, missing.jpg, not-an-image.bin`,
  );
});

Deno.test("imageGrid: frame colours must look like colours", () => {
  const ok = bundleOf(imageGrid([{ image: JPEG, frame: "#cf222e" }]))["text/html"];
  assert.ok(ok.includes("outline:3px solid #cf222e"));
  const bad = bundleOf(imageGrid([{ image: JPEG, frame: 'red;background:url("x")' }]))["text/html"];
  assert.ok(!bad.includes("outline") && !bad.includes("url("));
});
