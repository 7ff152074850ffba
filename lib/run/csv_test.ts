import assert from "node:assert/strict";
import { assignmentsCsv, errorsCsv, writeAssignmentsCsv, writeErrorsCsv } from "./csv.ts";
import { csvField, csvRecord } from "../util/csv.ts";
import type { ReportFace } from "./types.ts";

/** A small RFC 4180 reader, to check that what is written reads back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"', i += 2);
      else if (c === '"') (quoted = false, i++);
      else (field += c, i++);
    } else if (c === '"' && field === "") (quoted = true, i++);
    else if (c === ",") (row.push(field), field = "", i++);
    else if (c === "\r" && text[i + 1] === "\n") {
      (row.push(field), rows.push(row), row = [], field = "", i += 2);
    } else if (c === '"' || c === "\r" || c === "\n") throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
    else (field += c, i++);
  }
  assert.equal(field, "", "text ends with CRLF");
  assert.equal(row.length, 0);
  return rows;
}

const face = (path: string, idx: number, cluster: number, score = 0.98765): ReportFace => ({
  path,
  face: idx,
  box: { x: 10.5, y: 20.49, w: 99.5, h: 100.4 },
  score,
  cluster,
});

Deno.test("csvField quotes commas, quotes, newlines and edge spaces, and nothing else", () => {
  assert.equal(csvField("plain.jpg"), "plain.jpg");
  assert.equal(csvField(-1), "-1");
  assert.equal(csvField(""), "");
  assert.equal(csvField("a,b.jpg"), '"a,b.jpg"');
  assert.equal(csvField('say "hi".jpg'), '"say ""hi"".jpg"');
  assert.equal(csvField("line\nbreak.jpg"), '"line\nbreak.jpg"');
  assert.equal(csvField("cr\rx"), '"cr\rx"');
  assert.equal(csvField(" lead.jpg"), '" lead.jpg"');
  assert.equal(csvRecord(["a", 1, 'b"c']), 'a,1,"b""c"\r\n');
});

Deno.test("hostile names round-trip through the assignments CSV", () => {
  const names = ["a,b.jpg", 'say "hi".jpg', "line\nbreak.jpg", "cr\r\nlf.jpg", '",\n"', "ünïcødé 写真.jpg"];
  const text = assignmentsCsv({
    faces: names.map((n, i) => face(n, 0, i)),
    noFace: [{ path: 'x,"y"\n.jpg' }],
  });
  const rows = parseCsv(text);
  assert.equal(rows.length, names.length + 2);
  assert.ok(rows.every((r) => r.length === 9), "every row has 9 fields");
  const paths = rows.slice(1).map((r) => r[0]);
  assert.deepEqual(new Set(paths), new Set([...names, 'x,"y"\n.jpg']));
});

Deno.test("assignments CSV: exact header, rounding, no-face rows, order by path then face", () => {
  const text = assignmentsCsv({
    faces: [face("b.jpg", 1, -1, 0.5), face("b.jpg", 0, 3), face("a.jpg", 0, 7, 0.123456)],
    noFace: [{ path: "c.jpg" }, { path: "0.jpg" }],
  });
  assert.equal(
    text,
    "path,face,x,y,w,h,score,cluster,person\r\n" +
      "0.jpg,-1,,,,,,-1,\r\n" +
      "a.jpg,0,11,20,100,100,0.1235,7,\r\n" +
      "b.jpg,0,11,20,100,100,0.9877,3,\r\n" +
      "b.jpg,1,11,20,100,100,0.5000,-1,\r\n" +
      "c.jpg,-1,,,,,,-1,\r\n",
  );
  assert.equal(assignmentsCsv({ faces: [], noFace: [] }), "path,face,x,y,w,h,score,cluster,person\r\n");
});

Deno.test("assignments CSV: the person column holds the reviewed name, escaped and guarded", () => {
  const text = assignmentsCsv({
    faces: [
      { ...face("a.jpg", 0, 0), person: "Ada, Lovelace" },
      { ...face("b.jpg", 0, 1), person: "=cmd()" },
      face("c.jpg", 0, 2),
    ],
    noFace: [],
  });
  const rows = parseCsv(text);
  assert.deepEqual(rows.map((r) => r[8]), ["person", "Ada, Lovelace", "'=cmd()", ""], "guarded");
  assert.ok(text.includes(`"Ada, Lovelace"`) && text.includes(",'=cmd()"), text);
});

Deno.test("errors CSV: exact header, escaping, order by path then stage", () => {
  const text = errorsCsv([
    { path: "z.jpg", stage: "read", message: "EACCES: permission denied" },
    { path: "a.heic", stage: "decode", message: 'unsupported "heif", really' },
  ]);
  assert.equal(
    text,
    "path,stage,message\r\n" +
      'a.heic,decode,"unsupported ""heif"", really"\r\n' +
      "z.jpg,read,EACCES: permission denied\r\n",
  );
});

Deno.test("CSV writers write atomically: full replacement, no temp files left, failures leave nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/sub/assignments.csv`;
    await Deno.mkdir(`${dir}/sub`);
    await Deno.writeTextFile(file, "old content that is longer than the new one\n".repeat(100));
    await writeAssignmentsCsv(file, { faces: [face("a.jpg", 0, 1)], noFace: [] });
    assert.equal(
      await Deno.readTextFile(file),
      "path,face,x,y,w,h,score,cluster,person\r\na.jpg,0,11,20,100,100,0.9877,1,\r\n",
    );
    await writeErrorsCsv(`${dir}/new/errors.csv`, []);
    assert.equal(await Deno.readTextFile(`${dir}/new/errors.csv`), "path,stage,message\r\n");
    // A target that cannot be replaced (a non-empty folder): the write fails and leaves no temp file.
    await Deno.mkdir(`${dir}/sub/blocked.csv`);
    await Deno.writeTextFile(`${dir}/sub/blocked.csv/keep`, "x");
    await assert.rejects(writeErrorsCsv(`${dir}/sub/blocked.csv`, []));
    assert.equal(await Deno.readTextFile(`${dir}/sub/blocked.csv/keep`), "x");
    const names = [...Deno.readDirSync(`${dir}/sub`)].map((e) => e.name).sort();
    assert.deepEqual(names, ["assignments.csv", "blocked.csv"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
