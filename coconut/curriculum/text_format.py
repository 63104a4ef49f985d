"""The text format of a record, in one place: how it is written and how an answer is read.

A record ``{"question", "steps", "answer"}`` is written as the question and each step
followed by a newline, then ``"### " + answer`` (the tokenizer's eos token follows). The
model's answer is read back from generated text as the text after the last ``###``, up
to the first newline; anything after eos is ignored.
"""

from __future__ import annotations

from collections.abc import Mapping

ANSWER_MARKER = "###"
LINE_END = "\n"
DEFAULT_EOS = "<|endoftext|>"


def record_texts(record: Mapping) -> list[str]:
    """The pieces of ``record`` in the training text format.

    Returns:
        ``[question + "\\n", step_1 + "\\n", ..., "### " + answer]`` (no eos).
    """
    return [
        record["question"] + LINE_END,
        *(step + LINE_END for step in record["steps"]),
        f"{ANSWER_MARKER} {record['answer']}",
    ]


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
    return answer.split(LINE_END, 1)[0].strip()
