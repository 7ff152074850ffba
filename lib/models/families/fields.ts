/**
 * Checks of catalogue fields shared by the families; every error names the entry and field.
 * @module
 */
import { ToolkitError } from "../../errors.ts";
import type { InputSpec } from "../catalogue.ts";
import type { RawEntry } from "./types.ts";

/** A clear error about field `field` of the entry at `where`. */
export function fieldError(where: string, field: string, problem: string): ToolkitError {
  return new ToolkitError(`${where}: field "${field}" ${problem}`);
}

/** `v` as an object (or `{}` when absent and `optional`). */
export function objectField(v: unknown, where: string, field: string, optional = false): RawEntry {
  if (v === undefined && optional) return {};
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw fieldError(where, field, "must be an object");
  }
  return v as RawEntry;
}

/** `v` as a positive integer, or `fallback` when absent and one is given. */
export function positiveInt(v: unknown, where: string, field: string, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw fieldError(where, field, `must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** `v` as a non-empty string, or `fallback` when absent and one is given. */
export function stringField(v: unknown, where: string, field: string, fallback?: string): string {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== "string" || v === "") {
    throw fieldError(where, field, `must be a non-empty string, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** `v` as a list of non-empty strings of length `n`. */
export function stringList(v: unknown, where: string, field: string, n: number): string[] {
  if (!Array.isArray(v) || v.length !== n || v.some((s) => typeof s !== "string" || s === "")) {
    throw fieldError(where, field, `must be a list of ${n} output names, got ${JSON.stringify(v)}`);
  }
  return v as string[];
}

/**
 * The `input` object of an entry, with `defaults` for absent keys: positive integer size,
 * channels 1 or 3 agreeing with the colour order (GREY for 1), one finite mean and one
 * non-zero std per channel. `only` limits the colour orders the family accepts.
 */
export function parseInput(
  v: unknown,
  where: string,
  defaults: Partial<InputSpec> = {},
  only?: readonly InputSpec["colorOrder"][],
): InputSpec {
  const raw = { ...defaults, ...objectField(v, where, "input", Object.keys(defaults).length > 0) };
  const width = positiveInt(raw.width, where, "input.width");
  const height = positiveInt(raw.height, where, "input.height");
  const colorOrder = raw.colorOrder;
  const orders = only ?? ["RGB", "BGR", "GREY"];
  if (!orders.includes(colorOrder as InputSpec["colorOrder"])) {
    throw fieldError(
      where,
      "input.colorOrder",
      `must be one of ${orders.join(", ")}, got ${JSON.stringify(colorOrder)}`,
    );
  }
  const channels = raw.channels ?? (colorOrder === "GREY" ? 1 : 3);
  if (channels !== (colorOrder === "GREY" ? 1 : 3)) {
    throw fieldError(
      where,
      "input.channels",
      `must be ${colorOrder === "GREY" ? 1 : 3} for ${colorOrder}, got ${JSON.stringify(channels)}`,
    );
  }
  const perChannel = (x: unknown, field: string, ok: (n: number) => boolean): number[] => {
    if (!Array.isArray(x) || x.length !== channels || x.some((n) => typeof n !== "number" || !ok(n))) {
      throw fieldError(
        where,
        field,
        `must be a list of ${channels} ${field === "input.std" ? "non-zero " : ""}numbers, got ${
          JSON.stringify(x)
        }`,
      );
    }
    return x as number[];
  };
  const mean = perChannel(raw.mean, "input.mean", Number.isFinite);
  const std = perChannel(raw.std, "input.std", (n) => Number.isFinite(n) && n !== 0);
  return {
    width,
    height,
    channels: channels as 1 | 3,
    colorOrder: colorOrder as InputSpec["colorOrder"],
    mean,
    std,
  };
}
