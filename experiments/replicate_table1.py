"""Run the rows of the Coconut paper's Table 1 on ProsQA and ProntoQA and tabulate them.

Each (dataset, method, model, seed) is one ``coconut-train`` run of the preset
``experiment=<dataset>_<method>``, trained in-process with :func:`coconut.training.train`
into ``<log-dir>/<run_name>``. A run that already has ``results.json`` is skipped (rerun
the script to continue an interrupted sweep: unfinished runs resume from ``last.ckpt``).
The table is made by ``coconut-compare`` (:mod:`coconut.compare`): Table 1's layout with
accuracy and generated tokens (mean ± std over seeds), forward passes and seconds per
example, in ``<out>/table.md``, ``table.csv`` and ``acc_vs_tokens.png``.

    # the paper's setup on one GPU (GPT-2 shape, random init; add gpt2 when the hub is up)
    python experiments/replicate_table1.py --models gpt2_scratch gpt2 --seeds 0 1 2
    # the whole pipeline at toy scale on CPU, in about a minute
    python experiments/replicate_table1.py --tiny --methods cot coconut
"""

from __future__ import annotations

import argparse
import itertools
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from hydra import compose, initialize_config_dir

from coconut.compare import CompareError, collect_runs
from coconut.compare.cli import write_comparison
from coconut.hydra_app import CONFIG_DIR
from coconut.methods import TABLE1_METHODS
from coconut.training.train import train

log = logging.getLogger("replicate_table1")

DATASETS = ("prontoqa", "prosqa")

# Toy scale: tiny model, small generated data, stages of one epoch each.
TINY = [
    "trainer=default",
    "trainer.enable_progress_bar=false",
    "effective_batch_size=null",
    "optimizer.lr=3e-3",
    "method.epochs_per_stage=1",
    "data.batch_size=16",
    "data.eval_batch_size=32",
    "eval.max_new_tokens=48",
    "logger=csv",
]

# The paper's curriculum shape per task, at one epoch per stage: as many stages as the
# task's longest chain needs (ProsQA: 3-6 steps, 6 stages), then one epoch at the last.
TINY_CURRICULUM = {
    "prontoqa": ["method.max_latent_stage=2", "trainer.max_epochs=4"],
    "prosqa": ["method.max_latent_stage=6", "trainer.max_epochs=8"],
}


def run_overrides(
    dataset: str, method: str, model: str, seed: int, args: argparse.Namespace
) -> list[str]:
    """The Hydra overrides of one run."""
    overrides = [f"experiment={dataset}_{method}", f"model={model}", f"seed={seed}"]
    overrides.append(f"paths.log_dir={args.log_dir}")
    if args.tiny:
        sizes = ",".join(
            f"{k}:{v}" for k, v in zip(("train", "val", "test"), args.tiny_sizes, strict=True)
        )
        overrides += [
            *TINY,
            *TINY_CURRICULUM[dataset],
            f"data={dataset}_tiny",
            f"data.sizes={{{sizes}}}",
            f"paths.data_dir={args.log_dir}/data",
        ]
    return [*overrides, *args.overrides]


def run_one(overrides: list[str]) -> Path:
    """Trains one run (unless it has results already) and returns its directory."""
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose("train", overrides=overrides)
    run_dir = Path(cfg.paths.output_dir)
    if (run_dir / "results.json").is_file():
        log.info("%s: done already", run_dir)
    else:
        log.info("%s: training", run_dir)
        train(cfg)
    return run_dir


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument(
        "--methods", nargs="+", default=list(TABLE1_METHODS), choices=TABLE1_METHODS
    )
    parser.add_argument("--models", nargs="+", default=["gpt2_scratch"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--log-dir", type=Path, default=Path("outputs/table1"))
    parser.add_argument(
        "--out", type=Path, default=None, help="table folder (default: <log-dir>/table)"
    )
    parser.add_argument("--tiny", action="store_true", help="toy scale on CPU (model=tiny)")
    parser.add_argument("--tiny-sizes", nargs=3, type=int, default=[256, 32, 32], metavar="N")
    parser.add_argument("--dry-run", action="store_true", help="print the runs, train nothing")
    parser.add_argument("overrides", nargs="*", help="extra Hydra overrides for every run")
    args = parser.parse_args(argv)
    if args.tiny:
        args.models = ["tiny"]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    args = parse_args(argv)
    grid = itertools.product(args.datasets, args.methods, args.models, args.seeds)
    runs = [run_overrides(*point, args) for point in grid]
    if args.dry_run:
        for overrides in runs:
            sys.stdout.write("coconut-train " + " ".join(overrides) + "\n")
        return 0
    run_dirs, failed = [], []
    for overrides in runs:
        try:
            run_dirs.append(run_one(overrides))
        except Exception:  # one broken run must not lose the others
            log.exception("run failed: %s", " ".join(overrides))
            failed.append(overrides)
    out = args.out or args.log_dir / "table"
    datasets = [f"{d}_tiny" if args.tiny else d for d in args.datasets]
    rows = [(method, model) for method in TABLE1_METHODS for model in args.models]
    try:
        records, unreadable = collect_runs(run_dirs)
        table = write_comparison(records, unreadable, out, datasets, rows)
        log.info("wrote %s\n%s", out / "table.md", table)
    except CompareError as err:
        log.error("no table: %s", err)
        return 1
    if failed:
        log.error("%d of %d runs failed", len(failed), len(runs))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
