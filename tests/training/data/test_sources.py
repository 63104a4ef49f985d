"""Split files: coconut-train and coconut-data make the same files from the same config."""

from __future__ import annotations

import json

import pytest

from coconut.data.cli import main as coconut_data
from coconut.training.data.sources import load_splits

SIZES = {"train": 30, "val": 10, "test": 10}


def _data_cfg(compose_cfg, data_dir):
    cfg = compose_cfg(
        [
            "data=prontoqa_tiny",
            f"paths.data_dir={data_dir}",
            *(f"data.sizes.{split}={n}" for split, n in SIZES.items()),
        ]
    )
    return cfg.data


def test_coconut_train_and_coconut_data_write_byte_identical_files(tmp_path, compose_cfg):
    data_cfg = _data_cfg(compose_cfg, tmp_path / "train_side")
    loaded = load_splits(data_cfg)
    assert {split: len(ds) for split, ds in loaded.items()} == SIZES

    out = tmp_path / "cli_side"
    args = ["generate", "prontoqa", "--out", str(out), "--sizes", "30,10,10", "--seeds", "0,1,2",
            "--hops", "3", "--no-distractors", "--no-progress"]  # fmt: skip
    code = coconut_data(args)
    assert code == 0
    for split, name in (("train", "train"), ("val", "valid"), ("test", "test")):
        made_by_train = tmp_path / "train_side" / "prontoqa_tiny" / f"{name}.json"
        assert str(made_by_train) == data_cfg.splits[split]
        assert made_by_train.read_bytes() == (out / f"{name}.json").read_bytes()


def test_only_missing_splits_are_made_and_they_avoid_existing_questions(tmp_path, compose_cfg):
    data_cfg = _data_cfg(compose_cfg, tmp_path)
    load_splits(data_cfg)
    files = {split: tmp_path / "prontoqa_tiny" / f"{n}.json"
             for split, n in (("train", "train"), ("val", "valid"), ("test", "test"))}  # fmt: skip
    before = {split: path.read_bytes() for split, path in files.items()}
    files["test"].unlink()
    load_splits(data_cfg)
    assert files["train"].read_bytes() == before["train"]
    assert files["test"].read_bytes() == before["test"]  # same seed, same exclusions
    questions = [r["question"] for p in files.values() for r in json.loads(p.read_text())]
    assert len(questions) == len(set(questions)) == sum(SIZES.values())


def test_a_missing_file_without_a_generator_says_how_to_make_it(tmp_path, compose_cfg):
    cfg = compose_cfg(["data=prontoqa_tiny", f"paths.data_dir={tmp_path}", "data.generate=null"])
    with pytest.raises(
        FileNotFoundError, match=r"data\.splits\.train=.*: no such file .*create it"
    ):
        load_splits(cfg.data)


def test_files_generated_with_other_generator_options_are_refused(tmp_path, compose_cfg):
    load_splits(_data_cfg(compose_cfg, tmp_path))
    meta = json.loads((tmp_path / "prontoqa_tiny" / "train.meta.json").read_text())
    assert meta["generate"]["hops"] == 3 and meta["n"] == 30
    changed = compose_cfg(["data=prontoqa_tiny", f"paths.data_dir={tmp_path}",
                           *(f"data.sizes.{s}={n}" for s, n in SIZES.items()),
                           "data.generate.hops=4"])  # fmt: skip
    with pytest.raises(ValueError, match=r"data\.generate=.*'hops': 4.* was generated with"):
        load_splits(changed.data)


def test_files_from_before_generator_options_were_recorded_still_load(tmp_path, compose_cfg):
    data_cfg = _data_cfg(compose_cfg, tmp_path)
    load_splits(data_cfg)
    for meta_file in (tmp_path / "prontoqa_tiny").glob("*.meta.json"):
        meta = json.loads(meta_file.read_text())
        meta_file.write_text(json.dumps({k: v for k, v in meta.items() if k != "generate"}))
    assert len(load_splits(data_cfg)["train"]) == 30
