"""The ``coconut-data`` command: generate, prepare, summarise and validate datasets.

Examples::

    coconut-data generate prosqa --out data/prosqa --seed 0
    coconut-data generate prontoqa --out data/prontoqa --sizes 9000,200,800 --hops 5
    coconut-data generate prontoqa --out data/prontoqa_tiny --sizes 4000,200,200 \
        --seeds 0,1,2 --hops 3 --no-distractors   # the files coconut-train makes
    coconut-data prepare gsm8k --out data/gsm8k --source hub
    coconut-data prepare prontoqa --source raw.json --out data/prontoqa \
        --split train=0:9000 --split valid=9000:9200
    coconut-data symbolize ../shared/data/prosqa/valid.json data/published_valid.json
    coconut-data relabel data/published_valid.json data/published_valid_renamed.json
    coconut-data stats data/prosqa/valid.json
    coconut-data validate data/prosqa/valid.json

No command replaces an input, or an existing file, unless ``--force`` (the rule of every
console script, :mod:`coconut.outputs`); a command that would write zero records fails.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from coconut.data.gsm8k import HUB_NAME, load_gsm8k, load_icot
from coconut.data.io import read_records, write_examples
from coconut.data.prontoqa import MAX_HOPS
from coconut.data.prontoqa_raw import load_prontoqa_raw
from coconut.data.schema import DataValidationError
from coconut.data.splits import (
    DEFAULT_SIZES,
    SPLITS,
    make_missing_splits,
    split_seed,
    task_generator,
)
from coconut.data.stats import example_stats
from coconut.data.symbolic import MAX_NODES, max_node_index, relabel_records, symbolize_records
from coconut.data.validation import validate_examples
from coconut.outputs import OutputError, check_outputs, require_records

GSM8K_HUB_SPLITS = ("train", "test")
TASK_OPTIONS = {
    "prosqa": ("num_nodes", "min_steps", "max_steps"),
    "prontoqa": ("hops", "distractors"),
}


def _triple(text: str, what: str) -> tuple[int, int, int]:
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError as err:
        raise argparse.ArgumentTypeError(
            f"expected TRAIN,VALID,TEST integers, got {text!r}"
        ) from err
    if len(values) != 3 or min(values) < 0:
        raise argparse.ArgumentTypeError(f"expected three non-negative {what}, got {text!r}")
    return values  # type: ignore[return-value]


def _sizes(text: str) -> tuple[int, int, int]:
    return _triple(text, "sizes")


def _seeds(text: str) -> tuple[int, int, int]:
    return _triple(text, "seeds")


def _index_range(text: str) -> tuple[str, int, int]:
    """``"train=0:9000"`` -> ``("train", 0, 9000)``."""
    name, _, span = text.partition("=")
    start, _, end = span.partition(":")
    try:
        first, last = int(start), int(end)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected NAME=START:END, got {text!r}") from None
    if not name or not 0 <= first < last:
        raise argparse.ArgumentTypeError(f"expected NAME=START:END with START < END, got {text!r}")
    return name, first, last


def _add_generate(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("generate", help="generate ProsQA or ProntoQA splits")
    parser.add_argument("task", choices=sorted(DEFAULT_SIZES))
    parser.add_argument(
        "--out", type=Path, required=True, help="folder for {train,valid,test}.json"
    )
    parser.add_argument("--sizes", type=_sizes, help="TRAIN,VALID,TEST (default: the paper's)")
    parser.add_argument("--seed", type=int, default=0, help="run seed the split seeds derive from")
    parser.add_argument(
        "--seeds", type=_seeds, help="TRAIN,VALID,TEST seeds, as a data config's data.seeds"
    )
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")
    _add_force(parser)
    prontoqa = parser.add_argument_group("ProntoQA options")
    prontoqa.add_argument("--hops", type=int, help=f"reasoning hops, 1-{MAX_HOPS} (default 5)")
    prontoqa.add_argument("--no-distractors", action="store_true", help="state only the chain")
    prosqa = parser.add_argument_group("ProsQA options")
    prosqa.add_argument("--num-nodes", type=int, help="nodes grown per graph (default 28)")
    prosqa.add_argument("--min-steps", type=int, help="fewest reasoning steps (default 3)")
    prosqa.add_argument("--max-steps", type=int, help="most reasoning steps (default 6)")


def _add_others(commands: argparse._SubParsersAction) -> None:
    prepare = commands.add_parser(
        "prepare", help="convert GSM8K, or raw ProntoQA generator output, into the example schema"
    )
    prepare.add_argument("task", choices=["gsm8k", "prontoqa"])
    prepare.add_argument("--out", type=Path, required=True, help="folder for {split}.json")
    prepare.add_argument(
        "--source",
        default="hub",
        help="gsm8k: 'hub' (openai/gsm8k), a GSM8K .jsonl, an iCoT .txt, or a folder of them; "
        "prontoqa: the JSON output of the original ProntoQA generator",
    )
    prepare.add_argument(
        "--split",
        action="append",
        type=_index_range,
        metavar="NAME=START:END",
        help="prontoqa: write examples START..END-1 (file order) to NAME.json; repeatable",
    )
    prepare.add_argument("--cache-dir", help="datasets cache folder")
    _add_force(prepare)
    stats = commands.add_parser("stats", help="print statistics of an example file")
    stats.add_argument("file", type=Path)
    stats.add_argument("--json", action="store_true", help="print JSON")
    validate = commands.add_parser("validate", help="check an example file; exit 1 if invalid")
    validate.add_argument("file", type=Path)
    symbolize = commands.add_parser(
        "symbolize", help="write a ProsQA file with graph fields in the symbolic form"
    )
    symbolize.add_argument("file", type=Path, help="ProsQA records with graph fields")
    symbolize.add_argument("out", type=Path, help="the symbolic file to write")
    symbolize.add_argument("--seed", type=int, default=0, help="orders edges and options")
    symbolize.add_argument(
        "--max-steps", type=int, default=None, metavar="N",
        help="keep only records whose path has at most N steps (the anchor's graph_4 "
        "splits are N=4)",
    )  # fmt: skip
    _add_force(symbolize)
    relabel = commands.add_parser(
        "relabel", help="write a symbolic ProsQA file with each graph's nodes renamed at random"
    )
    relabel.add_argument("file", type=Path, help="symbolic ProsQA records with graph fields")
    relabel.add_argument("out", type=Path, help="the renamed copy to write")
    relabel.add_argument("--seed", type=int, default=0, help="draws the renamings")
    _add_force(relabel)


def _add_force(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--force", action="store_true", help="replace existing output files (never an input)"
    )


def _check_outputs(args: argparse.Namespace, outputs, inputs=None) -> None:
    """The rule of every console script (:mod:`coconut.outputs`), before any writing."""
    check_outputs(outputs, inputs, overwrite=args.force, force="--force")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``coconut-data``."""
    parser = argparse.ArgumentParser(prog="coconut-data", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    _add_generate(commands)
    _add_others(commands)
    return parser


def _generator_options(args: argparse.Namespace, parser: argparse.ArgumentParser) -> dict:
    """The generator options given on the command line (only the task's own)."""
    given = {
        "hops": args.hops,
        "distractors": False if args.no_distractors else None,
        "num_nodes": args.num_nodes,
        "min_steps": args.min_steps,
        "max_steps": args.max_steps,
    }
    given = {name: value for name, value in given.items() if value is not None}
    if foreign := sorted(set(given) - set(TASK_OPTIONS[args.task])):
        parser.error(f"options {foreign} do not apply to {args.task}")
    return given


def _generate(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    options = _generator_options(args, parser)
    sizes = dict(zip(SPLITS, args.sizes or DEFAULT_SIZES[args.task], strict=True))
    if args.seeds is not None:
        seeds = dict(zip(SPLITS, args.seeds, strict=True))
    else:
        seeds = {split: split_seed(args.seed, split) for split in SPLITS}
    paths = {split: args.out / f"{split}.json" for split in SPLITS}
    _check_outputs(args, paths.values())
    generate = task_generator(args.task, progress=not args.no_progress, **options)
    try:
        written = make_missing_splits(paths, generate, sizes, seeds, overwrite=True)
    except ValueError as err:
        parser.error(str(err))
    for split, path in written.items():
        print(f"wrote {sizes[split]} examples to {path}")
    return 0


def _gsm8k_sources(source: str) -> dict[str, Path | str]:
    """Split name -> file (or "hub") to convert."""
    if source == "hub":
        return {split: "hub" for split in GSM8K_HUB_SPLITS}
    path = Path(source)
    files = sorted([*path.glob("*.jsonl"), *path.glob("*.txt")]) if path.is_dir() else [path]
    stems = [f.stem for f in files]
    if not files or len(set(stems)) < len(stems):
        raise ValueError(f"{source}: need .jsonl or .txt files with distinct names, got {stems}")
    return {f.stem: f for f in files}


def _prepare(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.task == "prontoqa":
        return _prepare_prontoqa(args, parser)
    if args.split:
        parser.error("--split applies to prontoqa only")
    try:
        sources = _gsm8k_sources(args.source)
    except ValueError as err:
        parser.error(str(err))
    _check_outputs(
        args, [args.out / f"{split}.json" for split in sources],
        {f"--source ({split})": src for split, src in sources.items() if src != "hub"},
    )  # fmt: skip
    for split, source in sources.items():
        if source == "hub":
            try:
                dataset = load_gsm8k("hub", split, cache_dir=args.cache_dir)
            except ConnectionError as err:
                print(
                    f"cannot reach {HUB_NAME} on the hub ({err}); use --source PATH",
                    file=sys.stderr,
                )
                return 1
        elif Path(source).suffix == ".txt":
            dataset = load_icot(source, cache_dir=args.cache_dir)
        else:
            dataset = load_gsm8k(source, cache_dir=args.cache_dir)
        path = write_examples(dataset, args.out / f"{split}.json")
        print(f"wrote {len(dataset)} examples to {path}")
    return 0


def _prepare_prontoqa(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Converts raw ProntoQA output and writes the requested index ranges."""
    if args.source == "hub" or not Path(args.source).is_file():
        parser.error(
            f"prontoqa needs --source <the original generator's JSON output>, got {args.source!r}"
        )
    if not args.split:
        parser.error("prontoqa needs at least one --split NAME=START:END")
    names = [name for name, _, _ in args.split]
    if len(set(names)) < len(names):
        parser.error(f"--split names must be distinct, got {names}")
    _check_outputs(args, [args.out / f"{name}.json" for name in names], {"--source": args.source})
    records = load_prontoqa_raw(args.source)
    spans = sorted((start, end, name) for name, start, end in args.split)
    for (_, end, name), (start, _, other) in itertools.pairwise(spans):
        if start < end:
            parser.error(f"--split {name} and {other} overlap")
    for name, start, end in args.split:
        if end > len(records):
            parser.error(f"--split {name}={start}:{end}: {args.source} has {len(records)} examples")
        path = write_examples(records[start:end], args.out / f"{name}.json")
        print(f"wrote {end - start} examples ({start}..{end - 1}) to {path}")
    return 0


def _stats(args: argparse.Namespace) -> int:
    records = read_records(args.file)
    if problems := validate_examples(records, source=str(args.file)):
        raise DataValidationError(problems)
    if not records:
        print(f"{args.file}: no examples", file=sys.stderr)
        return 1
    stats = example_stats(records)
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        width = max(map(len, stats))
        for name, value in stats.items():
            shown = f"{value:.4g}" if isinstance(value, float) else str(value)
            print(f"{name:<{width}}  {shown}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    try:
        records = read_records(args.file)
        problems = validate_examples(records, source=str(args.file))
    except DataValidationError as err:
        records, problems = [], err.problems
    for problem in problems:
        print(problem)
    if problems:
        bad = len({p.index for p in problems if p.index is not None})
        print(f"INVALID: {len(problems)} problem(s) in {bad} example(s) of {args.file}")
        return 1
    print(f"OK: {len(records)} valid examples in {args.file}")
    return 0


def _symbolize(args: argparse.Namespace) -> int:
    _check_outputs(args, [args.out], {"FILE": args.file})
    records = symbolize_records(read_records(args.file), seed=args.seed, source=str(args.file))
    total = len(records)
    if args.max_steps is not None:
        records = [r for r in records if len(r["steps"]) <= args.max_steps]
        require_records(len(records), total, f"--max-steps {args.max_steps}", args.file)
    if not records:
        raise OutputError(f"{args.file}: holds no records to symbolize; nothing was written")
    path = write_examples(records, args.out)
    kept = f" (of {total}; paths of at most {args.max_steps} steps)" if len(records) < total else ""
    print(f"wrote {len(records)} symbolic examples to {path}{kept}")
    largest, index = max_node_index(records)
    if largest >= MAX_NODES:
        print(
            f"warning: {path}[{index}]: node index {largest} is past the symbolic tokenizer's "
            f"range 0..{MAX_NODES - 1}: coconut-train refuses this file (graphs of at most "
            f"{MAX_NODES} nodes train)",
            file=sys.stderr,
        )
    return 0


def _relabel(args: argparse.Namespace) -> int:
    _check_outputs(args, [args.out], {"FILE": args.file})
    records = relabel_records(read_records(args.file), seed=args.seed, source=str(args.file))
    if not records:
        raise OutputError(f"{args.file}: holds no records to relabel; nothing was written")
    path = write_examples(records, args.out)
    print(f"wrote {len(records)} examples with their nodes renamed to {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``coconut-data``; returns the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "file", None) is not None and not args.file.is_file():
        parser.error(f"no such file: {args.file}")
    if args.command == "validate":
        return _validate(args)
    try:
        if args.command == "generate":
            return _generate(args, parser)
        if args.command == "prepare":
            return _prepare(args, parser)
        if args.command == "symbolize":
            if args.max_steps is not None and args.max_steps < 1:
                parser.error(f"--max-steps must be at least 1, got {args.max_steps}")
            return _symbolize(args)
        if args.command == "relabel":
            return _relabel(args)
        return _stats(args)
    except DataValidationError as err:
        print(err, file=sys.stderr)
        return 1
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
