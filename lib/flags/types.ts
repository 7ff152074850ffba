/**
 * A command's declared flags: type, default, help and validation of each, from which the
 * parser ({@link ./parse.ts}), the usage text ({@link ./usage.ts}) and the notebooks'
 * environment settings all come.
 * @module
 */

/** What every flag declares. */
interface FlagBase<T> {
  /** One line (or a few sentences) for the usage text. */
  help: string;
  /** The value's name in the usage text, e.g. `dir` in `--out <dir>`. @default the type */
  placeholder?: string;
  /** The command refuses to run without it. */
  required?: boolean;
  /** The value when the flag is not given (taken from the module that owns it, not retyped). */
  default?: T;
  /**
   * The default as the usage text states it when the flag itself has none (the library fills
   * it in, e.g. "one per core").
   */
  defaultText?: string;
  /** Extra check of a parsed value: returns what is wrong ("must be ..."), or undefined. */
  validate?: (value: T) => string | undefined;
}

/** Free text. */
export interface StringFlag extends FlagBase<string> {
  /** Free text. */
  type: "string";
}

/**
 * A file or folder: resolved against the directory the user ran the command from (or, for a
 * relative default, against the repository root). `~/` is the home folder.
 */
export interface PathFlag extends FlagBase<string> {
  /** A path. */
  type: "path";
  /** Values starting with one of these are not paths and are kept as given (e.g. `drive:`). */
  verbatimPrefixes?: readonly string[];
}

/** A finite number with an optional range. */
export interface NumberFlag extends FlagBase<number> {
  /** A number (`integer`: a whole number). */
  type: "number" | "integer";
  /** Smallest allowed value. */
  min?: number;
  /** Largest allowed value. */
  max?: number;
  /** `min` itself is not allowed. */
  exclusiveMin?: boolean;
  /** `max` itself is not allowed. */
  exclusiveMax?: boolean;
}

/** On or off: `--x`, `--x=false`, `--no-x`. @default false */
export interface BooleanFlag extends FlagBase<boolean> {
  /** On or off. */
  type: "boolean";
}

/** One of a fixed set of words. */
export interface EnumFlag<C extends string = string> extends FlagBase<C> {
  /** One of `choices`. */
  type: "enum";
  /** The allowed words. */
  choices: readonly C[];
}

/**
 * Several values: the flag repeated (`--only a --only b`) or comma-separated (`--only a,b`).
 * @default []
 */
export interface ListFlag extends FlagBase<readonly (string | number)[]> {
  /** A list. */
  type: "list";
  /** The type of each item. @default "string" */
  item?: "string" | "integer" | "number";
  /** Allowed words, for string items. */
  choices?: readonly string[];
  /** Smallest allowed number, for number items. */
  min?: number;
}

/** Any flag. */
export type FlagSpec = StringFlag | PathFlag | NumberFlag | BooleanFlag | EnumFlag | ListFlag;

/** A positional argument: a flag spec read by position; `rest` takes all remaining ones. */
export type PositionalSpec = FlagSpec & {
  /** Takes every remaining positional argument (the spec must be a list). */
  rest?: boolean;
};

/** A command's declaration. */
export interface CommandSpec<
  F extends Record<string, FlagSpec> = Record<string, FlagSpec>,
  P extends Record<string, PositionalSpec> = Record<string, PositionalSpec>,
> {
  /** How the user runs it, e.g. `deno task run`. */
  name: string;
  /** One line: what it does (also the deno.json task's description). */
  summary: string;
  /** Flags by name (without the dashes). */
  flags: F;
  /** Positional arguments in order (none: every stray argument is refused). */
  positionals?: P;
  /** The synopsis after the name; generated from required flags when absent. */
  synopsis?: string;
  /** Paragraphs printed after the flags. */
  epilog?: string;
}

/** The value type of one spec. */
export type ValueOf<S> = S extends { type: "boolean" } ? boolean
  : S extends { type: "number" | "integer" } ? number
  : S extends { type: "enum"; choices: readonly (infer C)[] } ? C
  : S extends { type: "list"; item: "integer" | "number" } ? number[]
  : S extends { type: "list" } ? string[]
  : string;

/** Whether a spec always has a value after parsing. */
type Always<S> = S extends { required: true } ? true
  : S extends { default: unknown } ? true
  : S extends { type: "boolean" | "list" } ? true
  : false;

/** Parsed values of a set of specs, typed (flags not given and without default are undefined). */
export type Values<F> = {
  -readonly [K in keyof F]: Always<F[K]> extends true ? ValueOf<F[K]> : ValueOf<F[K]> | undefined;
};

/** Parsed values of a command's flags and positionals. */
export type CommandValues<C> = C extends CommandSpec<infer F, infer P> ? Values<F> & Values<P> : never;

/**
 * Declares a command, keeping the literal types of its flags so that parsing returns typed
 * values.
 *
 * @example
 * ```ts
 * const cmd = defineCommand({
 *   name: "deno task x",
 *   summary: "does x",
 *   flags: { n: { type: "integer", min: 1, default: 2, help: "how many" } },
 * });
 * ```
 */
export function defineCommand<
  const F extends Record<string, FlagSpec>,
  const P extends Record<string, PositionalSpec> = Record<never, PositionalSpec>,
>(spec: CommandSpec<F, P>): CommandSpec<F, P> {
  return spec;
}

/**
 * Declares one flag, keeping its literal type (for flags shared between commands).
 *
 * @example
 * ```ts
 * const SEED = flag({ type: "integer", min: 0, default: 1, help: "seed" });
 * ```
 */
export function flag<const S extends FlagSpec>(spec: S): S {
  return spec;
}
