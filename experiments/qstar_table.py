"""Tabulate search runs (``coconut-search``) beside training runs (``coconut-train``).

Every argument is a run directory holding ``results.json`` or a ``coconut-eval`` output
file; the table gives, per run, the
method, the accuracy on the evaluated split, the policy tokens (generated tokens,
latent thoughts included for Coconut runs), the forward passes and the wall time per
example. ``--plot`` also draws accuracy against policy tokens and against seconds.

    python experiments/qstar_table.py /work/runs/qstar/search/* /work/runs/qstar/<coconut run> \
        --plot experiments/qstar.png
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def row(run_dir: Path) -> dict:
    """The table row of one run (its results.json) or of a ``coconut-eval`` output file."""
    if run_dir.is_file():
        return eval_row(run_dir)
    results = json.loads((run_dir / "results.json").read_text())
    split = results.get("split", "test")
    metrics = results[split]
    search = results.get("search") or {}
    label = results["method"]
    if search and search["name"] != "greedy":
        label += f" ({search['value']} Q"
        label += ", enumerate)" if search["proposer"] == "enumerate" else ")"
    return {
        "run": run_dir.name,
        "method": label,
        "acc": metrics["acc"],
        "tokens": metrics["gen_tokens"],
        "passes": metrics["forward_passes"],
        "seconds": metrics["sec_per_example"],
        "n": int(metrics["num_examples"]),
    }


def eval_row(path: Path) -> dict:
    """The row of a ``coconut-eval`` output (greedy decoding of a training run)."""
    results = json.loads(path.read_text())
    trained = json.loads((Path(results["run_dir"]) / "results.json").read_text())
    return {
        "run": Path(results["run_dir"]).name,
        "method": f"{trained['method']} (coconut-eval, stage {results['stage']})",
        "acc": results["acc"],
        "tokens": results["gen_tokens"],
        "passes": results["forward_passes"],
        "seconds": results["sec_per_example"],
        "n": int(results["num_examples"]),
    }


def markdown(rows: list[dict]) -> str:
    """The rows as a markdown table."""
    lines = [
        "| method | run | acc | policy tokens / ex. | forward passes / ex. | s / ex. | n |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['method']} | `{r['run']}` | {r['acc']:.3f} | {r['tokens']:.1f} | "
            f"{r['passes']:.1f} | {r['seconds']:.3f} | {r['n']} |"
        )
    return "\n".join(lines)


def plot(rows: list[dict], path: Path) -> None:
    """Accuracy against policy tokens and against wall time, one point per run."""
    from coconut.plotting import figure, save

    fig = figure(13, 4)
    axes = fig.subplots(1, 2, sharey=True)
    for ax, key, name in [(axes[0], "tokens", "policy tokens / example"),
                          (axes[1], "seconds", "seconds / example")]:  # fmt: skip
        for i, r in enumerate(rows):
            ax.scatter(r[key], r["acc"], marker="osD^v<>ph*"[i % 10], label=r["method"])
        ax.set_xscale("symlog")
        ax.set_xlabel(name)
    axes[0].set_ylabel("accuracy")
    axes[1].legend(fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5))
    save(fig, path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="+", type=Path)
    parser.add_argument("--plot", type=Path, default=None)
    args = parser.parse_args()
    rows = [row(r) for r in args.runs if r.is_file() or (r / "results.json").is_file()]
    print(markdown(rows))
    if args.plot:
        plot(rows, args.plot)


if __name__ == "__main__":
    main()
