/**
 * Clusterer parameters written as text (`name=value`, as `deno task run --param` takes them),
 * read with the method's declared parameter types and checked against their constraints.
 * @module
 */
import type { AnyClusterer } from "./registry.ts";
import { resolveParams } from "./registry.ts";
import { RERANK_SPECS } from "./rerank_params.ts";
import type { ParamSpec } from "./types.ts";

function valueOf(method: string, key: string, spec: ParamSpec, text: string): unknown {
  const where = `${method}: parameter "${key}" (${spec.description})`;
  switch (spec.type) {
    case "int":
    case "number": {
      const v = text.trim() === "" ? NaN : Number(text);
      if (!Number.isFinite(v)) throw new RangeError(`${where} must be a number, got "${text}"`);
      return v;
    }
    case "boolean":
      if (text === "true") return true;
      if (text === "false") return false;
      throw new RangeError(`${where} must be true or false, got "${text}"`);
    case "enum":
      return text;
  }
}

/**
 * The parameters `assignments` (`["neighbours=32", "threshold=0.5"]`) give method `c`, typed by its
 * declared parameters (graph methods also take the re-ranking ones) and validated with its
 * defaults filled in; throws a RangeError naming the method and the parameter otherwise. Returns
 * only the parameters given.
 */
export function paramsFromText(c: AnyClusterer, assignments: readonly string[]): Record<string, unknown> {
  const specs: Record<string, ParamSpec> = { ...c.params, ...(c.needs === "graph" ? RERANK_SPECS : {}) };
  const out: Record<string, unknown> = {};
  for (const a of assignments) {
    const eq = a.indexOf("=");
    if (eq <= 0) throw new RangeError(`${c.name}: "${a}" is not name=value`);
    const key = a.slice(0, eq).trim(), text = a.slice(eq + 1).trim();
    const spec = specs[key];
    if (!spec) {
      throw new RangeError(`${c.name}: unknown parameter "${key}" (known: ${Object.keys(specs).join(", ")})`);
    }
    if (key in out) throw new RangeError(`${c.name}: parameter "${key}" given twice`);
    out[key] = valueOf(c.name, key, spec, text);
  }
  resolveParams(c, out);
  return out;
}
