"""Per-epoch shuffling of the training questions' facts (``data.shuffle_facts``).

:class:`FactShuffle` rewrites the question of a training example each time it is drawn:
its facts, and ProsQA's two options, in an order that depends only on the run seed, the
epoch and the example's index (:mod:`coconut.data.facts`), tokenized again. Steps and
answer are untouched. Every question is checked when the shuffle is built, so a file of a
form that cannot be shuffled fails before training, naming the file and index.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence

from transformers import PreTrainedTokenizerBase

from coconut.curriculum import TokenizedExample
from coconut.curriculum.text_format import LINE_END
from coconut.data.facts import FORMS, question_form, shuffle_question


class FactShuffle:
    """Reorders the facts of the training questions, differently every epoch.

    Args:
        questions: the training split's question texts, in example order.
        tokenizer: the run's tokenizer.
        source: the training file, for error messages.

    Raises:
        ValueError: naming ``source`` and the index of the first question whose facts
            cannot be told apart (see :data:`~coconut.data.facts.FORMS`).
    """

    def __init__(
        self, questions: Sequence[str], tokenizer: PreTrainedTokenizerBase, source: str
    ) -> None:
        for i, question in enumerate(questions):
            if question_form(question) is None:
                raise ValueError(
                    f"{source}[{i}]: data.shuffle_facts=true, but this question is none of "
                    f"the forms whose facts can be shuffled ({', '.join(FORMS)}); set "
                    "data.shuffle_facts=false"
                )
        self.questions, self.tokenizer = list(questions), tokenizer

    def __call__(
        self, index: int, example: TokenizedExample, *, seed: int, epoch: int
    ) -> TokenizedExample:
        """``example`` with the question of ``index`` reordered for ``(seed, epoch)``."""
        rng = random.Random(f"coconut-shuffle:{seed}:{epoch}:{index}")
        text = shuffle_question(self.questions[index], rng) + LINE_END
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        return dataclasses.replace(example, question=list(ids))
