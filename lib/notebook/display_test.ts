import assert from "node:assert/strict";
import { markup } from "../util/html.ts";
import {
  bundleOf,
  displayable,
  figure,
  html,
  image,
  imageType,
  isDisplayable,
  jupyter,
  JUPYTER_DISPLAY,
  markdown,
  show,
  svg,
  thinLog,
  withSvgNamespace,
} from "./display.ts";

Deno.test("displayable: the kernel's symbol returns the bundle, always with text/plain", () => {
  const d = displayable({ "text/html": "<b>x</b>" }, "x");
  assert.equal(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
  assert.deepEqual(d[JUPYTER_DISPLAY](), { "text/html": "<b>x</b>", "text/plain": "x" });
  assert.equal(String(d), "x");
  assert.ok(isDisplayable(d));
  assert.ok(!isDisplayable({ "text/html": "x" }));
  // The bundle is a copy: changing it does not change the value.
  bundleOf(d)["text/html"] = "changed";
  assert.equal(bundleOf(d)["text/html"], "<b>x</b>");
});

Deno.test("html: escaped markup in, text/html out", () => {
  const name = "<img src=x onerror=alert(1)>.jpg";
  const b = bundleOf(html(markup`<p>${name}</p>`, name));
  assert.equal(b["text/html"], "<p>&lt;img src=x onerror=alert(1)&gt;.jpg</p>");
  assert.equal(b["text/plain"], name);
});

Deno.test("svg: gets the SVG namespace it needs to show as an image; non-SVG is refused", () => {
  const b = bundleOf(svg('<svg viewBox="0 0 2 2"><path d="M0 0h1"/></svg>', "fig"));
  assert.match(b["image/svg+xml"], /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 2 2">/);
  // The same SVG inline in HTML, which nbconvert's HTML export keeps (its image/svg+xml comes out empty).
  assert.equal(b["text/html"], `<div class="facegroup-figure">${b["image/svg+xml"]}</div>`);
  assert.ok(!bundleOf(svg('<?xml version="1.0"?><svg></svg>'))["text/html"].includes("<?xml"));
  assert.equal(b["text/plain"], "fig");
  const already = '<svg xmlns="http://www.w3.org/2000/svg"><use xlink:href="#a"/></svg>';
  assert.equal(
    withSvgNamespace(already),
    '<svg xmlns:xlink="http://www.w3.org/1999/xlink" xmlns="http://www.w3.org/2000/svg"><use xlink:href="#a"/></svg>',
  );
  assert.equal(withSvgNamespace(withSvgNamespace(already)), withSvgNamespace(already));
  assert.throws(() => svg("<div>not svg</div>"), RangeError);
});

Deno.test("figure: Observable Plot's <figure> goes out as HTML, a bare <svg> as SVG", () => {
  assert.ok("text/html" in bundleOf(figure("<figure><svg></svg></figure>")));
  assert.ok("image/svg+xml" in bundleOf(figure("<svg></svg>")));
  assert.match(bundleOf(figure("<svg></svg>"))["text/html"], /<svg xmlns=/);
});

Deno.test("image: PNG and JPEG are sniffed and base64-encoded; other bytes are refused", () => {
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(imageType(jpeg), "image/jpeg");
  assert.equal(imageType(png), "image/png");
  assert.equal(imageType(new Uint8Array([1, 2, 3])), undefined);
  const b = bundleOf(image(jpeg, "sheet"));
  assert.equal(b["image/jpeg"], btoa(String.fromCharCode(...jpeg)));
  assert.equal(b["text/plain"], "sheet");
  assert.ok("image/png" in bundleOf(image(png)));
  assert.throws(() => image(new Uint8Array([0, 1, 2, 3])), RangeError);
});

Deno.test("show: outside Jupyter, prints each item's text form in order", async () => {
  assert.equal(jupyter(), undefined);
  const lines: unknown[] = [];
  const log = console.log;
  console.log = (v: unknown) => lines.push(v);
  try {
    await show(markdown("**one**"), 2, displayable({ "text/html": "<i>3</i>" }, "three"));
  } finally {
    console.log = log;
  }
  assert.deepEqual(lines, ["**one**", 2, "three"]);
});

Deno.test("thinLog: passes other lines, writes every n-th repeated line as a count", () => {
  const out: string[] = [];
  const log = thinLog(/^ {2}done /, 2, (l) => out.push(l));
  for (const l of ["sweep: 5 runs", "  done a", "  done b", "  FAILED c", "  done d", "  done e"]) log(l);
  assert.deepEqual(out, ["sweep: 5 runs", "  ... 2 done", "  FAILED c", "  ... 4 done"]);
});

Deno.test("thinLog writes to stdout by default, and progressOnStdout sends stderr there while it runs", async () => {
  const module = new URL("./display.ts", import.meta.url).href;
  const code = `import { progressOnStdout, thinLog } from ${JSON.stringify(module)};
thinLog(/^x/)("thin line");
const v = await progressOnStdout(async () => {
  Deno.stderr.writeSync(new TextEncoder().encode("progress line\\n"));
  await Deno.stderr.write(new TextEncoder().encode("async line\\n"));
  console.error("console line");
  return 7;
});
console.error("after: stderr " + v);`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  assert.equal(dec.decode(out.stdout), "thin line\nprogress line\nasync line\nconsole line\n");
  assert.equal(dec.decode(out.stderr), "after: stderr 7\n");
});
