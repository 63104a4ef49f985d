"""Analyses of generations: memory vs reasoning errors, lookahead yardsticks, tag statistics.

- :mod:`~coconut.analysis.memory_errors`: each wrong answer on ProsQA/ProntoQA classified
  as a memory error, a reasoning error, both or neither (arXiv 2411.13504's analysis);
- :mod:`~coconut.analysis.lookahead`: the exact ProsQA accuracy of a walker that follows
  real edges and sees k hops ahead, the yardstick for how much search a chain does;
- :mod:`~coconut.analysis.tag_stats`: how often generations emit memory and reason steps
  and where the first reason step comes (StrategyQA, TruthfulQA).
"""

from coconut.analysis.lookahead import lookahead_table, walker_accuracy
from coconut.analysis.memory_errors import classify, error_shares
from coconut.analysis.tag_stats import tag_sequence, tag_statistics

__all__ = [
    "classify",
    "error_shares",
    "lookahead_table",
    "tag_sequence",
    "tag_statistics",
    "walker_accuracy",
]
