import assert from "node:assert/strict";
import { errorsCsv, parseErrorsCsv } from "./csv.ts";
import { csvRecord, parseCsv } from "../util/csv.ts";

Deno.test("parseCsv reads back what csvRecord writes, quotes, commas and line breaks included", () => {
  const rows = [["path", "stage", "message"], ['a,"b".jpg', " x ", "line\r\nbreak"], ["", "é", "<img>"]];
  assert.deepEqual(parseCsv(rows.map(csvRecord).join("")), rows);
  assert.deepEqual(parseCsv("a,b\nc,d\n"), [["a", "b"], ["c", "d"]]);
  assert.deepEqual(parseCsv("a,b"), [["a", "b"]]);
  assert.deepEqual(parseCsv(""), []);
  assert.deepEqual(parseCsv('"x"""\r\n'), [['x"']]);
});

Deno.test("parseErrorsCsv round-trips errorsCsv and checks the header", () => {
  const errors = [{ path: "<img src=x onerror=alert(1)>.jpg", stage: "decode", message: 'bad, "really"' }];
  assert.deepEqual(parseErrorsCsv(errorsCsv(errors)), errors);
  assert.deepEqual(parseErrorsCsv(""), []);
  assert.throws(() => parseErrorsCsv("a,b,c\r\n"), /header/);
});

Deno.test("formula-like text is guarded for spreadsheets and read back exactly", () => {
  const hostile = [
    '=HYPERLINK("http://x","y").jpg',
    "+1.jpg",
    "-2+3",
    "@SUM(A1).jpg",
    "\tx",
    "'quoted",
    "''",
    "'",
  ];
  for (const h of hostile) {
    const cell = csvRecord([h]);
    assert.ok(!/^"?[=+\-@\t]/.test(cell), `${JSON.stringify(h)} written as ${JSON.stringify(cell)}`);
    assert.deepEqual(parseCsv(cell), [[h]], JSON.stringify(h));
  }
  // Numbers are numbers: -1 stays -1; so does text that merely contains the characters.
  assert.equal(csvRecord([-1, "a=b.jpg", "x-1"]), "-1,a=b.jpg,x-1\r\n");
  const errors = [{ path: "=cmd|' /C calc'!A0.jpg", stage: "decode", message: "-bad" }];
  assert.deepEqual(parseErrorsCsv(errorsCsv(errors)), errors);
});
