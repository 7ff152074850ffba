/**
 * `--device`, the flag several commands (and the notebooks' FACEGROUP_DEVICE) share, declared with
 * the inference devices it chooses from.
 * @module
 */
import { flag } from "../flags/types.ts";
import type { Device } from "./session.ts";

const DEVICE_HELP: Record<Device, string> = {
  auto: "auto tries the GPU (CUDA) and falls back to the CPU",
  cpu: "",
  cuda: "",
  tensorrt: "cuda and tensorrt need an NVIDIA GPU",
};

/** Every inference device (checked complete against the `Device` type). */
export const DEVICES: readonly Device[] = Object.keys(DEVICE_HELP) as Device[];

/** `--device`: where inference runs. */
export const DEVICE_FLAG = flag({
  type: "enum",
  choices: DEVICES,
  default: "cpu",
  placeholder: "d",
  help: `inference device: ${DEVICES.join(" | ")}; ${Object.values(DEVICE_HELP).filter(Boolean).join("; ")}`,
});
