import assert from "node:assert/strict";
import { escapeHtml, markup } from "../../util/html.ts";
import { dataUri, jsonForScript, linker, scriptHash, siteDocument, siteNav } from "./doc.ts";

Deno.test("scriptHash is the CSP sha256 source of the exact script text", async () => {
  const code = "console.log('é')";
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(code)));
  assert.equal(scriptHash(code), `'sha256-${btoa(String.fromCharCode(...d))}'`);
});

Deno.test("jsonForScript cannot end its script element and parses back", () => {
  const value = { name: "</script><script>alert(1)</script> & \u2028", n: [1, 2] };
  const text = jsonForScript(value).value;
  assert.ok(!/[<>&\u2028]/.test(text));
  assert.deepEqual(JSON.parse(text), value);
});

Deno.test("siteDocument: CSP allows only the given scripts by hash; links per mode", () => {
  const plain = siteDocument("t <b>", markup`<p>x</p>`);
  assert.ok(plain.includes("<title>t &lt;b&gt;</title>"));
  assert.ok(!plain.includes("script-src") && !plain.includes("<script>"));
  const withScript = siteDocument("t", markup``, ["let a = 1;"]);
  assert.ok(withScript.includes(escapeHtml(`script-src ${scriptHash("let a = 1;")};`)));
  assert.ok(withScript.includes("<script>let a = 1;</script>"));
  assert.equal(linker(false).href("gallery-2"), "gallery-2.html");
  assert.equal(linker(true).href("gallery-2"), "#gallery-2");
  const nav = siteNav(linker(false), "map", "<i>T</i>").value;
  assert.ok(nav.includes(`<a href="map.html" aria-current="page">Map</a>`));
  assert.ok(nav.includes("&lt;i&gt;T&lt;/i&gt;"));
  assert.equal(dataUri(new Uint8Array([1, 2, 3])), "data:image/jpeg;base64,AQID");
});
