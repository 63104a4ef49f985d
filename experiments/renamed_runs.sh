#!/usr/bin/env bash
# The renamed-node ProsQA runs of experiments/renamed.md, one phase per call.
#
#   bash experiments/renamed_runs.sh train NAME METHOD [overrides...]  # resumable: repeat it
#   bash experiments/renamed_runs.sh score NAME                # test split, original and renamed
#   bash experiments/renamed_runs.sh probe NAME                # superposition probes, renamed test
#   bash experiments/renamed_runs.sh save NAME                 # resumable state -> experiments/inflight/NAME
#   bash experiments/renamed_runs.sh restore NAME              # experiments/inflight/NAME -> OUT/NAME
#
# OUT (default outputs/renamed) holds the runs, DATA the generated splits. A run is
# coconut-train experiment=prosqa_symbolic_METHOD run_name=NAME with the overrides; the
# same command continues it after a kill or on a new machine (restore first). Each run uses
# one thread (two run side by side on 2 cores). `score` writes <run>/eval/test.json and
# <run>/eval/test_renamed.json: the run's own test file and a copy of it with every
# graph's nodes renamed at random (coconut-data relabel, seed 0). A model that reads the
# graph scores the same on both.
set -euo pipefail
OUT=${OUT:-outputs/renamed}
DATA=${DATA:-data}
INFLIGHT=${INFLIGHT:-experiments/inflight}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}

phase=$1
name=${2:?usage: $0 train|score|probe|save|restore NAME ...}
run="$OUT/$name"

test_file() {  # the run's own test split, as its config names it
  python - "$run/config.yaml" <<'PY'
import sys
from omegaconf import OmegaConf
print(OmegaConf.load(sys.argv[1]).data.splits.test)
PY
}

renamed() {  # a renamed copy of the run's test split, made once
  local test copy
  test=$(test_file)
  copy="${test%.json}_renamed.json"
  [ -f "$copy" ] || coconut-data relabel "$test" "$copy" --seed 0 >&2
  echo "$copy"
}

case "$phase" in
  train)
    method=${3:?METHOD}
    shift 3
    coconut-train "experiment=prosqa_symbolic_$method" "run_name=$name" logger=csv \
      trainer.enable_progress_bar=false "paths.log_dir=$OUT" "paths.data_dir=$DATA" "$@"
    ;;
  score)
    test=$(test_file)
    copy=$(renamed)
    coconut-eval "run_dir=$run" "split_path=$test" "output=$run/eval/test.json"
    coconut-eval "run_dir=$run" "split_path=$copy" "output=$run/eval/test_renamed.json"
    ;;
  probe)
    copy=$(renamed)
    coconut-probe "$run" --data "$copy" --out "$run/probe_renamed" --superposition --no-progress
    ;;
  save)
    rm -rf "${INFLIGHT:?}/$name"
    mkdir -p "$INFLIGHT/$name"
    tar -C "$run" --exclude='best-*' --exclude='.lock*' --exclude=.hydra -cf - . |
      tar -C "$INFLIGHT/$name" -xf -
    du -sh "$INFLIGHT/$name"
    ;;
  restore)
    mkdir -p "$OUT"
    [ -e "$run" ] && { echo "$run exists; not overwritten" >&2; exit 1; }
    cp -a "$INFLIGHT/$name" "$run"
    ;;
  *)
    echo "usage: $0 train|score|probe|save|restore NAME ..." >&2
    exit 2
    ;;
esac
