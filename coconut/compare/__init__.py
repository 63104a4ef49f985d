"""Comparing runs: the Coconut paper's Table 1 from run folders, results and W&B.

- :mod:`~coconut.compare.wandb_offline`: reading offline W&B run folders;
- :mod:`~coconut.compare.records`: one run's final metrics, and what could not be read;
- :mod:`~coconut.compare.runs`: collecting runs from every source;
- :mod:`~coconut.compare.table`: aggregating over seeds, markdown and CSV;
- :mod:`~coconut.compare.plots`: accuracy against tokens, curves by method;
- :mod:`~coconut.compare.cli`: ``coconut-compare``.
"""

from coconut.compare.records import CompareError, RunRecord, Unreadable, from_results, from_wandb
from coconut.compare.runs import collect_runs
from coconut.compare.table import aggregate, markdown_table, mean_std
from coconut.compare.wandb_offline import OfflineRun, read_offline_run

__all__ = [
    "CompareError",
    "OfflineRun",
    "RunRecord",
    "Unreadable",
    "aggregate",
    "collect_runs",
    "from_results",
    "from_wandb",
    "markdown_table",
    "mean_std",
    "read_offline_run",
]
