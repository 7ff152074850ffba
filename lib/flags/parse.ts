/**
 * Parses a command line against a declared {@link CommandSpec}: `--x v` and `--x=v`, negative
 * numbers as values, `--no-x` for booleans, repeated or comma-separated lists, positionals only
 * where declared, "did you mean" for misspelt flags and choices, every value checked before the
 * command does any work.
 * @module
 */
import { resolvePath } from "./io.ts";
import { REPO_ROOT } from "./repo_root.ts";
import { closest } from "./suggest.ts";
import type { CommandSpec, CommandValues, FlagSpec, PositionalSpec } from "./types.ts";
import { UsageError } from "./usage_error.ts";

/** Where relative paths are taken from. */
export interface PathContext {
  /** Directory of given relative paths (where the user ran the command). */
  cwd: string;
  /** Home folder, for `~/`. */
  home?: string;
  /** Directory of relative defaults. @default the repository root */
  root?: string;
}

/** The outcome of {@link parseCommand}: the typed values, or a request for the usage text. */
export type ParseResult<C> = { help: true } | { help: false; values: CommandValues<C> };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function describeRange(spec: { min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean }) {
  const parts: string[] = [];
  if (spec.min !== undefined) parts.push(`${spec.exclusiveMin ? ">" : ">="} ${spec.min}`);
  if (spec.max !== undefined) parts.push(`${spec.exclusiveMax ? "<" : "<="} ${spec.max}`);
  return parts.join(" and ");
}

/** What a number spec allows, e.g. "an integer >= 1" or "a number > 0 and <= 2". */
export function numberKind(spec: FlagSpec): string {
  if (spec.type !== "number" && spec.type !== "integer") return spec.type;
  const kind = spec.type === "integer" ? "an integer" : "a number";
  const range = describeRange(spec);
  return range ? `${kind} ${range}` : kind;
}

function parseNumber(label: string, spec: FlagSpec & { type: "number" | "integer" }, raw: string): number {
  const n = NUMBER.test(raw.trim()) ? Number(raw) : NaN;
  const bad = !Number.isFinite(n) || (spec.type === "integer" && !Number.isInteger(n)) ||
    (spec.min !== undefined && (spec.exclusiveMin ? n <= spec.min : n < spec.min)) ||
    (spec.max !== undefined && (spec.exclusiveMax ? n >= spec.max : n > spec.max));
  if (bad) throw new UsageError(`${label} must be ${numberKind(spec)}, got ${JSON.stringify(raw)}`);
  return n;
}

function choice(label: string, choices: readonly string[], raw: string): string {
  if (choices.includes(raw)) return raw;
  const near = closest(raw, choices);
  throw new UsageError(
    `${label} must be one of ${choices.join(", ")}, got ${JSON.stringify(raw)}${
      near ? `; did you mean ${near}?` : ""
    }`,
  );
}

/**
 * Converts one raw value (from the command line or an environment variable named by `label`)
 * as `spec` declares, running its checks; throws a {@link UsageError} naming `label`.
 *
 * @example
 * ```ts
 * parseValue("--score", { type: "number", min: 0, max: 1, exclusiveMin: true, help: "" }, "0.5", { cwd: "." }); // 0.5
 * ```
 */
export function parseValue(label: string, spec: FlagSpec, raw: string | string[], ctx: PathContext): unknown {
  const one = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  let value: unknown;
  switch (spec.type) {
    case "string":
      value = one;
      break;
    case "path":
      if (one.trim() === "") throw new UsageError(`${label} must be a path, got ""`);
      value = spec.verbatimPrefixes?.some((p) => one.startsWith(p))
        ? one
        : resolvePath(one, ctx.cwd, ctx.home);
      break;
    case "number":
    case "integer":
      value = parseNumber(label, spec, one);
      break;
    case "boolean": {
      const w = one.trim().toLowerCase();
      if (["1", "true", "yes", "on"].includes(w)) value = true;
      else if (["0", "false", "no", "off", ""].includes(w)) value = false;
      else throw new UsageError(`${label} must be true or false, got ${JSON.stringify(one)}`);
      break;
    }
    case "enum":
      value = choice(label, spec.choices, one);
      break;
    case "list": {
      const items = (Array.isArray(raw) ? raw : [raw]).flatMap((r) => r.split(",")).map((s) => s.trim())
        .filter((s) => s !== "");
      value = items.map((s) => {
        if (spec.item === "integer" || spec.item === "number") {
          return parseNumber(label, { type: spec.item, min: spec.min, help: "" }, s);
        }
        return spec.choices ? choice(label, spec.choices, s) : s;
      });
      break;
    }
  }
  const problem = (spec.validate as ((v: unknown) => string | undefined) | undefined)?.(value);
  if (problem) throw new UsageError(`${label} ${problem}`);
  return value;
}

/** The value of a spec that was not given: its default (relative path defaults from the root). */
export function defaultValue(spec: FlagSpec, ctx: PathContext): unknown {
  if (spec.default === undefined) {
    if (spec.type === "boolean") return false;
    if (spec.type === "list") return [];
    return undefined;
  }
  if (spec.type === "path" && typeof spec.default === "string") {
    return resolvePath(spec.default, ctx.root ?? REPO_ROOT, ctx.home);
  }
  return Array.isArray(spec.default) ? [...spec.default] : spec.default;
}

/** Whether an argument asks for the usage text. */
export function isHelp(arg: string): boolean {
  return arg === "-h" || arg === "--help";
}

/**
 * Parses `args` against `spec`. `-h`/`--help` anywhere (before `--`) wins over everything
 * else, so that asking for help never runs the job. Any problem throws a {@link UsageError}.
 *
 * @example
 * ```ts
 * const cmd = defineCommand({ name: "x", summary: "x", flags: { n: { type: "integer", default: 2, help: "n" } } });
 * const r = parseCommand(cmd, ["--n", "3"], { cwd: "." }); // { help: false, values: { n: 3 } }
 * ```
 */
export function parseCommand<C extends CommandSpec<Record<string, FlagSpec>, Record<string, PositionalSpec>>>(
  spec: C,
  args: readonly string[],
  ctx: PathContext,
): ParseResult<C> {
  const end = args.indexOf("--");
  if ((end < 0 ? args : args.slice(0, end)).some(isHelp)) return { help: true };
  const flags = spec.flags;
  const raw = new Map<string, string[]>();
  const positional: string[] = [];
  const known = Object.keys(flags);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-" || NUMBER.test(arg)) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const body = arg.replace(/^--?/, "");
    let name = eq < 0 ? body : body.slice(0, body.indexOf("="));
    let inline: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    let fs = arg.startsWith("--") ? flags[name] : undefined;
    if (!fs && arg.startsWith("--no-") && flags[name.slice(3)]?.type === "boolean" && inline === undefined) {
      name = name.slice(3);
      fs = flags[name];
      inline = "false";
    }
    if (!fs) {
      const near = closest(name, known);
      throw new UsageError(
        `unknown flag ${arg.startsWith("--") ? "--" : "-"}${name}${
          near
            ? `; did you mean --${near}?`
            : known.length
            ? " (see --help)"
            : " (this command takes no flags)"
        }`,
      );
    }
    let value: string;
    if (inline !== undefined) value = inline;
    else if (fs.type === "boolean") value = "true";
    else {
      const next = args[i + 1];
      if (next === undefined || (next.startsWith("--") && next.length > 2)) {
        throw new UsageError(`--${name} needs a value (${fs.placeholder ?? fs.type})`);
      }
      value = next;
      i++;
    }
    const prev = raw.get(name);
    if (prev && fs.type !== "list") {
      throw new UsageError(
        `--${name} is given twice (${JSON.stringify(prev[0])} and ${JSON.stringify(value)})`,
      );
    }
    raw.set(name, [...(prev ?? []), value]);
  }

  const pos = Object.entries(spec.positionals ?? {});
  if (!pos.some(([, p]) => p.rest) && positional.length > pos.length) {
    const stray = positional.slice(pos.length).map((s) => JSON.stringify(s)).join(" ");
    throw new UsageError(
      pos.length
        ? `unexpected argument ${stray} (takes ${pos.map(([n]) => `<${n}>`).join(" ")})`
        : `unexpected argument ${stray}: this command takes flags only (see --help)`,
    );
  }

  const values: Record<string, unknown> = {};
  for (const [name, fs] of Object.entries(flags)) {
    const given = raw.get(name);
    if (given) values[name] = parseValue(`--${name}`, fs, given, ctx);
    else if (fs.required) throw new UsageError(`--${name} is required`);
    else values[name] = defaultValue(fs, ctx);
  }
  let k = 0;
  for (const [name, ps] of pos) {
    const label = `<${name}>`;
    if (ps.rest) {
      const rest = positional.slice(k);
      k = positional.length;
      if (rest.length) values[name] = parseValue(label, ps, rest, ctx);
      else if (ps.required) throw new UsageError(`${label} is required`);
      else values[name] = defaultValue(ps, ctx);
    } else if (k < positional.length) values[name] = parseValue(label, ps, positional[k++], ctx);
    else if (ps.required) throw new UsageError(`${label} is required`);
    else values[name] = defaultValue(ps, ctx);
  }
  return { help: false, values: values as CommandValues<C> };
}
