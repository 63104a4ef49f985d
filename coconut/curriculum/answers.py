"""Reading the predicted answer out of generated text.

Every layout ends with ``"### " + answer`` and eos, so the prediction is the text after
the last ``###`` and before the first newline; anything after eos is ignored.
"""

from __future__ import annotations

ANSWER_MARKER = "###"
DEFAULT_EOS = "<|endoftext|>"


def extract_answer(generated_text: str, eos_token: str | None = DEFAULT_EOS) -> str:
    """The predicted answer in ``generated_text``, stripped; ``""`` if there is none.

    Args:
        generated_text: decoded generation (special tokens kept or skipped).
        eos_token: text of the eos token; the text is cut at its first occurrence.
            ``None`` disables the cut.

    Returns:
        The text after the last ``"###"`` (before eos) up to the first newline,
        with surrounding whitespace removed, or ``""`` if ``"###"`` never occurs.
    """
    text = generated_text
    if eos_token:
        text = text.split(eos_token, 1)[0]
    if ANSWER_MARKER not in text:
        return ""
    answer = text.rsplit(ANSWER_MARKER, 1)[1]
    return answer.split("\n", 1)[0].strip()
