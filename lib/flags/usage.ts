/**
 * The usage text of a command, generated from its declared flags.
 * @module
 */
import { numberKind } from "./parse.ts";
import type { CommandSpec, FlagSpec } from "./types.ts";

const COLUMN = 24;
const WIDTH = 100;

/** The placeholder of a flag's value, e.g. `<dir>`; empty for booleans. */
function placeholder(spec: FlagSpec): string {
  if (spec.type === "boolean") return "";
  if (spec.placeholder) return `<${spec.placeholder}>`;
  if (spec.type === "enum") return `<${spec.choices.join("|")}>`;
  if (spec.type === "list") {
    return spec.choices ? `<${spec.choices.join("|")},...>` : `<${spec.item ?? "x"},...>`;
  }
  if (spec.type === "integer") return "<n>";
  return `<${spec.type}>`;
}

/** The default as the usage text shows it. */
function shownDefault(spec: FlagSpec): string | undefined {
  if (spec.defaultText !== undefined) return spec.defaultText;
  if (spec.default === undefined || spec.default === false) return undefined;
  if (Array.isArray(spec.default)) return spec.default.length ? spec.default.join(",") : undefined;
  return String(spec.default);
}

/** The sentence about allowed values that the help text does not already give. */
function allowed(spec: FlagSpec): string | undefined {
  if (spec.type === "number" || spec.type === "integer") {
    return numberKind(spec) === "a number" ? undefined : numberKind(spec);
  }
  if (spec.type === "enum" && spec.placeholder && !spec.help.includes(spec.choices.join(" | "))) {
    return spec.choices.join(" | ");
  }
  return undefined;
}

function wrap(text: string, indent: number, first: number): string[] {
  const lines: string[] = [];
  let line = "", room = WIDTH - first;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
      room = WIDTH - indent;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** One flag's lines: `  --name <x>   help [allowed values; default d]`. */
function entry(left: string, spec: FlagSpec): string {
  const notes = [
    allowed(spec),
    spec.required ? "required" : undefined,
    shownDefault(spec) !== undefined ? `default ${shownDefault(spec)}` : undefined,
  ].filter(Boolean);
  const text = notes.length ? `${spec.help} [${notes.join("; ")}]` : spec.help;
  const head = `  ${left}`;
  const pad = head.length + 2 <= COLUMN ? head.padEnd(COLUMN) : `${head}\n${" ".repeat(COLUMN)}`;
  const body = wrap(text, COLUMN, COLUMN);
  return pad + body.map((l, i) => (i === 0 ? l : " ".repeat(COLUMN) + l)).join("\n");
}

/** The synopsis line: `usage: <name> <required flags> [options] <positionals>`. */
export function synopsis(spec: CommandSpec): string {
  if (spec.synopsis !== undefined) return `usage: ${spec.name} ${spec.synopsis}`.trimEnd();
  const required = Object.entries(spec.flags).filter(([, f]) => f.required)
    .map(([n, f]) => `--${n} ${placeholder(f)}`.trimEnd());
  const hasOptional = Object.values(spec.flags).some((f) => !f.required);
  const pos = Object.entries(spec.positionals ?? {}).map(([n, p]) => {
    const w = p.rest ? `<${n}>...` : `<${n}>`;
    return p.required ? w : `[${w}]`;
  });
  return ["usage:", spec.name, ...required, ...(hasOptional ? ["[options]"] : []), ...pos].join(" ");
}

/**
 * The full usage text: synopsis, summary, positionals, flags (each with its allowed values and
 * default), `-h, --help`, epilog.
 *
 * @example
 * ```ts
 * console.log(usageText(cmd));
 * ```
 */
export function usageText(spec: CommandSpec): string {
  const out = [synopsis(spec), "", ...wrap(spec.summary, 0, 0)];
  const pos = Object.entries(spec.positionals ?? {});
  if (pos.length) {
    out.push("", "arguments:");
    for (const [n, p] of pos) out.push(entry(`<${n}>`, p));
  }
  out.push("", "options:");
  for (const [n, f] of Object.entries(spec.flags)) out.push(entry(`--${n} ${placeholder(f)}`.trimEnd(), f));
  out.push(entry("-h, --help", { type: "boolean", help: "print this text and exit" }));
  if (spec.epilog) {
    out.push("", ...spec.epilog.split("\n\n").flatMap((p, i) => [...(i ? [""] : []), ...wrap(p, 0, 0)]));
  }
  return out.join("\n");
}
