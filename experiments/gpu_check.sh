#!/usr/bin/env bash
# The GPU speed check of issue 20, in one call of under 8 minutes on one H100:
#
#   bash experiments/gpu_check.sh OUT_DIR
#
# Shape: GPT-2 small (12 layers, width 768, vocabulary 50,261), a ProsQA-length batch of 32
# rows (360 question tokens, <bot>, 6 thoughts, <eot>, 10 answer tokens: 12,096 tokens).
# It writes into OUT_DIR:
#   env.txt                 GPU, driver, torch and transformers versions
#   fp32.json               every timing in fp32, and the largest differences from the naive
#                           reference on the GPU (the CUDA equivalence check, --check)
#   bf16.json               every timing under bf16 autocast (the issue's targets)
#   bf16_profile.txt        one bf16 last-stage step under torch.profiler, top 15 by CUDA time
#   bf16_<switches>.json    the speed switches of conf/train.yaml, one set per file
#   *.log                   each command's stderr
# Each command has its own time limit, so one that hangs does not take the rest with it.
# It needs only what the GPU image already holds (torch, transformers, peft); coconut is
# imported from this checkout. GPU_CHECK_ARGS replaces the shape and device, e.g. for a dry
# run on CPU: GPU_CHECK_ARGS="--shape tiny --batch 2 --prompt-len 8 --device cpu --repeats 1".
set -uo pipefail
out=${1:?usage: bash experiments/gpu_check.sh OUT_DIR}
mkdir -p "$out"
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
read -r -a shape <<<"${GPU_CHECK_ARGS:---shape gpt2 --batch 32 --device cuda --repeats 5}"
quick=(--skip naive_step generate_per_example)

{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
  python3 -c "import torch, transformers; print('torch', torch.__version__, 'cuda', \
torch.version.cuda, 'transformers', transformers.__version__)"
} >"$out/env.txt" 2>&1

bench() {  # bench NAME SECONDS ARGS...: one coconut-bench run into NAME.json
  local name=$1 limit=$2
  shift 2
  echo "== $name ($(date -u +%T))"
  timeout "$limit" python3 -m coconut.bench "${shape[@]}" "$@" >"$out/$name.json" \
    2>"$out/$name.log" || echo "   $name failed or timed out (exit $?), see $out/$name.log"
}

bench fp32 150 --dtype fp32 --check
bench bf16 150 --dtype bf16 --profile "$out/bf16_profile.txt"
bench bf16_sdpa_chunked_fused 60 --dtype bf16 "${quick[@]}" --attn sdpa --loss-chunk 1024 \
  --fused-adamw
bench bf16_eager 60 --dtype bf16 "${quick[@]}" --attn eager
bench bf16_chunked 60 --dtype bf16 "${quick[@]}" --loss-chunk 1024
echo "== done ($(date -u +%T)): $out"
