/**
 * Sweep configuration: methods x hyperparameters as grids or lists in a JSON file, expanded
 * into validated runs, each with a stable id (so a killed sweep can resume).
 * @module
 */
import { ToolkitError } from "../errors.ts";
import { getClusterer, resolveParams } from "../cluster/registry.ts";

/** One block of a sweep: a method with a grid and/or a list of parameter sets. */
export interface MethodBlock {
  /** Registered method name, e.g. `dbscan`. */
  method: string;
  /** Parameters common to every run of the block. */
  params?: Record<string, unknown>;
  /** Cartesian product: parameter name -> values. */
  grid?: Record<string, unknown[]>;
  /** Explicit parameter sets (each combined with `params`, and with every grid point). */
  list?: Record<string, unknown>[];
  /** Seeds for this block (default: the sweep's `seeds`). */
  seeds?: number[];
}

/** A whole sweep file. */
export interface SweepConfig {
  /** Free text. */
  description?: string;
  /** Default seeds per run (default `[1]`). */
  seeds?: number[];
  /** Metric that picks the best run when labels are known (default `bcubedF1`). */
  select?: string;
  /** Label-free selection rule (default `consensus`). */
  labelFree?: string;
  /** Rows sampled for the silhouette and the consensus rule (default 3000). */
  sample?: number;
  /** Method blocks. */
  methods: MethodBlock[];
}

/** One run of a sweep. */
export interface RunSpec {
  /** Stable id: method, sorted params, seed. */
  id: string;
  /** Method name. */
  method: string;
  /** Full parameters (defaults filled in), validated. */
  params: Record<string, unknown>;
  /** Seed of the run's random source. */
  seed: number;
}

/** JSON with object keys sorted, so equal parameter sets print equally. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** The run id for a method, parameters and seed. */
export function runId(method: string, params: Record<string, unknown>, seed: number): string {
  return `${method} ${stableJson(params)} seed=${seed}`;
}

function gridPoints(grid: Record<string, unknown[]> = {}): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(grid)) {
    if (!Array.isArray(values) || values.length === 0) {
      throw new ToolkitError(`sweep config: grid "${key}" must be a non-empty array`);
    }
    points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  }
  return points;
}

/** Checks the shape of a parsed config file, throwing a ToolkitError naming the problem. */
export function checkConfig(raw: unknown, where = "sweep config"): SweepConfig {
  if (!raw || typeof raw !== "object") throw new ToolkitError(`${where}: not a JSON object`);
  const c = raw as SweepConfig;
  if (!Array.isArray(c.methods) || c.methods.length === 0) {
    throw new ToolkitError(`${where}: "methods" must be a non-empty array`);
  }
  const seedsOk = (s: unknown) => Array.isArray(s) && s.length > 0 && s.every(Number.isInteger);
  if (c.seeds !== undefined && !seedsOk(c.seeds)) {
    throw new ToolkitError(`${where}: "seeds" must be integers`);
  }
  c.methods.forEach((b, i) => {
    if (!b || typeof b.method !== "string") {
      throw new ToolkitError(`${where}: methods[${i}] needs a "method" name`);
    }
    if (b.seeds !== undefined && !seedsOk(b.seeds)) {
      throw new ToolkitError(`${where}: methods[${i}].seeds must be integers`);
    }
    if (b.list !== undefined && !Array.isArray(b.list)) {
      throw new ToolkitError(`${where}: methods[${i}].list must be an array of objects`);
    }
  });
  return c;
}

/** Expands a config into validated runs (duplicates removed, order kept). */
export function expandRuns(config: SweepConfig): RunSpec[] {
  const runs: RunSpec[] = [];
  const seen = new Set<string>();
  config.methods.forEach((block, i) => {
    const c = getClusterer(block.method);
    const lists = block.list && block.list.length > 0 ? block.list : [{}];
    for (const item of lists) {
      for (const point of gridPoints(block.grid)) {
        let params: Record<string, unknown>;
        try {
          params = resolveParams(c, { ...block.params, ...item, ...point });
        } catch (e) {
          throw new ToolkitError(`sweep config: methods[${i}] (${block.method}): ${(e as Error).message}`, {
            cause: e,
          });
        }
        for (const seed of block.seeds ?? config.seeds ?? [1]) {
          const id = runId(c.name, params, seed);
          if (seen.has(id)) continue;
          seen.add(id);
          runs.push({ id, method: c.name, params, seed });
        }
      }
    }
  });
  return runs;
}

/** Reads and expands a config file. */
export async function loadConfig(path: string): Promise<{ config: SweepConfig; runs: RunSpec[] }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new ToolkitError(`${path}: cannot read sweep config (${(e as Error).message})`, { cause: e });
  }
  const config = checkConfig(raw, path);
  return { config, runs: expandRuns(config) };
}
