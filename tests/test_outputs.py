"""The output rule of every console script (:mod:`coconut.outputs`)."""

from __future__ import annotations

import json

import pytest

from coconut.outputs import (
    OutputError,
    check_output,
    json_object_with,
    require_records,
    same_file,
)


def test_an_output_equal_to_an_input_is_refused_however_spelled(tmp_path):
    data = tmp_path / "data.json"
    data.write_text("[]")
    (tmp_path / "d").mkdir()
    (tmp_path / "link.json").symlink_to(data)
    for spelled in (data, tmp_path / "d" / ".." / "data.json", tmp_path / "link.json"):
        with pytest.raises(OutputError, match=r"output=.* is also the input split_path="):
            check_output(spelled, {"split_path": data}, overwrite=True, force="x", key="output")
    assert same_file(tmp_path / "new.json", tmp_path / "d" / ".." / "new.json")
    assert not same_file(tmp_path / "new.json", data)


def test_an_existing_file_is_replaced_only_if_ours_or_forced(tmp_path):
    out = tmp_path / "out.json"
    assert check_output(out, {}, overwrite=False, force="--force") == out  # new: fine
    out.write_text("notes")
    with pytest.raises(
        OutputError, match=r"already exists and was not written by this tool.*--force"
    ):
        check_output(out, {}, overwrite=False, force="--force")
    assert check_output(out, {}, overwrite=True, force="--force") == out
    out.write_text(json.dumps({"run_dir": "r", "predictions": []}))
    ours = lambda path: json_object_with(path, ("run_dir", "predictions"))  # noqa: E731
    assert check_output(out, {}, overwrite=False, force="--force", ours=ours) == out
    with pytest.raises(OutputError, match="is a directory"):
        check_output(tmp_path, {}, overwrite=True, force="--force")


def test_zero_records_is_a_failure_naming_the_filter():
    require_records(1, 5, "--max-steps 1", "f.json")
    with pytest.raises(
        OutputError, match=r"f.json: no records to write: --max-steps 1 removed all 5"
    ):
        require_records(0, 5, "--max-steps 1", "f.json")
