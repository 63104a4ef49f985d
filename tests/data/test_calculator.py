"""GSM8K calculator annotations, hand-checked."""

from __future__ import annotations

from coconut.data.calculator import (
    Annotation,
    annotation_bodies,
    annotation_steps,
    equation_holds,
    equations,
    has_annotation,
    looks_like_annotation,
    parse_annotation,
    strip_annotations,
)

SOLUTION = "She sold 48/2 = <<48/2=24>>24 clips, 48+24 = <<48+24=72>>72 in all."


def test_find_and_strip():
    assert annotation_bodies(SOLUTION) == ["48/2=24", "48+24=72"]
    assert annotation_steps(SOLUTION) == ["<<48/2=24>>", "<<48+24=72>>"]
    assert has_annotation(SOLUTION) and not has_annotation("no <calc> here")
    assert strip_annotations("<<1+1=2>> <<2*2=4>>").strip() == ""


def test_parse_annotation_splits_at_the_last_equals():
    assert parse_annotation(" <<16-3-4=9>> ") == Annotation("16-3-4", "9")
    assert parse_annotation("<<a=b=c>>") == Annotation("a=b", "c")
    assert parse_annotation("<<16-3-4>>") is None
    assert parse_annotation("<<1<2=1>>") is None and parse_annotation("16=9") is None
    assert Annotation("2*3", "6").text == "<<2*3=6>>"


def test_looks_like_annotation():
    assert looks_like_annotation(" <<2*3=6>>") and looks_like_annotation("<<x>>")
    assert not looks_like_annotation("2*3=6")


def test_equations_and_their_truth():
    found = equations("x <<2*3=6>> y <<=5>> <<7>> <<1+1=3>>")
    assert found == [Annotation("2*3", "6"), Annotation("1+1", "3")]
    assert [equation_holds(a) for a in found] == [True, False]
    assert equation_holds(Annotation("1,000/4", "250"))
    assert not equation_holds(Annotation("2**3", "8"))
    assert not equation_holds(Annotation("1/0", "0"))
    assert not equation_holds(Annotation("a=1", "1"))


def test_huge_operands_are_judged_not_raised():
    """Reachable from GSM8K search rewards: ``float()`` of a huge product overflowed."""
    big = "9" * 400
    assert equation_holds(Annotation(f"{big}*{big}", str(int(big) * int(big))))
    assert not equation_holds(Annotation(f"{big}*{big}", "1"))
    assert not equation_holds(Annotation(f"{big}*{big}", "1e400"))
    assert not equation_holds(Annotation(f"{big}/3", "1"))  # float division overflows
    assert not equation_holds(Annotation("9" * 5000, "1"))  # beyond Python's int digits
