import assert from "node:assert/strict";
import { escapeHtml, markup, safeHttpUrl, showBidiControls, trustedHtml } from "./html.ts";

const HOSTILE = "<img src=x onerror=alert(1)>.jpg";
const QUOTES = `"quotes" & 'apostrophes'.jpg`;

Deno.test("escapeHtml escapes & < > \" ' and leaves other text alone", () => {
  assert.equal(escapeHtml(HOSTILE), "&lt;img src=x onerror=alert(1)&gt;.jpg");
  assert.equal(escapeHtml(QUOTES), "&quot;quotes&quot; &amp; &#39;apostrophes&#39;.jpg");
  assert.equal(escapeHtml("&amp;"), "&amp;amp;");
  assert.equal(escapeHtml("写真 é.jpg"), "写真 é.jpg");
});

Deno.test("markup escapes every interpolated value unless marked safe", () => {
  const out = markup`<a title="${HOSTILE}">${QUOTES}</a>`.value;
  assert.equal(
    out,
    `<a title="&lt;img src=x onerror=alert(1)&gt;.jpg">&quot;quotes&quot; &amp; &#39;apostrophes&#39;.jpg</a>`,
  );
  // Nested results are not escaped twice; arrays are concatenated; null/undefined/false vanish.
  const inner = markup`<b>${"<i>"}</b>`;
  assert.equal(
    markup`<p>${inner}${[HOSTILE, inner]}${null}${undefined}${false}${0}</p>`.value,
    `<p><b>&lt;i&gt;</b>&lt;img src=x onerror=alert(1)&gt;.jpg<b>&lt;i&gt;</b>0</p>`,
  );
  // Plain strings that look like markup are still text; only trustedHtml passes through.
  assert.equal(markup`${"<br>"}${trustedHtml("<br>")}`.value, "&lt;br&gt;<br>");
  assert.equal(String(markup`x${1}y`), "x1y");
});

Deno.test("safeHttpUrl keeps http(s) links and refuses everything else", () => {
  assert.equal(
    safeHttpUrl("https://drive.google.com/file/d/abc/view"),
    "https://drive.google.com/file/d/abc/view",
  );
  assert.equal(safeHttpUrl(" http://example.test/a b "), "http://example.test/a%20b");
  assert.equal(
    safeHttpUrl(`https://x.test/"><img src=x onerror=alert(1)>`),
    "https://x.test/%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E",
  );
  assert.equal(safeHttpUrl("https://user:secret@x.test/p"), "https://x.test/p");
  for (
    const bad of [
      "javascript:alert(1)",
      "JavaScript:alert(1)",
      " javascript:alert(1)",
      "java\tscript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox(1)",
      "file:///etc/passwd",
      "//evil.test/x",
      "/relative/path",
      "not a url",
      "",
      undefined,
    ]
  ) assert.equal(safeHttpUrl(bad), undefined, String(bad));
});

Deno.test("bidirectional controls in names are shown by name, in content and attributes alike", () => {
  // U+202E turns the rest around: shown raw, this name reads "evilgnp.jpg".
  const evil = "evil\u202Egpj.png";
  assert.equal(escapeHtml(evil), "evil&lt;U+202E&gt;gpj.png");
  assert.equal(showBidiControls(evil), "evil<U+202E>gpj.png");
  assert.equal(
    markup`<a title="${evil}">${evil}</a>`.value,
    `<a title="evil&lt;U+202E&gt;gpj.png">evil&lt;U+202E&gt;gpj.png</a>`,
  );
  const controls = [
    0x061c,
    0x200e,
    0x200f,
    0x202a,
    0x202b,
    0x202c,
    0x202d,
    0x202e,
    0x2066,
    0x2067,
    0x2068,
    0x2069,
  ];
  const all = controls.map((c) => `a${String.fromCodePoint(c)}`).join("");
  const shown = escapeHtml(all);
  assert.equal(
    shown,
    controls.map((c) => `a&lt;U+${c.toString(16).toUpperCase().padStart(4, "0")}&gt;`).join(""),
  );
  assert.doesNotMatch(shown, /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/);
  // Neighbours that are not bidi controls stay as they are (Arabic, Hebrew, emoji joiners).
  assert.equal(escapeHtml("صورة שלום 👩\u200D👩.jpg"), "صورة שלום 👩\u200D👩.jpg");
  assert.equal(showBidiControls("plain.jpg"), "plain.jpg");
});
