"""Per-epoch renaming of symbolic ProsQA nodes (``data.relabel_nodes``).

:class:`NodeRelabel` rewrites a training example each time it is drawn: its nodes get new
labels drawn from the symbolic tokenizer's range (:func:`coconut.data.symbolic.relabel`),
and with ``data.shuffle_facts`` its edges and options are reordered too, all from the run
seed, the epoch and the example's index. Question, steps and answer are tokenized again.
Evaluation files keep their labels. Every training question is checked first, so a file
that is not symbolic fails before training, naming the file and index.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from transformers import PreTrainedTokenizerBase

from coconut.curriculum import TokenizedExample, tokenize_example
from coconut.data.facts import question_form, shuffle_question
from coconut.data.symbolic import relabel
from coconut.training.symbolic_tokenizer import MAX_NODES


class NodeRelabel:
    """Renames the nodes of symbolic training examples, differently every epoch.

    Args:
        records: the training split's records, in example order.
        tokenizer: the run's tokenizer (the symbolic one).
        source: the training file, for error messages.
        shuffle_facts: also reorder the edges and options.
        max_nodes: labels are drawn from ``0 .. max_nodes - 1``.

    Raises:
        ValueError: naming ``source`` and the index of the first record that is not in
            the symbolic form.
    """

    def __init__(
        self,
        records: Sequence[Mapping],
        tokenizer: PreTrainedTokenizerBase,
        source: str,
        *,
        shuffle_facts: bool = True,
        max_nodes: int = MAX_NODES,
    ) -> None:
        for i, record in enumerate(records):
            if question_form(record["question"]) != "prosqa_symbolic":
                raise ValueError(
                    f"{source}[{i}]: data.relabel_nodes=true needs symbolic ProsQA "
                    "(coconut-data symbolize); set data.relabel_nodes=false"
                )
        texts = ("question", "steps", "answer")
        self.records = [{key: record[key] for key in texts} for record in records]
        self.tokenizer, self.shuffle_facts, self.max_nodes = tokenizer, shuffle_facts, max_nodes

    def __call__(
        self, index: int, example: TokenizedExample, *, seed: int, epoch: int
    ) -> TokenizedExample:
        """``example`` renamed (and reordered) for ``(seed, epoch)``."""
        rng = random.Random(f"coconut-relabel:{seed}:{epoch}:{index}")
        record = relabel(self.records[index], rng, self.max_nodes)
        if self.shuffle_facts:
            record["question"] = shuffle_question(record["question"], rng)
        return tokenize_example(record, self.tokenizer)
