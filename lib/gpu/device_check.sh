#!/usr/bin/env bash
# The GPU check of issue 16, for the device tool's machine (one H200, no npm, no internet).
# Run the same command once per folder that lib/gpu/prepare_carry.sh made, back to back so
# that the machine stays warm (30 s) and keeps what earlier calls staged in $GPU_STAGE:
#   run(command="bash lib/gpu/device_check.sh", carry=[".cache/gpu/carry/c1"], timeout_s=60)
#   ... then c2, c3, ... (timeout_s=60 each), the last with timeout_s=540: the call that
#   completes the set joins the parts (sha256 each, and the whole), unpacks Deno, the GPU env,
#   the weights and LFW, assembles the CUDA provider, and runs bench:gpu on cuda and a CPU
#   baseline, each under a time limit; results and logs go to $OUT.
# A call that leaves something missing says what, and exits 0. Runs here too (rehearsal: the
# cuda run then fails clearly and the CPU baseline still runs).
set -uo pipefail
cd "$(dirname "$0")/../.."
STAGE=${GPU_STAGE:-/tmp/facegroup-gpu-stage}
OUT=${OUT:-$STAGE/out}
BENCH_LIMIT=${BENCH_LIMIT:-300}   # seconds for the cuda bench
CPU_LIMIT=${CPU_LIMIT:-120}       # seconds for the CPU baseline
LFW_PHOTOS=${LFW_PHOTOS:-2000}
TGZ=com.github.asus4.onnxruntime.linux-x64-gpu-0.4.9.tgz
mkdir -p "$STAGE" "$OUT"
t0=$(date +%s)
log() { echo "[$(($(date +%s) - t0))s] $*" | tee -a "$OUT/check.log"; }

# 1. Stage the parts this call carried (lib/gpu/prepare_carry.sh made them).
for d in "${CARRY_DIR:-.cache/gpu/carry}"/*/; do
  [[ -d "$d" ]] || continue
  for f in "$d"*; do
    [[ -f "$f" ]] || continue
    cp -f "$f" "$STAGE/"
    case "$f" in *.part-*) log "staged $(basename "$f") ($(stat -c %s "$f") bytes)" ;; esac
  done
done
SUMS=$STAGE/gpu-bundle.tar.parts.sha256
if [[ ! -f "$STAGE/bundle.done" ]]; then
  [[ -f "$SUMS" ]] || { log "waiting: nothing staged yet (carry .cache/gpu/carry/c1)"; exit 0; }
  missing=()
  while read -r _ name; do [[ -f "$STAGE/$name" ]] || missing+=("$name"); done <"$SUMS"
  if ((${#missing[@]})); then log "waiting for ${#missing[@]} more part(s): ${missing[*]}"; exit 0; fi
  (cd "$STAGE" && sha256sum --quiet -c gpu-bundle.tar.parts.sha256) || { log "a part is damaged (above)"; exit 1; }
  whole=$(grep -o -m1 '"sha256": *"[0-9a-f]*"' "$STAGE/gpu-bundle.tar.parts.json" | grep -o '[0-9a-f]\{64\}')
  (cd "$STAGE" && cut -d' ' -f3 gpu-bundle.tar.parts.sha256 | xargs cat >gpu-bundle.tar)
  got=$(sha256sum "$STAGE/gpu-bundle.tar" | cut -d' ' -f1)
  [[ "$got" == "$whole" ]] || { log "gpu-bundle.tar: sha256 $got, expected $whole"; exit 1; }
  tar -C "$STAGE" -xf "$STAGE/gpu-bundle.tar" || { log "cannot unpack gpu-bundle.tar"; exit 1; }
  rm -f "$STAGE/gpu-bundle.tar"
  rm -f "$STAGE"/gpu-bundle.tar.part-* && touch "$STAGE/bundle.done"
  log "gpu-bundle.tar joined (sha256 $whole) and unpacked in $STAGE"
fi

# 2. Deno: the machine's own, else the carried one.
if [[ -z "${FORCE_CARRIED_DENO:-}" ]] && command -v deno >/dev/null; then DENO=$(command -v deno)
else
  [[ -x "$STAGE/bin/deno" ]] || { mkdir -p "$STAGE/bin" && xz -dc "$STAGE/deno.xz" >"$STAGE/bin/deno" && chmod +x "$STAGE/bin/deno"; }
  DENO=$STAGE/bin/deno
fi
export DENO_DIR=$STAGE/deno_dir NO_COLOR=1
log "deno: $DENO ($("$DENO" --version | head -1))"

# 3. Unpack the env, the weights, LFW; place the provider libraries.
if [[ ! -f "$STAGE/env.done" ]]; then
  rm -rf .cache/gpu/env && mkdir -p .cache/gpu/env && tar -C .cache/gpu/env -xJf "$STAGE/env.tar.xz" &&
    tar -xf "$STAGE/weights.tar" && touch "$STAGE/env.done" || { log "cannot unpack env/weights"; exit 1; }
fi
LFW_ARGS=(--data "$STAGE/lfw")
if [[ -f "$STAGE/lfw.tar" ]]; then
  [[ -d "$STAGE/lfw/images_deepfunneled" ]] || { mkdir -p "$STAGE/lfw" && tar -C "$STAGE/lfw" -xf "$STAGE/lfw.tar"; }
else
  log "no lfw.tar: synthetic crops, no end-to-end run"; LFW_ARGS=(--data "$STAGE/no-lfw" --photos 0 --compare 0)
fi
RUN=("$DENO" run -A --cached-only --config .cache/gpu/env/deno.json)
"${RUN[@]}" lib/gpu/assemble.ts --offline --env .cache/gpu/env --tarball "$STAGE/$TGZ" 2>&1 | tee -a "$OUT/check.log"
NATIVE=$(ls -d .cache/gpu/env/node_modules/.deno/onnxruntime-node@1.29.0/node_modules/onnxruntime-node/bin/napi-v6/linux/x64)

# 4. CUDA 13 and cuDNN 9 libraries where the loader finds them (the image's Python packages).
# (no -xdev: the driver's folder, /usr/local/nvidia, is a mount of its own)
libdirs=$(find /opt /usr /lib /lib64 \( -name 'libcuda.so.1' -o -name 'libcublasLt.so.13*' -o -name 'libcudart.so.13*' -o -name 'libcurand.so.10*' \
  -o -name 'libcudnn.so.9*' -o -name 'libcufft.so.12*' -o -name 'libnvrtc.so.13*' \) -printf '%h\n' 2>/dev/null | sort -u | paste -sd:)
export LD_LIBRARY_PATH=${libdirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
log "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
{ echo "== ldd $NATIVE/libonnxruntime_providers_cuda.so"; ldd "$NATIVE/libonnxruntime_providers_cuda.so"; \
  echo "== nvidia-smi"; nvidia-smi; nproc; free -g; } >"$OUT/env.txt" 2>&1
grep -E "=> not found" "$OUT/env.txt" | sed 's/^/missing library: /' | tee -a "$OUT/check.log"
nvidia-smi --query-gpu=name,memory.used,memory.total,driver_version --format=csv 2>&1 | tee -a "$OUT/check.log"

# 5. The benchmarks (each under a time limit; a killed one still leaves its log).
log "bench:gpu on cuda (limit ${BENCH_LIMIT}s)"
timeout -k 10 "$BENCH_LIMIT" "${RUN[@]}" lib/bench/gpu.ts --device cuda "${LFW_ARGS[@]}" --photos "$LFW_PHOTOS" \
  --workers 4,16 --compare 100 --out "$OUT/gpu-cuda.json" 2>&1 | tee "$OUT/bench-cuda.log" | grep -v '^model '
log "bench:gpu cuda exit ${PIPESTATUS[0]}"
log "CPU baseline on this machine (limit ${CPU_LIMIT}s)"
timeout -k 10 "$CPU_LIMIT" "${RUN[@]}" lib/bench/gpu.ts --device cpu "${LFW_ARGS[@]}" --photos "$LFW_PHOTOS" \
  --batches 1,32 --seconds 1 --workers 16 --compare 0 --out "$OUT/gpu-cpu.json" 2>&1 | tee "$OUT/bench-cpu.log" | grep -v '^model '
log "bench:gpu cpu exit ${PIPESTATUS[0]}"
log "done; results in $OUT (gpu-cuda.json, gpu-cpu.json, bench-*.log, env.txt, check.log)"
