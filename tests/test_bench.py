"""coconut-bench runs end to end at a tiny size and reports every timing and ratio."""

import json

import pytest

from coconut.bench import main, parse_args


def test_bench_prints_times_and_ratios(capsys):
    main(["--batch", "2", "--prompt-len", "8", "--latents", "2", "--answer-len", "3",
          "--new-tokens", "2", "--repeats", "1", "--device", "cpu"])  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert set(report["seconds"]) == {
        "train_step", "plain_step", "plain_forward", "naive_step",
        "generate_batched", "generate_per_example", "hf_generate",
    }  # fmt: skip
    assert all(t > 0 for t in report["seconds"].values())
    assert len(report["ratios"]) == 5
    assert report["config"]["seq_len"] == 8 + 2 + 2 + 3


@pytest.mark.parametrize("attn", ["eager", "sdpa"])
def test_bench_switches_check_and_profile(attn, tmp_path, capsys):
    profile = tmp_path / "profile.txt"
    main(["--batch", "2", "--prompt-len", "8", "--latents", "2", "--answer-len", "3",
          "--new-tokens", "2", "--repeats", "1", "--device", "cpu", "--attn", attn,
          "--loss-chunk", "2", "--fused-adamw", "--check", "--profile", str(profile),
          "--skip", "naive_step", "generate_per_example"])  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert report["config"]["attn"] == attn and report["config"]["loss_chunk"] == 2
    assert "naive_step" not in report["seconds"] and "train_step" in report["seconds"]
    gaps = report["max_abs_diff_from_reference"]
    assert set(gaps) == {"logits", "loss", "grad"}
    assert max(gaps.values()) < 1e-4  # fp32, same weights: only summation order differs
    text = profile.read_text()
    assert text.startswith("one training step on cpu, sorted by self_cpu_time_total")
    assert "aten::" in text


def test_bench_rejects_nonpositive_sizes():
    with pytest.raises(SystemExit):
        parse_args(["--batch", "0"])


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--latents", "-1"], "--latents: must be >= 0, got -1"),
     (["--skip", "naive_stepp"], "--skip: unknown timing(s) ['naive_stepp']; the timings are"),
     (["--device", "gpu"], "--device gpu: not a torch device"),
     (["--device", "cuda:99"], "--device cuda:99: "),
     (["--device", "meta"], "--device meta: only cpu and cuda devices are timed")],
)  # fmt: skip
def test_bench_refuses_bad_arguments_as_usage_errors(args, message, capsys):
    with pytest.raises(SystemExit) as info:
        parse_args(args)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_bench_refuses_to_write_its_profile_over_an_existing_file(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    with pytest.raises(SystemExit) as info:
        parse_args(["--profile", str(notes)])
    assert info.value.code == 2
    assert f"--profile={notes} already exists and was not written" in capsys.readouterr().err
    assert parse_args(["--profile", str(notes), "--force"]).force and notes.read_text() == "mine"
