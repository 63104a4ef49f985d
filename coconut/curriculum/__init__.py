"""The curriculum: pure functions from (example, stage, method) to token layouts.

- :mod:`coconut.methods` (its own package): the methods, registered by name;
- :mod:`~coconut.curriculum.schedule`: the random generator of stage mixing (the
  schedule itself is the method's);
- :mod:`~coconut.curriculum.examples`: tokenized examples;
- :mod:`~coconut.curriculum.layout`: training layouts, labels and eval prompts;
- :mod:`~coconut.curriculum.collate`: padding batches, aligned on the first latent;
- :mod:`~coconut.curriculum.text_format`: the text format of a record and reading the answer
  out of generated text.

Nothing here imports Lightning or Hydra.
"""

from coconut.curriculum.collate import Collator
from coconut.curriculum.examples import (
    TokenizedExample,
    tokenize_example,
)
from coconut.curriculum.layout import (
    IGNORE_INDEX,
    Sequence,
    build_prompt,
    build_sequence,
    build_views,
    max_sequence_length,
)
from coconut.curriculum.schedule import example_rng
from coconut.curriculum.text_format import extract_answer, record_texts
from coconut.data.schema import check_record
from coconut.methods import Method, build_method

__all__ = [
    "IGNORE_INDEX",
    "Collator",
    "Method",
    "Sequence",
    "TokenizedExample",
    "build_method",
    "build_prompt",
    "build_sequence",
    "build_views",
    "check_record",
    "example_rng",
    "extract_answer",
    "max_sequence_length",
    "record_texts",
    "tokenize_example",
]
