#!/usr/bin/env bash
# The symbolic ProsQA runs of experiments/superposition.md, one phase per call.
#
#   bash experiments/superposition_runs.sh train coconut 0   # train one row (resumable:
#                                                             # repeat the command)
#   bash experiments/superposition_runs.sh eval coconut 0    # score the published valid split
#   bash experiments/superposition_runs.sh probe coconut 0   # superposition probes
#   bash experiments/superposition_runs.sh compare           # the comparison table
#
# OUT (default outputs/superposition) holds the runs, DATA the generated splits and the
# converted published split. Each run uses one thread (two run side by side on 2 cores).
# Extra arguments after the seed go to coconut-train (e.g. trainer.max_epochs=48).
set -euo pipefail
OUT=${OUT:-outputs/superposition}
DATA=${DATA:-data}
SHARED=${SHARED:-../shared/data/prosqa/valid.json}
PUBLISHED="$DATA/prosqa_symbolic_published_valid.json"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}

phase=$1
method=${2:-}
seed=${3:-0}
run="$OUT/prosqa_symbolic-$method-prosqa_symbolic-seed$seed"

published() {
  [ -f "$PUBLISHED" ] || coconut-data symbolize "$SHARED" "$PUBLISHED"
}

case "$phase" in
  train)
    shift 3 || true
    coconut-train "experiment=prosqa_symbolic_$method" "seed=$seed" logger=csv \
      trainer.enable_progress_bar=false "paths.log_dir=$OUT" "paths.data_dir=$DATA" "$@"
    ;;
  eval)
    published
    coconut-eval "run_dir=$run" "split_path=$PUBLISHED" "output=$run/eval/published_valid.json"
    ;;
  probe)
    published
    coconut-probe "$run" --data "$PUBLISHED" --out "$run/probe" --superposition --no-progress
    ;;
  compare)
    coconut-compare "$OUT"/prosqa_symbolic-* --out "$OUT/table"
    ;;
  *)
    echo "usage: $0 train|eval|probe METHOD [SEED] [overrides...] | compare" >&2
    exit 2
    ;;
esac
