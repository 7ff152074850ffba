import assert from "node:assert/strict";
import { csvRecord, errorsCsv, parseCsv, parseErrorsCsv } from "./csv.ts";

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
