"""The coconut-data command, run in-process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import datasets
import pytest

from coconut.data import load_examples, read_records, verify_prosqa
from coconut.data.cli import main
from coconut.data.prontoqa_raw import load_prontoqa_raw


def test_generate_prosqa(tmp_path: Path) -> None:
    out = tmp_path / "prosqa"
    args = ["generate", "prosqa", "--out", str(out), "--sizes", "20,5,5", "--seed", "7"]
    assert main([*args, "--no-progress"]) == 0
    splits = {name: read_records(out / f"{name}.json") for name in ("train", "valid", "test")}
    assert [len(s) for s in splits.values()] == [20, 5, 5]
    questions = [r["question"] for s in splits.values() for r in s]
    assert len(set(questions)) == len(questions)  # disjoint splits
    assert all(verify_prosqa(r) == [] for s in splits.values() for r in s)
    again = tmp_path / "again"
    assert main([*args[:3], str(again), *args[4:], "--no-progress"]) == 0
    assert (again / "train.json").read_text() == (out / "train.json").read_text()


def test_generate_prosqa_size_options(tmp_path: Path) -> None:
    out = tmp_path / "small"
    args = ["generate", "prosqa", "--out", str(out), "--sizes", "30,0,0", "--no-progress"]
    assert main([*args, "--num-nodes", "9", "--min-steps", "1", "--max-steps", "2"]) == 0
    records = read_records(out / "train.json")
    assert all(len(r["idx_to_symbol"]) <= 9 and 1 <= len(r["steps"]) <= 2 for r in records)
    assert read_records(out / "valid.json") == []


def test_generate_prontoqa_hops(tmp_path: Path) -> None:
    out = tmp_path / "prontoqa"
    args = ["generate", "prontoqa", "--out", str(out), "--sizes", "10,2,2", "--hops", "2"]
    assert main([*args, "--no-progress", "--no-distractors"]) == 0
    records = load_examples(out / "train.json", cache_dir=str(tmp_path / "cache")).to_list()
    assert len(records) == 10 and all(len(r["steps"]) == 3 for r in records)


@pytest.mark.parametrize(
    "extra",
    [
        ["prosqa", "--hops", "3"],
        ["prontoqa", "--num-nodes", "9"],
        ["prontoqa", "--sizes", "1,2"],
        ["prontoqa", "--sizes", "a,b,c"],
        ["prontoqa", "--hops", "9"],
    ],
)
def test_generate_rejects_bad_options(tmp_path: Path, extra: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["generate", *extra[:1], "--out", str(tmp_path), *extra[1:], "--no-progress"])
    assert caught.value.code == 2


def test_stats(fixtures: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["stats", str(fixtures / "prosqa_sample.json"), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["examples"] == 2 and stats["nodes_mean"] == 7
    assert main(["stats", str(fixtures / "prosqa_sample.json")]) == 0
    assert "edges_mean" in capsys.readouterr().out


def test_stats_of_invalid_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"question": "q", "steps": [], "answer": ""}]))
    assert main(["stats", str(path)]) == 1
    assert "example 0, field 'answer': is empty" in capsys.readouterr().err


def test_validate_ok(fixtures: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["validate", str(fixtures / "prosqa_sample.json")]) == 0
    assert capsys.readouterr().out.startswith("OK: 2 valid examples")


def test_validate_lists_problems(
    tmp_path: Path, prosqa_records: list, capsys: pytest.CaptureFixture
) -> None:
    prosqa_records[0]["edges"][0] = [0, 42]
    prosqa_records[1]["answer"] = "Rex is a lorpus."
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(prosqa_records))
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{path}, example 0, field 'edges[0]': edge 0 -> 42 points outside idx_to_symbol "
        "(7 symbols)",
        f"{path}, example 1, field 'answer': 'Rex is a lorpus.' does not match 'Rex is a tumpus.'",
        f"INVALID: 2 problem(s) in 2 example(s) of {path}",
    ]


def test_validate_malformed_json(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[{"question": "q", "steps": [], "answer": "a"},\n{"question": }]')
    assert main(["validate", str(path)]) == 1
    assert f"{path}, example 1: malformed JSON at line 2" in capsys.readouterr().out


def test_prepare_gsm8k_from_folder(fixtures: Path, tmp_path: Path) -> None:
    source = tmp_path / "raw"
    source.mkdir()
    shutil.copy(fixtures / "gsm8k_sample.jsonl", source / "train.jsonl")
    shutil.copy(fixtures / "icot_sample.txt", source / "valid.txt")
    out = tmp_path / "gsm8k"
    args = ["prepare", "gsm8k", "--out", str(out), "--source", str(source)]
    assert main([*args, "--cache-dir", str(tmp_path / "cache")]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["train.json", "valid.json"]
    assert [r["answer"] for r in read_records(out / "train.json")] == ["56", "1200", "21", "7.5"]
    assert len(read_records(out / "valid.json")) == 3


def test_prepare_gsm8k_single_file(fixtures: Path, tmp_path: Path) -> None:
    out = tmp_path / "gsm8k"
    args = ["prepare", "gsm8k", "--out", str(out), "--source", str(fixtures / "icot_sample.txt")]
    assert main([*args, "--cache-dir", str(tmp_path / "cache")]) == 0
    assert [p.name for p in out.iterdir()] == ["icot_sample.json"]


def test_prepare_gsm8k_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["prepare", "gsm8k", "--out", str(tmp_path / "o"), "--source", str(tmp_path)])


def test_prepare_gsm8k_offline_hub(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    def unreachable(*args: object, **kwargs: object) -> None:
        raise ConnectionError("no network")

    monkeypatch.setattr(datasets, "load_dataset", unreachable)
    assert main(["prepare", "gsm8k", "--out", str(tmp_path), "--source", "hub"]) == 1
    assert "cannot reach openai/gsm8k" in capsys.readouterr().err


def test_prepare_prontoqa_index_ranges(fixtures: Path, tmp_path: Path) -> None:
    source = fixtures / "prontoqa_raw.json"
    args = ["prepare", "prontoqa", "--source", str(source), "--out", str(tmp_path)]
    assert main([*args, "--split", "valid=1:2", "--split", "train=0:1"]) == 0
    converted = load_prontoqa_raw(source)
    assert json.loads((tmp_path / "train.json").read_text()) == converted[:1]
    assert json.loads((tmp_path / "valid.json").read_text()) == converted[1:2]


@pytest.mark.parametrize(
    ("splits", "message"),
    [
        ([], "at least one --split"),
        (["--split", "train=0:3"], "has 2 examples"),
        (["--split", "a=0:2", "--split", "b=1:2"], "overlap"),
        (["--split", "a=0:1", "--split", "a=1:2"], "distinct"),
        (["--split", "a=2:1"], "START < END"),
        (["--split", "a=x:1"], "NAME=START:END"),
    ],
)
def test_prepare_prontoqa_bad_ranges(
    fixtures: Path, tmp_path: Path, capsys, splits: list[str], message: str
) -> None:
    source = fixtures / "prontoqa_raw.json"
    with pytest.raises(SystemExit):
        main(["prepare", "prontoqa", "--source", str(source), "--out", str(tmp_path), *splits])
    assert message in capsys.readouterr().err
    assert not list(tmp_path.glob("*.json"))


def test_prepare_prontoqa_needs_a_source_file(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["prepare", "prontoqa", "--out", str(tmp_path), "--split", "a=0:1"])
    assert "original generator's JSON output" in capsys.readouterr().err


def _prosqa_file(path: Path, n: int = 3) -> Path:
    from coconut.data import generate_prosqa

    path.write_text(json.dumps(generate_prosqa(n, 0, num_nodes=8, max_steps=3)))
    return path


def test_symbolize_refuses_to_write_over_its_input(tmp_path: Path, capsys) -> None:
    source = _prosqa_file(tmp_path / "valid.json")
    before = source.read_bytes()
    for out in (source, tmp_path / "." / "valid.json", tmp_path / "sub" / ".." / "valid.json"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        assert main(["symbolize", str(source), str(out), "--force"]) == 1
        assert f"is also the input FILE={source}" in capsys.readouterr().err
    link = tmp_path / "link.json"
    link.symlink_to(source)
    assert main(["symbolize", str(source), str(link), "--force"]) == 1
    assert source.read_bytes() == before


def test_symbolize_refuses_an_existing_file_unless_forced(tmp_path: Path, capsys) -> None:
    source = _prosqa_file(tmp_path / "valid.json")
    out = tmp_path / "mine.json"
    out.write_text("my notes")
    assert main(["symbolize", str(source), str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{out} already exists and was not written by this tool" in err and "--force" in err
    assert out.read_text() == "my notes"
    assert main(["symbolize", str(source), str(out), "--force"]) == 0
    assert len(json.loads(out.read_text())) == 3


def test_symbolize_writing_zero_records_fails_naming_the_filter(tmp_path: Path, capsys) -> None:
    source = _prosqa_file(tmp_path / "valid.json")
    out = tmp_path / "out.json"
    assert main(["symbolize", str(source), str(out), "--max-steps", "1"]) == 1
    assert f"{source}: no records to write: --max-steps 1 removed all 3" in capsys.readouterr().err
    assert not out.exists()


def test_generate_and_prepare_refuse_a_folder_holding_other_files(tmp_path: Path, capsys) -> None:
    out = tmp_path / "data"
    out.mkdir()
    (out / "valid.json").write_text("someone's data")
    args = ["generate", "prosqa", "--out", str(out), "--sizes", "4,2,2", "--no-progress"]
    assert main(args) == 1
    assert f"{out / 'valid.json'} already exists" in capsys.readouterr().err
    assert (out / "valid.json").read_text() == "someone's data"
    assert not (out / "train.json").exists()
    assert main([*args, "--force"]) == 0
    assert len(read_records(out / "valid.json")) == 2
