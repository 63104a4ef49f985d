"""extract_answer: the text after the last "###", before a newline or eos."""

import pytest

from coconut.curriculum import extract_answer


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("### 42", "42"),
        ("step one\nstep two\n### 42<|endoftext|>", "42"),
        ("###  Alex is a wumpus. \nmore text", "Alex is a wumpus."),
        ("### 1\n### 2", "2"),
        ("### 7<|endoftext|>### 8<|endoftext|>", "7"),
        ("a #### 18", "18"),
        ("no marker at all", ""),
        ("<|endoftext|>### 5", ""),
        ("###", ""),
        ("", ""),
    ],
)
def test_extract_answer(text, answer):
    assert extract_answer(text) == answer


def test_eos_cut_can_be_turned_off_or_changed():
    assert extract_answer("### 7<|endoftext|>### 8", eos_token=None) == "8"
    assert extract_answer("### 7</s> junk", eos_token="</s>") == "7"
