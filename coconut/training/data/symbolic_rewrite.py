"""Per-epoch rewriting of symbolic ProsQA training examples (``data.fresh_graphs``,
``data.relabel_nodes``, ``data.resample_paths``).

:class:`SymbolicRewrite` rewrites a training example each time it is drawn, from the run
seed, the epoch and the example's index:

- ``fresh``: example ``i`` of epoch ``e`` is graph ``i`` of a set drawn anew for that
  epoch (:class:`~coconut.training.data.fresh_graphs.FreshGraphs`), so no graph comes back and
  none can be memorised;
- ``resample_paths``: the steps become a path drawn at random among the equally long ones
  from the root to the answer (:func:`coconut.data.symbolic.resample_path`);
- ``relabel_nodes``: the nodes get new labels drawn from the symbolic tokenizer's range
  (:func:`coconut.data.symbolic.relabel`), or a permutation of the graph's own ids
  (``data.relabel_own_ids``);
- ``shuffle_facts``: the edges and options are reordered.

Question, steps and answer are tokenized again. Evaluation files are left as they are.
Every training question is checked first, so a file that is not symbolic fails before
training, naming the file and index.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence

from transformers import PreTrainedTokenizerBase

from coconut.curriculum import TokenizedExample, tokenize_example
from coconut.data.facts import question_form, shuffle_question
from coconut.data.symbolic import relabel, resample_path
from coconut.tokenizers.symbolic import MAX_NODES


class SymbolicRewrite:
    """Rewrites symbolic training examples, differently every epoch.

    Args:
        records: the training split's records, in example order.
        tokenizer: the run's tokenizer (the symbolic one).
        source: the training file, for error messages.
        relabel_nodes: rename the nodes.
        resample_paths: draw the steps among the equally long paths.
        shuffle_facts: reorder the edges and options.
        max_nodes: labels are drawn from ``0 .. max_nodes - 1``.
        own_ids: relabel by a permutation of the ids each graph already uses instead.
        fresh: ``fresh(seed, epoch)`` gives the epoch's records (as many as ``records``)
            in place of ``records``; ``None`` rewrites the same records every epoch.

    Raises:
        ValueError: naming ``source`` and the index of the first record that is not in
            the symbolic form, or whose steps are no path of its graph to the answer.
    """

    def __init__(
        self,
        records: Sequence[Mapping],
        tokenizer: PreTrainedTokenizerBase,
        source: str,
        *,
        relabel_nodes: bool = True,
        resample_paths: bool = False,
        shuffle_facts: bool = True,
        max_nodes: int = MAX_NODES,
        own_ids: bool = False,
        fresh: Callable[[int, int], Sequence[Mapping]] | None = None,
    ) -> None:
        switches = (("fresh_graphs", fresh is not None), ("relabel_nodes", relabel_nodes),
                    ("resample_paths", resample_paths))  # fmt: skip
        self.options = [name for name, on in switches if on]
        self.records = _checked_texts(records, source, self.options)
        self.tokenizer, self.max_nodes, self.own_ids = tokenizer, max_nodes, own_ids
        self.relabel_nodes, self.resample_paths = relabel_nodes, resample_paths
        self.shuffle_facts, self.fresh = shuffle_facts, fresh
        self._epoch_records: tuple[tuple[int, int], list[dict]] | None = None

    def __call__(
        self, index: int, example: TokenizedExample, *, seed: int, epoch: int
    ) -> TokenizedExample:
        """``example`` rewritten for ``(seed, epoch)``."""
        rng = random.Random(f"coconut-relabel:{seed}:{epoch}:{index}")
        record = self.record(index, seed=seed, epoch=epoch)
        if self.resample_paths:
            record = resample_path(record, random.Random(f"coconut-paths:{seed}:{epoch}:{index}"))
        if self.relabel_nodes:
            record = relabel(record, rng, self.max_nodes, own_ids=self.own_ids)
        if self.shuffle_facts:
            record = {**record, "question": shuffle_question(record["question"], rng)}
        return tokenize_example(record, self.tokenizer)


    def record(self, index: int, *, seed: int, epoch: int) -> dict:
        """Example ``index`` of ``epoch`` before rewriting: the training file's, or the
        epoch's fresh graph (drawn once per epoch and kept until the next)."""
        if self.fresh is None:
            return self.records[index]
        if self._epoch_records is None or self._epoch_records[0] != (seed, epoch):
            drawn = self.fresh(seed, epoch)
            if len(drawn) != len(self.records):
                raise ValueError(
                    f"data.fresh_graphs: epoch {epoch} drew {len(drawn)} graphs, "
                    f"the training split has {len(self.records)}"
                )
            where = f"fresh graphs of epoch {epoch}"
            self._epoch_records = ((seed, epoch), _checked_texts(drawn, where, self.options))
        return self._epoch_records[1][index]


def _checked_texts(records: Sequence[Mapping], source: str, options: list[str]) -> list[dict]:
    """The question, steps and answer of every record, each checked by :func:`_check`."""
    texts = ("question", "steps", "answer")
    out = [{key: record[key] for key in texts} for record in records]
    for i, record in enumerate(out):
        _check(record, f"{source}[{i}]", options)
    return out


def _check(record: Mapping, where: str, options: list[str]) -> None:
    """Refuses a record that is not symbolic, or whose steps no path resampling can use."""
    switches = " and ".join(f"data.{name}=true" for name in options)
    if question_form(record["question"]) != "prosqa_symbolic":
        raise ValueError(
            f"{where}: {switches} needs symbolic ProsQA (coconut-data symbolize); set them to false"
        )
    if "resample_paths" in options:
        try:
            resample_path(record, random.Random(0))
        except ValueError as error:
            raise ValueError(f"{where}: data.resample_paths=true: {error}") from None
