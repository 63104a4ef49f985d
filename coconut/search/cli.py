"""``coconut-search``: decode a CoT run with greedy, best-of-N, beam or A* search.

:func:`run_search` is a plain function of the composed ``search`` config (tests call it);
:func:`main` wraps it with ``hydra.main`` on the packaged configs
(:func:`~coconut.hydra_app.hydra_entry`). The run directory gets ``config.yaml``,
``results.json`` (shaped like a training run's: method, data, model, seed and the split's
metrics), ``predictions.json`` (every example's answer, steps and compute) and
``search.log``.

The run is named after the policy's run id (and the value run's, :mod:`coconut.search.runs`),
so a search of another policy with the same settings gets its own directory. Everything is
checked before the directory is named or written: ``search.*`` values (naming the key),
the policy and value runs, the split file (its task must be the policy's,
:mod:`coconut.data.tasks`). Errors are one line and exit 1; a missing ``policy=`` exits 2;
``HYDRA_FULL_ERROR=1`` shows the traceback.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch
from omegaconf import DictConfig, OmegaConf

from coconut.atomic import atomic_write_json, atomic_write_text
from coconut.console import run_reporting_errors
from coconut.data import load_examples
from coconut.data.tasks import check_task, data_task
from coconut.hydra_app import hydra_entry
from coconut.logfile import log_to_file
from coconut.rundir import RunDir
from coconut.search.astar import astar_search
from coconut.search.baselines import beam_search, best_of_n, greedy
from coconut.search.config import SearchConfig, SearchConfigError
from coconut.search.counters import ComputeCounter
from coconut.search.evaluate import Searcher, evaluate_search
from coconut.search.mdp import Problem, root_state
from coconut.search.policy import StepPolicy
from coconut.search.proposers import EnumerateProposer, PolicyProposer
from coconut.search.runs import (
    check_run_dir,
    load_policy,
    load_value,
    policy_config,
    run_id_of,
)
from coconut.search.values import LearnedValue, OracleValue
from coconut.search.worlds import world_for

log = logging.getLogger(__name__)

USAGE = "coconut-search policy=<coconut-train run> [search=astar] [value=<coconut-qvalue run>]"


def run_search(cfg: DictConfig) -> dict[str, Any]:
    """Searches the configured split with the configured method; writes the run dir.

    Raises:
        SearchConfigError: for an invalid ``search.*`` value (naming the key) or a
            learned value without ``value=``.
        FileNotFoundError: for a missing policy run, value run or split file.
    """
    search_cfg = SearchConfig.from_mapping(OmegaConf.to_container(cfg.search, resolve=True))
    needs_value = search_cfg.name != "greedy" and search_cfg.value == "learned"
    check_run_dir(cfg, "policy", USAGE)
    if needs_value and not cfg.value:
        raise SearchConfigError(
            f"search={search_cfg.name} with search.value=learned needs value=<coconut-qvalue "
            "run dir> (or search.value=oracle)"
        )
    if needs_value:
        check_run_dir(cfg, "value", USAGE)
    run_cfg = policy_config(cfg.policy)
    split_file, records = _split_records(cfg, run_cfg)
    run_dir = Path(cfg.paths.output_dir)  # named after the runs, now that they are checked
    with log_to_file(run_dir / "search.log"):
        return _search(cfg, search_cfg, needs_value, split_file, records, run_dir)


def _split_records(cfg: DictConfig, run_cfg: DictConfig):
    """The split's file and records, refused when empty or of another task than the
    policy's."""
    split_file = cfg.data.splits.get(cfg.split) or run_cfg.data.splits.get(cfg.split)
    if not split_file:
        raise SearchConfigError(f"split={cfg.split!r}: set data.splits.{cfg.split}=<file>")
    records = load_examples(split_file)
    given = f"split={cfg.split} ({split_file})"
    if len(records) == 0:
        raise ValueError(f"{given}: no examples to search")
    owner = f"the policy {cfg.policy} (data {run_cfg.data.name})"
    check_task(records, given, data_task(run_cfg.data), owner)
    return split_file, records


def _search(cfg, search_cfg, needs_value, split_file, records, run_dir) -> dict[str, Any]:
    torch.manual_seed(cfg.seed)
    model, tokenizer, run_cfg = load_policy(cfg.policy)
    counter = ComputeCounter()
    policy = StepPolicy(model, tokenizer, counter, seed=cfg.seed)
    value = (
        LearnedValue(load_value(cfg.value), tokenizer.eos_token_id, counter)
        if needs_value
        else OracleValue(counter)
    )
    problems = make_problems(records, tokenizer, cfg.limit)
    searcher = build_searcher(search_cfg, policy, value, tokenizer)
    outcome = evaluate_search(searcher, problems, counter)
    results = {
        "run_name": cfg.run_name,
        "method": f"search-{search_cfg.name}",
        "data": run_cfg.data.name,
        "model": run_cfg.model.name,
        "seed": cfg.seed,
        "policy": str(cfg.policy),
        "policy_run_id": run_id_of(cfg.policy),
        "value": str(cfg.value) if needs_value else search_cfg.value,
        "value_run_id": run_id_of(cfg.value) if needs_value else None,
        "search": asdict(search_cfg),
        "split": cfg.split,
        "split_file": str(split_file),
        cfg.split: dict(outcome["metrics"]),
    }
    run = RunDir(run_dir)
    atomic_write_text(run.config, OmegaConf.to_yaml(cfg, resolve=True))
    atomic_write_json(run.predictions, outcome["predictions"])
    atomic_write_json(run.results, results)
    metrics = outcome["metrics"]
    log.info(
        "%s: acc %.3f, %.1f policy tokens, %.3f s per example -> %s",
        results["method"],
        metrics["acc"],
        metrics["gen_tokens"],
        metrics["sec_per_example"],
        run.results,
    )
    return results


def make_problems(records, tokenizer, limit: int | None = None) -> list[Problem]:
    """The problems of ``records`` (the first ``limit`` of them)."""
    count = len(records) if limit is None else min(int(limit), len(records))
    return [
        Problem(records[i], root_state(records[i]["question"], tokenizer), i, world_for(records[i]))
        for i in range(count)
    ]


def build_searcher(cfg: SearchConfig, policy: StepPolicy, value, tokenizer) -> Searcher:
    """The search ``cfg`` names, over ``policy`` and ``value``."""
    if cfg.proposer == "enumerate":
        proposer = EnumerateProposer(tokenizer)
    else:
        proposer = PolicyProposer(policy, cfg.temperature, cfg.max_step_tokens)
    if cfg.name == "greedy":
        return lambda problem: greedy(problem, policy, cfg)
    if cfg.name == "best_of_n":
        return lambda problem: best_of_n(problem, policy, value, cfg)
    if cfg.name == "beam":
        return lambda problem: beam_search(problem, proposer, value, cfg)
    return lambda problem: astar_search(problem, proposer, value, cfg)


def _run(cfg: DictConfig) -> float:
    """Runs the composed ``search`` config; returns the metric for sweepers."""
    results = run_reporting_errors(run_search, cfg)
    return results[cfg.split]["acc"]


main = hydra_entry(_run, "search")
"""Console entry point: ``coconut-search policy=<run> [search=astar] [value=<run>]`` (configs
from ``pkg://coconut.conf``)."""


if __name__ == "__main__":
    main()
