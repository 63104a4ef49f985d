"""Q* deliberative decoding (arXiv 2406.14283): search over reasoning steps of a CoT policy.

Reasoning is a step-level MDP (:mod:`~coconut.search.mdp`): the state is the question and
the steps so far, an action is the next step, and the answer line ends an episode.
Candidate steps come from the policy or, on ProsQA, from the question's own facts
(:mod:`~coconut.search.proposers`). A Q-value model (:mod:`~coconut.search.value_model`,
labelled by rollouts in :mod:`~coconut.search.labeller`) or the exact oracle Q
(:mod:`~coconut.search.worlds`) scores them, and A* (:mod:`~coconut.search.astar`) or a
baseline (:mod:`~coconut.search.baselines`) picks the trajectory. Every policy and value
call is counted (:mod:`~coconut.search.counters`). ``coconut-search`` and
``coconut-qvalue`` are the command-line apps.
"""

from coconut.search.astar import astar_search
from coconut.search.baselines import beam_search, best_of_n, greedy
from coconut.search.counters import ComputeCounter
from coconut.search.mdp import Problem, State, Step
from coconut.search.result import SearchResult

__all__ = [
    "ComputeCounter",
    "Problem",
    "SearchResult",
    "State",
    "Step",
    "astar_search",
    "beam_search",
    "best_of_n",
    "greedy",
]
