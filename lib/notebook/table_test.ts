import assert from "node:assert/strict";
import { markup } from "../util/html.ts";
import { HOSTILE_NAMES } from "../report/_testing/synthetic_run.ts";
import { bundleOf } from "./display.ts";
import { formatCell, keyValueTable, table } from "./table.ts";

Deno.test("table: every outside string is escaped, in cells, headers and caption", () => {
  const t = bundleOf(
    table([{ path: HOSTILE_NAMES.file, [HOSTILE_NAMES.folder]: 1 }], { caption: HOSTILE_NAMES.script }),
  );
  const h = t["text/html"];
  assert.ok(!h.includes("<img"), "no live <img> from a file name");
  assert.ok(!h.includes("<script"), "no live <script> from a caption");
  assert.ok(!h.includes("<b>"), "no live <b> from a header");
  assert.ok(h.includes("&lt;img src=x onerror=alert(1)&gt;.jpg"));
  assert.ok(h.includes("&quot;quotes&quot; &amp; &#39;apostrophes&#39;"));
  // The text form keeps the text as is.
  assert.ok(t["text/plain"].includes(HOSTILE_NAMES.file));
});

Deno.test("table: SafeHtml cells are inserted as is; numbers are formatted and right-aligned", () => {
  const t = bundleOf(table([
    { name: "a", n: 1234, v: 0.123456, link: markup`<a href="x">${"<y>"}</a>` },
    { name: "b", n: 5, v: NaN, link: undefined },
  ], { digits: 2 }));
  const h = t["text/html"];
  assert.ok(h.includes('<a href="x">&lt;y&gt;</a>'));
  assert.ok(h.includes(">1,234</td>") && h.includes(">0.12</td>") && h.includes(">–</td>"));
  assert.equal((h.match(/text-align:right/g) ?? []).length, 2 + 2 * 2, "header and cells of n and v");
  const lines = t["text/plain"].split("\n");
  assert.deepEqual(lines.slice(0, 2), ["name      n     v  link", "----  -----  ----  ----"]);
  assert.equal(lines[2], "a     1,234  0.12  <y>");
});

Deno.test("table: rows beyond maxRows are counted; columns can be chosen and renamed", () => {
  const rows = Array.from({ length: 5 }, (_, i) => ({ i, skip: "x" }));
  const t = bundleOf(table(rows, { maxRows: 2, columns: ["i"], headers: { i: "index" } }));
  assert.ok(t["text/html"].includes("… 3 more rows"));
  assert.ok(!t["text/html"].includes("skip"));
  assert.ok(t["text/html"].includes(">index</th>"));
  assert.deepEqual(t["text/plain"].split("\n"), ["index", "-----", "    0", "    1", "… 3 more rows"]);
});

Deno.test("keyValueTable: two columns without a header", () => {
  const t = bundleOf(keyValueTable({ photos: 6, source: "<folder>" }, { caption: "Source" }));
  assert.ok(!t["text/html"].includes("<thead>"));
  assert.ok(t["text/html"].includes("&lt;folder&gt;"));
  assert.deepEqual(t["text/plain"].split("\n"), ["Source", "photos  6", "source  <folder>"]);
});

Deno.test("formatCell", () => {
  assert.equal(formatCell(undefined), "");
  assert.equal(formatCell(Infinity), "–");
  assert.equal(formatCell(1e6), "1,000,000");
  assert.equal(formatCell(1 / 3, 3), "0.333");
  assert.equal(formatCell(true), "true");
  assert.equal(formatCell(markup`<b>${"x"}</b>`), "x");
});
