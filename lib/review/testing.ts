/**
 * A small synthetic run folder for the review application's tests: the report's seeded
 * synthetic run with hostile file names, one of them also holding a bidirectional control.
 * @module
 */
import { join } from "node:path";
import { writeSyntheticRun } from "../report/_testing/synthetic_run.ts";

/** The file name given to row 1: markup and a right-to-left override. */
export const BIDI_SCRIPT_NAME = "evil\u202Egpj.</script><script>alert(5)</script>.jpg";

/** Writes a synthetic run (hostile names; row 1 named {@link BIDI_SCRIPT_NAME}) to a new temporary folder. */
export async function reviewTestRun(faces = 120, people = 12): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "review-run-" });
  await writeSyntheticRun(dir, { faces, people, hostile: true, seed: 3 });
  const file = join(dir, "embeddings", "faces.jsonl");
  const lines = (await Deno.readTextFile(file)).trimEnd().split("\n").map((l) => JSON.parse(l));
  lines[1].path = BIDI_SCRIPT_NAME;
  await Deno.writeTextFile(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  return dir;
}
