#!/usr/bin/env bash
# Builds what a session with a GPU carries to the device machine (no npm, no internet there).
# Everything goes into one tar, gpu-bundle.tar (contents already compressed):
#   deno.xz      this Deno (the device image has none, as far as is known)
#   env.tar.xz   the GPU env: deno.json, deno.lock, node_modules with onnxruntime-node 1.29.0
#                (no other platforms' ONNX Runtime, no provider libraries; Deno wants
#                every package of the lockfile, so sharp's musl builds stay)
#   weights.tar  models/weights
#   lfw.tar      the first N LFW photos (evaluation data: travels, is never committed)
#   the provider bundle's npm tarball (com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9)
# and that tar is split (lib/gpu/parts.ts, sha256 per part) into folders .cache/gpu/carry/c1..cK
# (git-ignored) of at most 60,000,000 bytes each: the tool carries 64 MiB per call, the working
# tree included. Each folder also holds the sha256 list of all parts.
# Needs here: deno, npm (registry), xz, tar, ../shared/datasets/lfw. BUNDLE_TGZ=file reuses a
# provider tarball already fetched; LFW_DIR=dir another LFW folder. Usage:
#   bash lib/gpu/prepare_carry.sh [--lfw N]      (default N=2000)
# Then on the GPU, one call per folder, back to back (the machine stays warm only 30 s):
#   run(command="bash lib/gpu/device_check.sh", carry=[".cache/gpu/carry/c1"], timeout_s=60), c2, ...
#   and the last one with timeout_s=540: the call that completes the set runs the check.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then sed -n 2,19p "$0" | sed 's/^# \{0,1\}//'; exit 0; fi
LFW_N=2000
if [[ "${1:-}" == "--lfw" ]]; then LFW_N="$2"; fi
LIMIT=60000000
CARRY=.cache/gpu/carry
ENV=.cache/gpu/env
BUNDLE_NPM=com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9
TGZ_NAME=com.github.asus4.onnxruntime.linux-x64-gpu-0.4.9.tgz
LFW=${LFW_DIR:-../shared/datasets/lfw}
mkdir -p .cache/gpu/tmp
TMP=$(mktemp -d .cache/gpu/tmp/prep.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
B=$TMP/bundle
mkdir -p "$B"

echo "== GPU env ($ENV, onnxruntime-node 1.29.0; no provider libraries in it)"
if [[ ! -f "$ENV/deno.json" ]] || ! ls -d "$ENV"/node_modules/.deno/onnxruntime-node@1.29.0 >/dev/null 2>&1; then
  deno eval "import { makeGpuEnv } from './lib/gpu/env.ts'; await makeGpuEnv('$ENV', '1.29.0', console.log);"
fi
deno run -A lib/gpu/assemble.ts --env "$ENV" --offline --remove >/dev/null # the env travels without them
tar -C "$ENV" -cf - \
  --exclude='*/bin/napi-v6/darwin' --exclude='*/bin/napi-v6/win32' --exclude='*/bin/napi-v6/linux/arm64' \
  deno.json deno.lock node_modules | xz -T2 -6 >"$B/env.tar.xz"

echo "== deno $(deno --version | head -1 | cut -d' ' -f2)"
# Compressed once per Deno version (about 2 minutes on 2 cores), kept in .cache/gpu/.
DXZ=.cache/gpu/deno-$(deno --version | head -1 | cut -d' ' -f2).xz
[[ -f "$DXZ" ]] || { xz -T2 -6 -c "$(readlink -f "$(command -v deno)")" >"$DXZ.tmp" && mv "$DXZ.tmp" "$DXZ"; }
cp "$DXZ" "$B/deno.xz"

echo "== model weights"
deno task models >/dev/null 2>&1
tar -cf "$B/weights.tar" models/weights

echo "== LFW sample ($LFW_N photos)"
if [[ -d "$LFW/images_deepfunneled" ]]; then
  (cd "$LFW" && find images_deepfunneled -name '*.jpg' | sort | awk -v n="$LFW_N" 'NR <= n') >"$TMP/lfw.list"
  tar -C "$LFW" -cf "$B/lfw.tar" -T "$TMP/lfw.list"
else
  echo "no LFW at $LFW: the device check will use synthetic crops and skip end to end"
fi

echo "== provider tarball ($BUNDLE_NPM)"
if [[ -n "${BUNDLE_TGZ:-}" ]]; then cp "$BUNDLE_TGZ" "$B/$TGZ_NAME"; else (cd "$B" && npm pack "$BUNDLE_NPM" --silent >/dev/null); fi

echo "== gpu-bundle.tar in parts of at most $LIMIT bytes"
tar -C "$B" -cf "$TMP/gpu-bundle.tar" .
rm -rf "$B"
size=$(stat -c %s "$TMP/gpu-bundle.tar")
k=$(((size + LIMIT - 1) / LIMIT))
rm -rf "$CARRY" && mkdir -p "$CARRY"
dirs=()
for i in $(seq 1 "$k"); do dirs+=("$CARRY/c$i"); done
deno run -A lib/gpu/parts.ts split "$TMP/gpu-bundle.tar" "$LIMIT" "${dirs[@]}"
for d in "${dirs[@]:1}"; do cp "$CARRY/c1/gpu-bundle.tar.parts.sha256" "$CARRY/c1/gpu-bundle.tar.parts.json" "$d/"; done
bad=0
for d in "${dirs[@]}"; do
  n=$(find "$d" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
  printf '%-22s %10d bytes\n' "$d" "$n"
  ((n <= LIMIT + 100000)) || { echo "  over the limit" >&2; bad=1; }
done
echo "carry them one per call, c1 first: ${dirs[*]}"
exit $bad
