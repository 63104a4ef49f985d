"""The :class:`Method` base class and the :class:`Layout` every method produces.

A method is a frozen dataclass whose fields are exactly the config fields it reads. It
declares its stages (:meth:`Method.stages`), the stage of each epoch, optional stage
mixing, its layout of an example at a stage and the extra tokens it needs; what training
and evaluation ask beyond that (latent thoughts per stage, latent spans opened while
generating, the steps its curriculum replaces) and how tables show it (its display name
and row of the paper's Table 1) are attributes of :class:`Method` too. A method may own
its training objective (:meth:`Method.objective`: several passes, named and weighted loss
components), lay out more than one sequence per training example for it
(:meth:`Method.views`) and put a trainable projection on the fed-back thoughts
(:attr:`Method.thought_projection`); by default it trains on one forward pass and its
loss, as the paper's methods do. Field values
are checked in ``__post_init__`` by the checks each field carries in its metadata (see
:mod:`coconut.methods.validated_fields`), so a bad value fails with ``method <field>: ...``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, ClassVar

from coconut.methods.validated_fields import check_field, flag

if TYPE_CHECKING:
    from coconut.data.tokenized import TokenizedExample
    from coconut.model.objective import Objective
    from coconut.model.tokens import TokenIds


@dataclass(frozen=True)
class Layout:
    """One example laid out for one stage.

    Attributes:
        prompt: the eval prompt: the question plus the markers and thoughts the method
            puts before the remaining language.
        continuation: the remaining language and the answer (with eos); the training
            labels are exactly these ids.
        n_latent: number of ``<|latent|>`` thoughts (counted as generated tokens).
    """

    prompt: list[int]
    continuation: list[int]
    n_latent: int


@dataclass(frozen=True, kw_only=True)
class Method:
    """Base of every training method; subclasses are registered with ``@register``.

    Class attributes:
        name: the registry key (``method.name`` in the config).
        uses_latents: whether layouts hold ``<|latent|>`` tokens fed back as hidden states.
        display_name: its name in tables and plots (``None``: ``name``).
        table1_row: its row (0-based) in the paper's Table 1; ``None`` for methods not
            in that table (:func:`~coconut.methods.registry.table1_methods`).
        needs_steps: whether training reads the language reasoning steps of every
            example (a teacher's chain of thought); data without steps is refused.

    Attributes:
        reset_optimizer_on_stage: build a fresh optimizer whenever the stage changes.
    """

    name: ClassVar[str]
    uses_latents: ClassVar[bool] = False
    display_name: ClassVar[str | None] = None
    table1_row: ClassVar[int | None] = None
    needs_steps: ClassVar[bool] = False
    reset_optimizer_on_stage: bool = flag(True)

    def __post_init__(self) -> None:
        for f in fields(self):
            check_field(f, getattr(self, f.name))

    # -- schedule ---------------------------------------------------------------------
    def stages(self) -> tuple[int, ...]:
        """Every stage the schedule trains, in order (default: stage 0 only)."""
        return (0,)

    def stage_for_epoch(self, epoch: int) -> int:
        """The stage trained at ``epoch`` (0-based); the first stage by default.

        Raises:
            ValueError: if ``epoch`` is negative.
        """
        check_epoch(epoch)
        return self.stages()[0]

    @property
    def final_stage(self) -> int:
        """The last stage the schedule trains."""
        return self.stages()[-1]

    @property
    def num_stages(self) -> int:
        """Number of stages the schedule trains."""
        return len(self.stages())

    def stage_changed(self, epoch: int) -> bool:
        """Whether ``epoch`` is the first epoch of a new stage (never true at epoch 0)."""
        if epoch <= 0:
            return False
        return self.stage_for_epoch(epoch) != self.stage_for_epoch(epoch - 1)

    def sample_stage(self, ex: TokenizedExample, stage: int, rng: random.Random) -> int:
        """The stage to build ``ex`` for after stage mixing; no mixing by default."""
        return stage

    def eval_stage_for(self, stage: int) -> int:
        """The stage whose layout evaluates a model trained at ``stage`` (the same one
        by default)."""
        return stage

    # -- thoughts -----------------------------------------------------------------------
    @property
    def latents_per_stage(self) -> int:
        """Latent thoughts each stage adds to a prompt (``c_thought`` where the method has
        thoughts; 1 otherwise): ``latents // latents_per_stage`` is the stage of a prompt
        with ``latents`` thoughts."""
        return 1

    @property
    def latent_steps(self) -> int | None:
        """Thoughts per latent span the model may open while it generates (``None``: it
        opens none, decoding is plain)."""
        return None

    @property
    def max_replaced_steps(self) -> int | None:
        """Reasoning steps the final stage replaces at most (``None``: the method has no
        step-replacing curriculum)."""
        return None

    # -- layout -------------------------------------------------------------------------
    def layout(self, ex: TokenizedExample, stage: int, ids: TokenIds) -> Layout:
        """The prompt, continuation and latent count of ``ex`` at ``stage``."""
        raise NotImplementedError(f"method {self.name} does not define layout()")

    @property
    def latent_markers(self) -> bool:
        """Whether thoughts sit between ``<|start-latent|>`` and ``<|end-latent|>``
        (the model refuses latents outside such a span when they must)."""
        return True

    def special_tokens(self) -> tuple[str, ...]:
        """Tokens beyond the four markers that the tokenizer and embeddings must hold."""
        return ()

    # -- objective ----------------------------------------------------------------------
    def views(self, ex: TokenizedExample, stage: int, ids: TokenIds) -> dict[str, Layout]:
        """Further layouts of a training example, by name, that :meth:`objective` reads
        beside the main one (e.g. CODI's teacher); none by default. Each is batched like
        the main layout, under ``batch["views"][name]``."""
        return {}

    def objective(self) -> Objective | None:
        """The method's own training objective (:class:`coconut.model.objective.Objective`);
        ``None``: one forward pass over the batch and its next-token loss."""
        return None

    @property
    def thought_projection(self) -> dict | None:
        """The spec of a trainable module between each fed-back hidden state and its
        latent (:mod:`coconut.model.projection`), saved with the model; ``None``: none."""
        return None


def check_epoch(epoch: int) -> None:
    """Raises ``ValueError`` for a negative epoch."""
    if epoch < 0:
        raise ValueError(f"epoch must be >= 0, got {epoch}")
