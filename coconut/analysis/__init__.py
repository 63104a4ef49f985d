"""Analyses of generations: memory vs reasoning errors, and tag statistics.

- :mod:`~coconut.analysis.memory_errors`: each wrong answer on ProsQA/ProntoQA classified
  as a memory error, a reasoning error, both or neither (arXiv 2411.13504's analysis);
- :mod:`~coconut.analysis.tag_stats`: how often generations emit memory and reason steps
  and where the first reason step comes (StrategyQA, TruthfulQA).
"""

from coconut.analysis.memory_errors import classify, error_shares
from coconut.analysis.tag_stats import tag_sequence, tag_statistics

__all__ = ["classify", "error_shares", "tag_sequence", "tag_statistics"]
