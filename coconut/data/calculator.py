"""GSM8K calculator annotations ``<<expression=result>>``: the one parser of them.

A GSM8K solution marks each calculation as ``<<48/2=24>>``; our GSM8K steps are these
annotations, brackets kept. Every reader of ``<<...>>`` uses this module: the loaders
(:mod:`coconut.data.gsm8k`), task recognition and step tagging, the probes' step results
and the search's equation reward. It imports nothing heavy, so light readers can use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ANNOTATION = re.compile(r"<<(.*?)>>")
"""One annotation anywhere in a text; group 1 is its body."""
_ARITHMETIC = re.compile(r"^[\d\s.+\-*/()]+$")


@dataclass(frozen=True)
class Annotation:
    """One calculator annotation ``<<expression=result>>`` (split at its last ``=``)."""

    expression: str
    result: str

    @property
    def text(self) -> str:
        """The annotation as written, brackets included."""
        return f"<<{self.expression}={self.result}>>"


def annotation_bodies(text: str) -> list[str]:
    """The bodies of every annotation in ``text``: ``"<<2*3=6>> x"`` gives ``["2*3=6"]``."""
    return ANNOTATION.findall(text)


def annotation_steps(text: str) -> list[str]:
    """The annotations of a solution, brackets kept: ``["<<48/2=24>>", ...]``."""
    return [f"<<{body}>>" for body in annotation_bodies(text)]


def has_annotation(text: str) -> bool:
    """Whether ``text`` holds an annotation."""
    return ANNOTATION.search(text) is not None


def strip_annotations(text: str) -> str:
    """``text`` without its annotations."""
    return ANNOTATION.sub("", text)


def looks_like_annotation(step: str) -> bool:
    """Whether ``step`` (surrounding whitespace ignored) opens with ``<<`` and closes
    with ``>>``: how a GSM8K step is recognised."""
    step = step.strip()
    return step.startswith("<<") and step.endswith(">>")


def split_body(body: str) -> Annotation | None:
    """``body`` split at its last ``=``, or ``None`` when it holds no ``=`` or holds a
    ``<`` or ``>``."""
    if "=" not in body or "<" in body or ">" in body:
        return None
    expression, result = body.rsplit("=", 1)
    return Annotation(expression, result)


def parse_annotation(step: str) -> Annotation | None:
    """The annotation that is the whole of ``step`` (surrounding whitespace ignored), or
    ``None``: ``"<<16-3-4=9>>"`` gives ``Annotation("16-3-4", "9")``."""
    step = step.strip()
    if not (step.startswith("<<") and step.endswith(">>")) or len(step) < 4:
        return None
    return split_body(step[2:-2])


def equations(text: str) -> list[Annotation]:
    """Every annotation in ``text`` with something before and after its first ``=``."""
    found = []
    for body in annotation_bodies(text):
        head, _, tail = body.partition("=")
        annotation = split_body(body)
        if annotation is not None and head and tail:
            found.append(annotation)
    return found


def equation_holds(annotation: Annotation) -> bool:
    """Whether the expression (plain arithmetic, commas ignored) evaluates to the result."""
    expression = annotation.expression.replace(",", "").strip()
    if not _ARITHMETIC.match(expression) or "**" in expression:
        return False
    try:
        result = eval(expression, {"__builtins__": {}}, {})
    except (SyntaxError, ZeroDivisionError, ValueError, TypeError, OverflowError):
        return False
    text = annotation.result.replace(",", "").strip()
    try:
        value = float(text)
        return abs(float(result) - value) < 1e-6 * max(1.0, abs(float(result)))
    except (ValueError, TypeError):
        return False
    except OverflowError:  # an integer beyond a float's range: compared exactly instead
        return _same_integer(result, text)


def _same_integer(result: object, text: str) -> bool:
    """Whether ``text`` writes the integer ``result`` (too large for a float)."""
    if not isinstance(result, int) or not text.lstrip("-").isdigit():
        return False
    try:
        return int(text) == result
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        return False
