"""The one answer normaliser, used wherever a predicted answer is compared with a gold one.

Numbers lose thousands separators, a dollar sign, a trailing full stop, leading zeros and
trailing zeros after the decimal point ("$1,200.00" -> "1200", "0.50" -> "0.5"). Any
other text only has its whitespace trimmed and collapsed ("Tom is a wumpus." stays).
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"^(?P<sign>[-+]?)(?P<int>\d{1,3}(?:,\d{3})+|\d*)(?:\.(?P<frac>\d*))?$")


def normalize_answer(text: str) -> str:
    """Canonical form of an answer for exact comparison.

    Args:
        text: a gold or predicted answer.

    Returns:
        The normalised answer.
    """
    text = " ".join(str(text).split())
    candidate = text.replace("$", "").replace(" ", "").removesuffix(".")
    match = _NUMBER.match(candidate)
    if match is None or not (match["int"] or match["frac"]):
        return text
    integer = str(int(match["int"].replace(",", "") or "0"))
    fraction = (match["frac"] or "").rstrip("0")
    number = f"{integer}.{fraction}" if fraction else integer
    return f"-{number}" if match["sign"] == "-" and number != "0" else number
