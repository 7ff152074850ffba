/**
 * GPU provider libraries for ONNX Runtime that can be had from the npm registry, with what
 * they were checked to contain (`npm pack`, `readelf -d`, `sha256sum`, 2026-12-01).
 *
 * onnxruntime-node's npm package ships only the CPU provider on Linux; its install script
 * downloads the CUDA provider from NuGet. The Unity package below carries ONNX Runtime's CUDA
 * (and TensorRT) provider libraries for Linux x64 in the npm registry itself, built for the
 * same ONNX Runtime release as onnxruntime-node 1.29.0 and against CUDA 13.
 * @module
 */

/** One library in a bundle. */
export interface BundleFile {
  /** File name, as ONNX Runtime looks for it beside `libonnxruntime.so.1`. */
  name: string;
  /** Path inside the npm tarball. */
  pathInTarball: string;
  /** Bytes. */
  size: number;
  /** Lower-case hex SHA-256. */
  sha256: string;
  /** Shared libraries it needs (ELF NEEDED entries other than libc's and libstdc++'s). */
  needs: string[];
}

/** An npm package carrying ONNX Runtime provider libraries. */
export interface ProviderBundle {
  /** `name@version` for `npm pack`. */
  npm: string;
  /** File name `npm pack` writes. */
  tarballName: string;
  /** Bytes of the tarball. */
  tarballSize: number;
  /** SHA-256 of the tarball. */
  tarballSha256: string;
  /** The ONNX Runtime release the libraries were built for: onnxruntime-node must be this version. */
  ortVersion: string;
  /** CUDA major version the libraries link against. */
  cudaMajor: number;
  /** The libraries. */
  files: BundleFile[];
}

const DIR = "package/Plugins/Linux/x64";

/** `com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9`: ONNX Runtime 1.29.0, CUDA 13. */
export const ASUS4_LINUX_X64_GPU_0_4_9: ProviderBundle = {
  npm: "com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9",
  tarballName: "com.github.asus4.onnxruntime.linux-x64-gpu-0.4.9.tgz",
  tarballSize: 179145956,
  tarballSha256: "2b459e0c17f340c92970c10ed86de4f37a3009f93c14053e6ad4334cbb6be412",
  ortVersion: "1.29.0",
  cudaMajor: 13,
  files: [
    {
      name: "libonnxruntime_providers_shared.so",
      pathInTarball: `${DIR}/libonnxruntime_providers_shared.so`,
      size: 14632,
      sha256: "c6a12593396095f5670160e284c35d1700b7708cf3037b7042e2a5200ccae772",
      needs: [],
    },
    {
      name: "libonnxruntime_providers_cuda.so",
      pathInTarball: `${DIR}/libonnxruntime_providers_cuda.so`,
      size: 229780440,
      sha256: "56cf3254b118ad837ccc4ed8f6d1b23504bbf7ef91b34cbc0b289cb7f10b3037",
      // cuDNN 9 and cuFFT are opened at run time (dlopen), not linked.
      needs: ["libcublasLt.so.13", "libcublas.so.13", "libcurand.so.10", "libcudart.so.13", "libcuda.so.1"],
    },
    {
      name: "libonnxruntime_providers_tensorrt.so",
      pathInTarball: `${DIR}/libonnxruntime_providers_tensorrt.so`,
      size: 859144,
      sha256: "ef6071798a339038ad66c428fb1a809cf8e499bffc3b6870e4e8bc4f4c6a6320",
      needs: [
        "libcublas.so.13",
        "libnvinfer.so.10",
        "libnvonnxparser.so.10",
        "libcudart.so.13",
        "libcudnn.so.9",
      ],
    },
  ],
};

/** The bundle used by default. */
export const DEFAULT_BUNDLE: ProviderBundle = ASUS4_LINUX_X64_GPU_0_4_9;
