"""The Coconut model: latent-thought forward pass, batched generation, special tokens, I/O."""

from coconut.model.backbone import positions_from_mask
from coconut.model.coconut import Coconut, CoconutOutput
from coconut.model.decode import GenerationResult
from coconut.model.tokens import (
    END_LATENT,
    LATENT,
    PAUSE,
    START_LATENT,
    add_latent_tokens,
)

__all__ = [
    "END_LATENT",
    "LATENT",
    "PAUSE",
    "START_LATENT",
    "Coconut",
    "CoconutOutput",
    "GenerationResult",
    "add_latent_tokens",
    "positions_from_mask",
]
