"""The answer normaliser used wherever answers are compared."""

import pytest

from coconut.data import normalize_answer


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("72", "72"),
        (" 72 \n", "72"),
        ("1,000", "1000"),
        ("1,234,567", "1234567"),
        ("$18", "18"),
        ("$ 1,200.00", "1200"),
        ("3.0", "3"),
        ("0.50", "0.5"),
        ("2.500", "2.5"),
        (".5", "0.5"),
        ("72.", "72"),
        ("007", "7"),
        ("-3", "-3"),
        ("-0.0", "0"),
        ("+4", "4"),
        ("10.25", "10.25"),
    ],
)
def test_numbers(raw: str, expected: str) -> None:
    assert normalize_answer(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Tom is a wumpus.", "Tom is a wumpus."),
        ("  Tom  is a\twumpus. ", "Tom is a wumpus."),
        ("True", "True"),
        ("1,2", "1,2"),  # not a thousands separator: left alone
        ("12,34", "12,34"),
        ("$", "$"),
        (".", "."),
        ("", ""),
        ("3 apples", "3 apples"),
    ],
)
def test_text_is_only_trimmed(raw: str, expected: str) -> None:
    assert normalize_answer(raw) == expected


def test_gold_and_prediction_meet() -> None:
    assert normalize_answer("$1,200.00") == normalize_answer("1200")
    assert normalize_answer("7.50") == normalize_answer("7.5")
    assert normalize_answer("7.5") != normalize_answer("75")
