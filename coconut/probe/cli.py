"""``coconut-probe MODEL --data FILE --out DIR``: probe a trained model's thoughts.

``MODEL`` is a ``coconut-train`` run directory or a ``Coconut.save_pretrained``
directory; ``FILE`` is a split file in our schema. Without ``--data``, a run directory is
probed on its own split (``--split``, default ``test``); when that file is gone it is
generated again from the recipe the run's config records, into the package's cache
(:mod:`coconut.data.recipe`), and a split that was not generated is an error naming the
file and ``--data``. The report (``DIR/report.json``) and
the figures (``DIR/*.png``) are described in :mod:`coconut.probe.analysis` and
:mod:`coconut.probe.plots`.

A file of another task than the run's, and forced thoughts on a run that never trained with
them, are refused (:mod:`coconut.probe.checks`). Errors are one line and exit 1; a bad
command line (``--limit 0``, ``--out`` naming a file) exits 2; ``--debug`` shows the
traceback.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

from omegaconf import OmegaConf

from coconut.atomic import atomic_write_json
from coconut.console import run_cli
from coconut.data import load_examples
from coconut.data.graph import FRONTIER_DEFINITIONS
from coconut.data.recipe import split_file
from coconut.outputs import check_outputs, json_object_with
from coconut.probe.analysis import TASKS, ProbeOptions, probe_dataset
from coconut.probe.checks import ALLOW_FLAG, check_data_task, check_thoughts
from coconut.probe.loading import (
    load_for_probing,
    max_thoughts,
    read_run_config,
    resolve_model_dir,
)
from coconut.probe.plots import FIGURES, plot_report
from coconut.probe.superposition import MODES
from coconut.probe.superposition_report import JSON, write_superposition
from coconut.rundir import RunDir

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coconut-probe", description="Probe the continuous thoughts of a Coconut model."
    )
    parser.add_argument("model", help="a coconut-train run directory or save_pretrained dir")
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="split file (.json/.jsonl); default: the run's own --split, regenerated if gone",
    )
    parser.add_argument("--split", default="test", help="the run's split probed without --data")
    parser.add_argument("--out", required=True, type=Path, help="output directory")
    parser.add_argument("--task", default="auto", choices=TASKS)
    parser.add_argument(
        "--max-k",
        type=int,
        default=None,
        help="largest forced number of thoughts (default: the run's last stage, else 6)",
    )
    parser.add_argument("--limit", type=int, default=None, help="first N examples only")
    parser.add_argument("--top-k", type=int, default=5, help="tokens shown per thought")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument(
        "--c-thought", type=int, default=None, help="thoughts per step (default: the run's, else 1)"
    )
    parser.add_argument("--device", default="auto", help="cpu, cuda, cuda:1 or auto")
    parser.add_argument(
        "--examples", type=int, default=20, help="examples whose details go into report.json"
    )
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument(
        ALLOW_FLAG,
        action="store_true",
        help="force thoughts into a run whose method never used them (cot, no_cot, ...)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace existing files in --out (never an input)"
    )
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    sup = parser.add_argument_group("superposition probes (symbolic ProsQA)")
    sup.add_argument(
        "--superposition",
        action="store_true",
        help="node scores and layer-2 edge attention per thought (coconut.probe.superposition)"
        " instead of the default report; writes superposition.json and superposition.png",
    )
    sup.add_argument("--frontier", default="distance", choices=FRONTIER_DEFINITIONS)
    sup.add_argument(
        "--mode", default="auto", choices=("auto", *MODES), help="auto: cot for a CoT run"
    )
    return parser


def run_superposition(args: argparse.Namespace, probed, records: list[dict]) -> Path:
    """Writes ``superposition.json`` and ``superposition.png``; returns the JSON's path."""
    write_superposition(
        probed, records, args.out, mode=args.mode, frontier=args.frontier, data=str(args.data),
        progress=not args.no_progress,
    )  # fmt: skip
    return args.out / JSON


def run(args: argparse.Namespace) -> Path:
    """Probes as ``args`` say and returns the report's path.

    Raises:
        ValueError / FileNotFoundError: for a bad model, data file or option.
    """
    run_config = read_run_config(resolve_model_dir(args.model)[1])  # before any loading
    check_out(args)
    run_dir = resolve_model_dir(args.model)[1]  # before any loading
    run_config = read_run_config(run_dir)
    if args.data is None:
        args.data = run_split(run_dir, args.split, str(args.model))
    records = [dict(r) for r in load_examples(args.data)]
    if args.limit is not None:
        records = records[: args.limit]
    if not records:
        raise ValueError(f"{args.data}: no examples")
    if args.superposition:
        check_symbolic(records, args.data)
    check_data_task(run_config, records, str(args.data), str(args.model))
    max_k = max_thoughts(run_config) if args.max_k is None else args.max_k
    if not args.superposition:
        check_thoughts(run_config, max_k, args.allow_untrained_thoughts)
    probed = load_for_probing(args.model, args.device)
    if args.superposition:
        return run_superposition(args, probed, records)
    method = (run_config or {}).get("method") or {}
    options = ProbeOptions(
        task=args.task,
        max_k=max_k,
        top_k=args.top_k,
        batch_size=args.batch_size,
        max_new_tokens=args.max_new_tokens,
        c_thought=args.c_thought or int(method.get("c_thought", 1)),
        examples_kept=args.examples,
        progress=not args.no_progress,
    )
    report = probe_dataset(probed, records, options)
    report["data"] = str(args.data)
    args.out.mkdir(parents=True, exist_ok=True)
    report["figures"] = [p.name for p in plot_report(report, args.out)]
    path = atomic_write_json(args.out / "report.json", report)
    log.info("wrote %s and %d figure(s)", path, len(report["figures"]))
    return path


def run_split(run_dir: Path | None, split: str, model: str) -> Path:
    """The file of the run's ``split``, generated again into the cache if it is gone.

    Raises:
        ValueError: for a model that is not a run, or a split the run does not have.
        FileNotFoundError: if the file is gone and cannot be generated again.
    """
    if run_dir is None:
        raise ValueError(f"{model}: a saved model, not a coconut-train run: it has no data of "
                         "its own; pass --data FILE")  # fmt: skip
    run = RunDir(run_dir)
    data = OmegaConf.to_container(run.read_config().data, resolve=True)
    if split not in data["splits"]:
        raise ValueError(
            f"--split {split}: the run {run_dir} has no such split; its splits are "
            f"{list(data['splits'])}"
        )
    return split_file(data, split, recorded_sha256=run.recorded_sha256(split),
                      override="--data FILE")  # fmt: skip


REPORT_KEYS = {"report.json": ("data", "figures"), "superposition.json": ("data", "mode")}


def check_out(args: argparse.Namespace) -> None:
    """The output rule of every console script (:mod:`coconut.outputs`) for the files of
    ``--out``: never an input; an existing file replaced only if an earlier probe wrote it
    (its report, and the figures beside that report), or with ``--force``."""
    names = ["superposition.json", "superposition.png"] if args.superposition else [
        "report.json", *FIGURES]  # fmt: skip
    report = args.out / names[0]

    def ours(path: Path) -> bool:
        return json_object_with(report, REPORT_KEYS[report.name])

    outputs = [args.out / name for name in names]
    inputs = {"--data": args.data, "MODEL": args.model}
    check_outputs(outputs, inputs, overwrite=args.force, force="--force", ours=ours)


def check_symbolic(records: list[dict], data: Path) -> None:
    """Refuses a file without the symbolic graph fields the superposition probe reads."""
    for i, record in enumerate(records):
        if "idx_to_symbol" not in record:
            raise ValueError(
                f"{data}: example {i} has no idx_to_symbol: --superposition probes symbolic "
                "ProsQA files (coconut-data symbolize); probe this file without --superposition"
            )


def check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Usage errors (exit 2) found on the command line alone, before anything loads."""
    if args.limit is not None and args.limit < 1:
        parser.error(f"--limit: must be >= 1, got {args.limit}")
    if args.max_k is not None and args.max_k < 0:
        parser.error(f"--max-k: must be >= 0, got {args.max_k}")
    if args.out.exists() and not args.out.is_dir():
        parser.error(f"--out {args.out}: a file, not a directory; name a directory to write into")


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point: 0 on success, 1 on an error (one line), 2 on a usage error."""
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    check_arguments(parser, args)
    code = run_cli(parser.prog, args.debug, run, args)
    if code:
        raise SystemExit(code)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
