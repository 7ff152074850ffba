/**
 * Every command of the toolkit: its file, its `deno task` name where it has one, its declared
 * flags and its entry point. The deno.json task descriptions are these summaries (a test
 * checks that they agree), and every command's `--help` comes from its declaration.
 * @module
 */
import { CLUSTER_BENCH_COMMAND, main as clusterBench } from "../bench/cluster/bench.ts";
import { KNN_BENCH_COMMAND, main as knnBench } from "../bench/cluster/knn_bench.ts";
import { CW_SCALE_COMMAND, main as cwScale } from "../bench/cluster/cw_scale.ts";
import { main as repeatMemory, REPEAT_MEMORY_COMMAND } from "../bench/repeat_memory.ts";
import { ALIGNED_CROPS_COMMAND, main as alignedCrops } from "../bench/aligned_crops.ts";
import { CHOICE_COST_COMMAND, main as choiceCost } from "../bench/choice_cost.ts";
import { ALTERNATIVES_BENCH_COMMAND, main as alternativesBench } from "../bench/alternatives.ts";
import { CEILING_BENCH_COMMAND, main as ceilingBench } from "../bench/ceiling.ts";
import { DEVSETS_BENCH_COMMAND, main as devsets } from "../bench/devsets.ts";
import { LFW_BENCH_COMMAND, main as lfwBench } from "../bench/lfw.ts";
import { main as ttaBench, TTA_BENCH_COMMAND } from "../bench/tta.ts";
import { CONCURRENT_BENCH_COMMAND, main as concurrentBench } from "../bench/store_concurrent.ts";
import { main as smallFaces, SMALL_FACES_COMMAND } from "../bench/small_faces.ts";
import { main as throughput, THROUGHPUT_COMMAND } from "../bench/throughput.ts";
import { main as runTests, TEST_COMMAND } from "../dev/run_tests.ts";
import type { CommandIo } from "../flags/io.ts";
import type { CommandSpec } from "../flags/types.ts";
import { main as metricsBench, METRICS_BENCH_COMMAND } from "../metrics/bench.ts";
import { main as models, MODELS_COMMAND } from "../models/cli.ts";
import { main as pick, PICK_COMMAND } from "../notebook/pick.ts";
import { main as notebooks, NOTEBOOKS_COMMAND } from "../notebook/run_notebooks.ts";
import { ATLAS_MEASURE_COMMAND, main as atlasMeasure } from "../report/_testing/atlas_measure.ts";
import { main as measureOpen, MEASURE_OPEN_COMMAND } from "../report/_testing/measure_open.ts";
import { FROM_EMBEDDINGS_COMMAND, main as fromEmbeddings } from "../report/run_from_embeddings.ts";
import { main as sample, SAMPLE_COMMAND } from "../report/_testing/sample.ts";
import { main as syntheticRun, SYNTHETIC_RUN_COMMAND } from "../report/_testing/synthetic_run.ts";
import { DRIVE_SYNC_COMMAND, main as driveSync } from "../sources/drive/cli.ts";
import { main as storeBench, STORE_BENCH_COMMAND } from "../store/bench.ts";
import { main as scaleBench, SCALE_BENCH_COMMAND } from "../bench/scale.ts";
import { main as metricsScale, METRICS_SCALE_COMMAND } from "../bench/metrics_scale.ts";
import { main as store, STORE_COMMAND } from "../store/cli.ts";
import { COLLECT_COMMAND, main as collect } from "../distributed/collect.ts";
import { ENQUEUE_COMMAND, main as enqueue } from "../distributed/enqueue.ts";
import { main as queue, QUEUE_COMMAND } from "../distributed/status.ts";
import { main as worker, WORKER_COMMAND } from "../distributed/worker.ts";
import { DISTRIBUTED_BENCH_COMMAND, main as distributedBench } from "../distributed/bench.ts";
import { main as sweep, SWEEP_COMMAND } from "./sweep.ts";
import { main as umapBench, UMAP_BENCH_COMMAND } from "../viz/umap_bench.ts";
import { DEMO_COMMAND, main as demo } from "./demo.ts";
import { EXPORT_COMMAND, main as exportPeople } from "./export.ts";
import { BENCH_DECISIONS_COMMAND, main as benchDecisions } from "../review/bench_decisions.ts";
import { LEARN_REVIEW_COMMAND, main as learnReview } from "../bench/learn_review.ts";
import { LEARN_AUGMENTED_COMMAND, main as learnAugmented } from "../bench/learn_augmented.ts";
import { main as report, REPORT_COMMAND } from "./report.ts";
import { main as review, REVIEW_COMMAND } from "../review/server.ts";
import { main as measureReview, MEASURE_LOAD_COMMAND } from "../review/measure_load.ts";
import { main as run, RUN_COMMAND } from "./run.ts";
import { LEARN_COMMAND, main as learn } from "../learn/cli.ts";
import { LEARN_BENCH_COMMAND, main as learnBench } from "../bench/learn.ts";

/** One command. */
export interface CommandEntry {
  /** The entry point's file, from the repository root. */
  file: string;
  /** Its `deno task` name, if it has one. */
  task?: string;
  /** Its declaration (flags, summary, usage). */
  spec: CommandSpec;
  /** Runs it; returns the exit code. */
  main: (args: string[], io?: CommandIo) => Promise<number>;
}

/** Every command declared with lib/flags/. */
export const COMMANDS: readonly CommandEntry[] = [
  { file: "lib/cli/run.ts", task: "run", spec: RUN_COMMAND, main: run },
  { file: "lib/cli/demo.ts", task: "demo", spec: DEMO_COMMAND, main: demo },
  { file: "lib/cli/report.ts", task: "report", spec: REPORT_COMMAND, main: report },
  { file: "lib/review/server.ts", task: "review", spec: REVIEW_COMMAND, main: review },
  { file: "lib/cli/sweep.ts", task: "sweep", spec: SWEEP_COMMAND, main: sweep },
  { file: "lib/cli/export.ts", task: "export", spec: EXPORT_COMMAND, main: exportPeople },
  { file: "lib/store/cli.ts", task: "store", spec: STORE_COMMAND, main: store },
  { file: "lib/distributed/enqueue.ts", task: "enqueue", spec: ENQUEUE_COMMAND, main: enqueue },
  { file: "lib/distributed/worker.ts", task: "worker", spec: WORKER_COMMAND, main: worker },
  { file: "lib/distributed/status.ts", task: "queue", spec: QUEUE_COMMAND, main: queue },
  { file: "lib/distributed/collect.ts", task: "collect", spec: COLLECT_COMMAND, main: collect },
  {
    file: "lib/distributed/bench.ts",
    task: "bench:distributed",
    spec: DISTRIBUTED_BENCH_COMMAND,
    main: distributedBench,
  },
  { file: "lib/models/cli.ts", task: "models", spec: MODELS_COMMAND, main: models },
  { file: "lib/sources/drive/cli.ts", task: "drive:sync", spec: DRIVE_SYNC_COMMAND, main: driveSync },
  { file: "lib/notebook/run_notebooks.ts", task: "notebooks", spec: NOTEBOOKS_COMMAND, main: notebooks },
  { file: "lib/notebook/pick.ts", task: "pick", spec: PICK_COMMAND, main: pick },
  { file: "lib/dev/run_tests.ts", task: "test", spec: TEST_COMMAND, main: runTests },
  {
    file: "lib/bench/cluster/bench.ts",
    task: "bench:cluster",
    spec: CLUSTER_BENCH_COMMAND,
    main: clusterBench,
  },
  { file: "lib/bench/cluster/cw_scale.ts", task: "bench:cw", spec: CW_SCALE_COMMAND, main: cwScale },
  { file: "lib/bench/throughput.ts", task: "bench:throughput", spec: THROUGHPUT_COMMAND, main: throughput },
  {
    file: "lib/bench/small_faces.ts",
    task: "bench:small-faces",
    spec: SMALL_FACES_COMMAND,
    main: smallFaces,
  },
  { file: "lib/store/bench.ts", task: "bench:store", spec: STORE_BENCH_COMMAND, main: storeBench },
  { file: "lib/bench/scale.ts", task: "bench:scale", spec: SCALE_BENCH_COMMAND, main: scaleBench },
  {
    file: "lib/bench/metrics_scale.ts",
    task: "bench:metrics-scale",
    spec: METRICS_SCALE_COMMAND,
    main: metricsScale,
  },
  { file: "lib/learn/cli.ts", task: "learn", spec: LEARN_COMMAND, main: learn },
  { file: "lib/bench/learn.ts", task: "bench:learn", spec: LEARN_BENCH_COMMAND, main: learnBench },
  { file: "lib/bench/lfw.ts", task: "bench:lfw", spec: LFW_BENCH_COMMAND, main: lfwBench },
  { file: "lib/bench/devsets.ts", task: "bench:devsets", spec: DEVSETS_BENCH_COMMAND, main: devsets },
  { file: "lib/bench/tta.ts", spec: TTA_BENCH_COMMAND, main: ttaBench },
  { file: "lib/bench/aligned_crops.ts", spec: ALIGNED_CROPS_COMMAND, main: alignedCrops },
  { file: "lib/bench/choice_cost.ts", spec: CHOICE_COST_COMMAND, main: choiceCost },
  { file: "lib/bench/ceiling.ts", spec: CEILING_BENCH_COMMAND, main: ceilingBench },
  {
    file: "lib/bench/alternatives.ts",
    task: "bench:alternatives",
    spec: ALTERNATIVES_BENCH_COMMAND,
    main: alternativesBench,
  },
  { file: "lib/bench/store_concurrent.ts", spec: CONCURRENT_BENCH_COMMAND, main: concurrentBench },
  { file: "lib/bench/repeat_memory.ts", spec: REPEAT_MEMORY_COMMAND, main: repeatMemory },
  { file: "lib/review/bench_decisions.ts", spec: BENCH_DECISIONS_COMMAND, main: benchDecisions },
  {
    file: "lib/bench/learn_review.ts",
    task: "bench:learn-review",
    spec: LEARN_REVIEW_COMMAND,
    main: learnReview,
  },
  { file: "lib/bench/learn_augmented.ts", spec: LEARN_AUGMENTED_COMMAND, main: learnAugmented },
  { file: "lib/bench/cluster/knn_bench.ts", spec: KNN_BENCH_COMMAND, main: knnBench },
  { file: "lib/viz/umap_bench.ts", spec: UMAP_BENCH_COMMAND, main: umapBench },
  { file: "lib/metrics/bench.ts", spec: METRICS_BENCH_COMMAND, main: metricsBench },
  { file: "lib/report/run_from_embeddings.ts", spec: FROM_EMBEDDINGS_COMMAND, main: fromEmbeddings },
  { file: "lib/report/_testing/measure_open.ts", spec: MEASURE_OPEN_COMMAND, main: measureOpen },
  { file: "lib/report/_testing/atlas_measure.ts", spec: ATLAS_MEASURE_COMMAND, main: atlasMeasure },
  { file: "lib/review/measure_load.ts", spec: MEASURE_LOAD_COMMAND, main: measureReview },
  { file: "lib/report/_testing/sample.ts", spec: SAMPLE_COMMAND, main: sample },
  { file: "lib/report/_testing/synthetic_run.ts", spec: SYNTHETIC_RUN_COMMAND, main: syntheticRun },
];
