"""Analyses of generations: memory vs reasoning errors, lookahead yardsticks, tag statistics.

- :mod:`~coconut.analysis.memory_errors`: each wrong answer on ProsQA/ProntoQA classified
  as a memory error, a reasoning error, both or neither (arXiv 2411.13504's analysis);
- :mod:`~coconut.analysis.lookahead`: the exact ProsQA accuracy of a walker that follows
  real edges and sees k hops ahead, the yardstick for how much search a chain does;
- :mod:`~coconut.analysis.yardsticks`: what rules that do not search score on a symbolic
  ProsQA split (the larger option index, the edge-walker and its 1-hop lookahead);
- :mod:`~coconut.analysis.tag_stats`: how often generations emit memory and reason steps
  and where the first reason step comes (StrategyQA, TruthfulQA).
"""

from coconut.analysis.lookahead import lookahead_table, walker_accuracy
from coconut.analysis.memory_errors import classify, error_shares
from coconut.analysis.tag_stats import tag_sequence, tag_statistics
from coconut.analysis.yardsticks import larger_option_share, yardsticks

__all__ = [
    "classify",
    "error_shares",
    "larger_option_share",
    "lookahead_table",
    "tag_sequence",
    "tag_statistics",
    "walker_accuracy",
    "yardsticks",
]
