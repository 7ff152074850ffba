/**
 * The contract between the sources of training data (labelled folders, review decisions,
 * augmented views of unlabelled faces) and the trainer of an embedding adapter.
 *
 * A source turns what it knows into a {@link TrainingSet}; the trainer knows nothing of
 * where the rows came from.
 * @module
 */

/** Explicit pairs of rows: must-link (`same = 1`) and cannot-link (`same = 0`). */
export interface TrainingPairs {
  /** First row of each pair. */
  a: Uint32Array;
  /** Second row of each pair. */
  b: Uint32Array;
  /** 1 when the two rows are one person, 0 when they are two people. */
  same: Uint8Array;
}

/** Vectors to learn from, with whatever is known of who is who. */
export interface TrainingSet {
  /** L2-normalised embedder vectors, row-major, `rows x dim`. */
  vectors: Float32Array;
  /** Vector length. */
  dim: number;
  /**
   * Identity of each row as a small integer (rows with one value are one person), or -1 when
   * unknown. Augmented views of one crop share the crop's identity.
   */
  labels: Int32Array;
  /** Known pairs besides the labels (review decisions, faces of one photo). */
  pairs?: TrainingPairs;
  /** Where the rows came from, for the model card (e.g. `labels:lfw folds 1-9`). */
  origin: string;
}

/** Losses the trainer offers. */
export type LossKind = "triplet-batch-hard" | "triplet-semi-hard" | "supcon" | "contrastive";

/** Shapes of the adapter head. */
export type HeadKind = "linear" | "mlp-residual";
