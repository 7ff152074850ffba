/**
 * Loads onnxruntime-node on the importing thread. Import it (for its effect) from every module
 * that starts workers using ONNX Runtime: the process's runtime environment belongs to the
 * first thread that loads the add-on, and when that is a worker, stopping the worker destroys
 * the environment and every later session in the process fails with "OrtEnv already
 * destroyed" (seen with onnxruntime-node 1.23 under Deno 2.9).
 * @module
 */
import "onnxruntime-node";
