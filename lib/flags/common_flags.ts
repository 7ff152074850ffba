/**
 * Flags that several commands (and the notebooks' FACEGROUP_* settings) share, each declared
 * once. Flags whose choices and defaults belong to a lower module live with it, so that lib/flags/
 * knows none of them: `--method`, `--threshold`, `--linkage` in lib/cluster/flags.ts; `--tiles`,
 * `--score`, `--min-face` in lib/faces/flags.ts; `--device` in lib/models/flags.ts.
 * @module
 */
import { flag } from "./types.ts";

/** `--min-cluster`: smaller clusters are reported as unassigned. */
export const MIN_CLUSTER_FLAG = flag({
  type: "integer",
  min: 1,
  placeholder: "n",
  defaultText: "2, the pipeline's",
  help: "smaller clusters are reported as unassigned",
});

/** `--workers`: face workers of the embedding stage. */
export const WORKERS_FLAG = flag({
  type: "integer",
  min: 0,
  placeholder: "n",
  defaultText: "one per core",
  help: "face workers, one model set each (0: everything in the main thread)",
});

/** `--labels`: the first folder level is the true identity. */
export const LABELS_FLAG = flag({
  type: "boolean",
  help: "use the first folder level as ground truth (evaluation)",
});

/** `--credentials`: Google key file for Drive input. */
export const CREDENTIALS_FLAG = flag({
  type: "path",
  placeholder: "file",
  defaultText: "application default credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud)",
  help: "Google key file for Drive input: service account or authorized_user",
});

/** `--oauth-client`: OAuth client secret file for a browser sign-in to Drive. */
export const OAUTH_CLIENT_FLAG = flag({
  type: "path",
  placeholder: "file",
  help: "OAuth client secret file: sign in to Drive with a browser (token cached owner-only)",
});

/** `--seed`: seed of samples and of the map. */
export const SEED_FLAG = flag({
  type: "integer",
  min: 0,
  default: 1,
  placeholder: "n",
  help: "seed of the map and of the sampling",
});

/** `--config` of a sweep: the grid of methods and parameters. */
export const SWEEP_CONFIG_FLAG = flag({
  type: "path",
  default: "configs/sweep-default.json",
  placeholder: "file",
  help: "sweep config (methods, parameter grids, selection rules)",
});

/** `--pick`: which configuration a run keeps. */
export const PICK_FLAG = flag({
  type: "string",
  default: "best",
  placeholder: "which",
  help: "best | label-free | keep (the run's own clustering) | <sweep run id>",
});

/** `--quiet`: no progress lines. */
export const QUIET_FLAG = flag({ type: "boolean", help: "no progress lines" });

/** `--adapter`: a trained embedding adapter of the catalogue (`deno task learn`), applied to the embeddings. */
export const ADAPTER_FLAG = flag({
  type: "string",
  placeholder: "id",
  defaultText: "none",
  help: "apply this trained adapter (models/catalogue.json `adapters`, made by `deno task learn`) to the " +
    "embedder's vectors before clustering; the store keeps the embedder's own vectors",
});
