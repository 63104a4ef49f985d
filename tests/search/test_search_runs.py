"""Naming and checking the runs of ``coconut-search`` and ``coconut-qvalue``: a run is named
after its policy's (and value's) run id, and a bad launch fails in one line, before any
file is written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

from coconut.console import HINT, UsageError
from coconut.data import generate_prosqa
from coconut.data.tasks import TaskMismatchError
from coconut.hydra_app import CONFIG_DIR
from coconut.search.cli import run_search
from coconut.search.qvalue_train import train_qvalue
from coconut.search.runs import run_id_of

REPO = Path(__file__).resolve().parents[2]
GSM8K = [{"question": "Tom has 3 apples and buys 4. How many?", "steps": ["<<3+4=7>>"],
          "answer": "7"}]  # fmt: skip


def _compose(name: str, *overrides: str):
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose(name, overrides=list(overrides))


def fake_run(root: Path, run_id: str, data: Path | None = None) -> Path:
    """A finished-looking run: ``identity.json``, ``config.yaml``, ``model/`` with only
    the marker files of a Coconut model and a Q-value model (loading either fails)."""
    run = root / f"policy-{run_id}"
    (run / "model").mkdir(parents=True)
    (run / "model" / "coconut.json").write_text("{}")
    (run / "model" / "qvalue.json").write_text("{}")
    (run / "identity.json").write_text(json.dumps({"run_id": run_id}))
    test = data or root / "test.json"
    if data is None:
        test.write_text(json.dumps(generate_prosqa(2, 0, num_nodes=8, max_steps=3)))
    splits = f"{{train: {test}, val: {test}, test: {test}}}"
    (run / "config.yaml").write_text(
        f"method: {{name: cot}}\nmodel: {{name: tiny}}\ndata: {{name: toy, splits: {splits}}}\n"
    )
    return run


def _cli(module: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    env.pop("HYDRA_FULL_ERROR", None)
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=300)  # fmt: skip


def _files(root: Path) -> dict[str, tuple[int, bytes]]:
    return {
        str(p.relative_to(root)): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_run_ids_come_from_identity_results_or_weights(tmp_path):
    assert run_id_of(fake_run(tmp_path, "abc123")) == "abc123"
    value = tmp_path / "value"
    (value / "model").mkdir(parents=True)
    (value / "model" / "value_head.safetensors").write_bytes(b"weights")
    assert run_id_of(value).startswith("sha-") and len(run_id_of(value)) == 16
    (value / "results.json").write_text(json.dumps({"run_id": "q1"}))
    assert run_id_of(value) == "q1"
    (tmp_path / "bare" / "model").mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match=r"no run id .* pass run_name="):
        run_id_of(tmp_path / "bare")


def test_two_policies_with_the_same_settings_get_two_directories(tmp_path):
    first, second = fake_run(tmp_path, "aaa111"), fake_run(tmp_path, "bbb222")
    dirs = [
        _compose("search", f"policy={p}", "search.value=oracle", "paths.log_dir=out").paths
        for p in (first, second)
    ]
    assert dirs[0].output_dir == "out/astar-oracle-policy-aaa111-seed0"
    assert dirs[1].output_dir == "out/astar-oracle-policy-bbb222-seed0"
    value = fake_run(tmp_path, "vvv333")
    learned = _compose("search", f"policy={first}", f"value={value}")
    assert learned.run_name == "astar-learned-policy-aaa111-vvv333-seed0"
    assert _compose("qvalue", f"policy={second}").run_name == "qvalue-bbb222-seed0"


def test_a_split_of_another_task_is_refused_before_the_model_loads(tmp_path):
    gsm8k = tmp_path / "gsm8k.json"
    gsm8k.write_text(json.dumps(GSM8K))
    policy = fake_run(tmp_path, "aaa111")
    cfg = _compose("search", f"policy={policy}", "search.value=oracle",
                   f"data.splits.test={gsm8k}", f"paths.log_dir={tmp_path / 'out'}")  # fmt: skip
    with pytest.raises(TaskMismatchError, match=r"a gsm8k file, but the policy .* learned prosqa"):
        run_search(cfg)
    assert not (tmp_path / "out").exists()


def test_qvalue_refuses_a_missing_policy_and_a_file_of_another_task(tmp_path):
    with pytest.raises(UsageError, match=r"policy: missing\. Usage: coconut-qvalue"):
        train_qvalue(_compose("qvalue"))
    gsm8k = tmp_path / "gsm8k.json"
    gsm8k.write_text(json.dumps(GSM8K))
    cfg = _compose("qvalue", f"policy={fake_run(tmp_path, 'aaa111')}", f"data.file={gsm8k}",
                   f"paths.log_dir={tmp_path / 'out'}")  # fmt: skip
    with pytest.raises(TaskMismatchError, match=r"data\.file=.*: a gsm8k file"):
        train_qvalue(cfg)
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("override", "message"),
    [("search.top_k=0", "error: search.top_k must be an integer >= 1, got 0"),
     ("search.n=0", "error: search.n must be an integer >= 1, got 0")],
)  # fmt: skip
def test_invalid_search_values_are_one_line(tmp_path, override, message):
    policy = fake_run(tmp_path, "aaa111")
    done = _cli("coconut.search.cli", f"policy={policy}", override, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [message, HINT]


@pytest.mark.slow
def test_a_failed_launch_writes_nothing_and_leaves_a_finished_search_alone(tmp_path):
    log_dir = tmp_path / "outputs"
    finished = log_dir / "astar-learned-policy-seed0"  # where a search used to be named
    (finished / ".hydra").mkdir(parents=True)
    (finished / ".hydra" / "overrides.yaml").write_text("- policy=/runs/cot\n")
    (finished / "results.json").write_text('{"test": {"acc": 1.0}}\n')
    before = _files(log_dir)
    gone = tmp_path / "no-such-run"
    done = _cli("coconut.search.cli", f"policy={gone}", f"paths.log_dir={log_dir}", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == f"error: policy={gone}: no such directory"
    bare = _cli("coconut.search.cli", f"paths.log_dir={log_dir}", cwd=tmp_path)
    assert bare.returncode == 2
    assert bare.stderr.splitlines()[0].startswith("error: policy: missing. Usage: coconut-search")
    assert len(bare.stderr.splitlines()) == 2
    assert _files(log_dir) == before
    assert sorted(p.name for p in log_dir.iterdir()) == [finished.name]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outputs"]  # no log, no outputs/


def test_an_unfinished_policy_or_value_run_is_named_before_anything_is_written(tmp_path):
    unfinished = tmp_path / "unfinished"
    (unfinished / "model").mkdir(parents=True)
    (unfinished / "config.yaml").write_text("method: {name: cot}\n")
    out = f"paths.log_dir={tmp_path / 'out'}"
    cfg = _compose("search", f"policy={unfinished}", "search.value=oracle", out)
    with pytest.raises(FileNotFoundError, match=r"coconut\.json does not exist \(not a finished"):
        run_search(cfg)
    cfg = _compose("search", f"policy={fake_run(tmp_path, 'aaa111')}", f"value={unfinished}", out)
    with pytest.raises(FileNotFoundError, match=r"value=.*qvalue\.json does not exist"):
        run_search(cfg)
    assert not (tmp_path / "out").exists()
