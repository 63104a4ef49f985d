"""The step-level MDP over a CoT policy: states, actions (steps) and episodes.

A state is the question plus the steps taken so far. An action is one step of the
training text format: the text of one entry of ``steps`` ended by a newline, or the answer
line ``"### " + answer`` ended by eos, which makes the state terminal. States keep the
exact token ids fed to the policy, so a sampled step is replayed token for token.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from transformers import PreTrainedTokenizerBase

from coconut.curriculum.text_format import ANSWER_MARKER, extract_answer

ANSWER_PREFIX = ANSWER_MARKER


@dataclass(frozen=True)
class Step:
    """One action.

    Attributes:
        text: the step without its delimiter, e.g. ``"Tom is a terpus."`` or
            ``"### Tom is a lempus."``.
        ids: its token ids as the policy reads them (delimiter included).
    """

    text: str
    ids: tuple[int, ...]

    @property
    def is_answer(self) -> bool:
        """Whether this step is the answer line (it ends the episode)."""
        return self.text.lstrip().startswith(ANSWER_PREFIX)

    @property
    def key(self) -> str:
        """The text with whitespace collapsed: equal keys are the same candidate."""
        return " ".join(self.text.split())


@dataclass(frozen=True)
class State:
    """The question and the steps so far.

    Attributes:
        question_ids: ids of ``question + "\\n"``.
        steps: the actions taken.
    """

    question_ids: tuple[int, ...]
    steps: tuple[Step, ...] = ()

    @property
    def ids(self) -> list[int]:
        """The policy's input for this state."""
        out = list(self.question_ids)
        for step in self.steps:
            out.extend(step.ids)
        return out

    @property
    def finished(self) -> bool:
        """Whether the last step is the answer line."""
        return bool(self.steps) and self.steps[-1].is_answer

    @property
    def answer(self) -> str | None:
        """The answer of a finished state, ``None`` otherwise."""
        return extract_answer(self.steps[-1].text, None) if self.finished else None

    @property
    def step_texts(self) -> list[str]:
        """The texts of the reasoning steps (the answer line excluded)."""
        return [s.text for s in self.steps if not s.is_answer]

    def child(self, step: Step) -> State:
        """The state after taking ``step``."""
        return State(self.question_ids, (*self.steps, step))


@dataclass(frozen=True)
class Problem:
    """One question to search on.

    Attributes:
        record: the example (``question``, ``answer``, graph fields...); the gold answer
            is read only by the oracle, the process rewards and scoring.
        root: the initial state.
        index: position of the example in its file.
        world: the task's rules (facts, oracle Q, process rewards), or ``None``.
    """

    record: Mapping[str, Any]
    root: State
    index: int = 0
    world: Any = field(default=None, compare=False)


def encode_step(text: str, tokenizer: PreTrainedTokenizerBase) -> Step:
    """The :class:`Step` of ``text`` as the training format writes it.

    A reasoning step is followed by ``"\\n"``; the answer line by eos.
    """
    text = text.strip()
    if text.startswith(ANSWER_PREFIX):
        ids = [*tokenizer(text, add_special_tokens=False)["input_ids"], tokenizer.eos_token_id]
    else:
        ids = tokenizer(text + "\n", add_special_tokens=False)["input_ids"]
    return Step(text, tuple(ids))


def root_state(question: str, tokenizer: PreTrainedTokenizerBase) -> State:
    """The initial state of ``question``."""
    ids = tokenizer(question + "\n", add_special_tokens=False)["input_ids"]
    return State(tuple(ids))


def split_steps(
    ids: Sequence[int], tokenizer: PreTrainedTokenizerBase, newline_ids: frozenset[int]
) -> list[Step]:
    """Cuts generated ids into steps after every newline token and after eos.

    Ids after eos are dropped; a trailing piece with neither delimiter is kept as an
    (unfinished) last step unless it is an answer line cut short, which is dropped.
    """
    steps, piece = [], []
    for token in ids:
        piece.append(int(token))
        if token == tokenizer.eos_token_id or token in newline_ids:
            steps.append(_step_of(piece, tokenizer))
            piece = []
            if token == tokenizer.eos_token_id:
                return [s for s in steps if s.text]
    if piece:
        step = _step_of(piece, tokenizer)
        if not step.is_answer:
            steps.append(step)
    return [s for s in steps if s.text]


def _step_of(piece: list[int], tokenizer: PreTrainedTokenizerBase) -> Step:
    text = tokenizer.decode(piece, skip_special_tokens=True)
    return Step(text.split("\n", 1)[0].strip(), tuple(piece))


def newline_token_ids(tokenizer: PreTrainedTokenizerBase) -> frozenset[int]:
    """Ids of the tokens whose text contains a newline (they end a step)."""
    return frozenset(
        i
        for i in range(len(tokenizer))
        if "\n" in tokenizer.decode([i], clean_up_tokenization_spaces=False)
    )
