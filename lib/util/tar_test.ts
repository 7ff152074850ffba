import assert from "node:assert/strict";
import { untar } from "./tar.ts";

function entry(name: string, content: string): Uint8Array {
  const data = new TextEncoder().encode(content);
  const header = new Uint8Array(512);
  header.set(new TextEncoder().encode(name), 0);
  header.set(new TextEncoder().encode(data.length.toString(8).padStart(11, "0")), 124);
  header[156] = 48;
  const body = new Uint8Array(Math.ceil(data.length / 512) * 512);
  body.set(data);
  const out = new Uint8Array(512 + body.length);
  out.set(header);
  out.set(body, 512);
  return out;
}

Deno.test("untar returns only the wanted regular files", () => {
  const parts = [
    entry("package/a.txt", "alpha"),
    entry("package/b.txt", "b".repeat(700)),
    new Uint8Array(1024),
  ];
  const tar = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) tar.set(p, o), o += p.length;
  const all = untar(tar);
  assert.deepEqual([...all.keys()], ["package/a.txt", "package/b.txt"]);
  assert.equal(new TextDecoder().decode(all.get("package/b.txt")), "b".repeat(700));
  const one = untar(tar, new Set(["package/a.txt"]));
  assert.deepEqual([...one.keys()], ["package/a.txt"]);
  assert.throws(
    () => untar(tar.subarray(0, 1636), undefined, "x.tgz"),
    /x\.tgz: truncated tar entry package\/b\.txt/,
  );
});
