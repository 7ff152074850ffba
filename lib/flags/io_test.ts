import assert from "node:assert/strict";
import { callerDir, commandIo, resolvePath } from "./io.ts";
import { REPO_ROOT } from "./repo_root.ts";

Deno.test("callerDir: INIT_CWD when deno task ran the command in the repository root, else the process's", () => {
  const env = (n: string) => (n === "INIT_CWD" ? "/home/me/photos" : undefined);
  assert.equal(callerDir(env, REPO_ROOT), "/home/me/photos");
  assert.equal(callerDir(env, "/elsewhere"), "/elsewhere", "an inherited INIT_CWD is ignored");
  assert.equal(callerDir(() => undefined, REPO_ROOT), REPO_ROOT);
});

Deno.test("commandIo fills what is missing and writes lines", () => {
  const out: string[] = [];
  const io = commandIo({ stdout: (t) => void out.push(t), stderr: (t) => void out.push(`!${t}`), cwd: "/w" });
  io.out("a");
  io.err("b");
  assert.deepEqual(out, ["a\n", "!b\n"]);
  assert.equal(io.cwd, "/w");
  assert.equal(io.isTty, false, "a replaced stderr is not a terminal");
  assert.equal(typeof io.env("PATH"), "string");
});

Deno.test("resolvePath: relative from the base, ~ from home, absolute kept", () => {
  assert.equal(resolvePath("a/b", "/w"), "/w/a/b");
  assert.equal(resolvePath("../c", "/w/x"), "/w/c");
  assert.equal(resolvePath("/abs", "/w"), "/abs");
  assert.equal(resolvePath("~/p", "/w", "/home/me"), "/home/me/p");
  assert.equal(resolvePath("~", "/w", "/home/me"), "/home/me");
  assert.equal(resolvePath("~/p", "/w"), "/w/~/p", "no home: a plain name");
});
