"""save_pretrained / from_pretrained and the reference's state dicts."""

import pytest
import torch
from tiny import mixed_batch
from torch.testing import assert_close
from transformers import AutoTokenizer

from coconut.model import Coconut
from coconut.model.serialization import load_reference_checkpoint
from coconut.model.tokens import TokenIds


def test_round_trip(tokenizer_and_model, tmp_path):
    tokenizer, model = tokenizer_and_model
    model.save_pretrained(tmp_path / "run", tokenizer=tokenizer)
    assert (tmp_path / "run" / "model.safetensors").is_file()
    loaded = Coconut.from_pretrained(tmp_path / "run").eval()
    assert loaded.marker_ids == model.marker_ids
    assert loaded.eos_token_id == model.eos_token_id
    ids = torch.randint(3, 40, (2, 10))
    ids[:, 2], ids[:, 3:5], ids[:, 5] = (
        model.marker_ids[0],
        model.marker_ids[1],
        model.marker_ids[2],
    )
    assert_close(loaded(ids).logits, model(ids).logits)
    reloaded = AutoTokenizer.from_pretrained(tmp_path / "run")
    assert TokenIds.from_tokenizer(reloaded).latent == model.latent_token_id


def test_overwrite_replaces_the_directory_whole(tokenizer_and_model, tmp_path):
    _, model = tokenizer_and_model
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "stale.txt").write_text("old")
    model.save_pretrained(tmp_path / "run")
    assert not (tmp_path / "run" / "stale.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no staging left behind


def test_missing_config_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"coconut\.json"):
        Coconut.from_pretrained(tmp_path)


def test_reference_state_dict_loads(model, tmp_path):
    from tiny import tiny_coconut

    state = {k: v.clone() for k, v in model.state_dict().items()}
    state["embedding.weight"] = model.base_causallm.get_input_embeddings().weight.clone()
    torch.save(state, tmp_path / "checkpoint_5")
    other = tiny_coconut("gpt2" if "transformer" in next(iter(state)) else "llama")
    with torch.no_grad():
        for p in other.parameters():
            p.add_(1.0)
    load_reference_checkpoint(other, tmp_path / "checkpoint_5")
    ids, mask = mixed_batch()
    assert_close(other(ids, mask).logits, model(ids, mask).logits)


def test_mismatched_state_dict_names_the_keys(model):
    state = dict(model.state_dict())
    key = next(k for k in state if k.endswith("weight"))
    state[key] = torch.zeros(3)
    state["base_causallm.extra"] = torch.zeros(1)
    with pytest.raises(ValueError, match="extra"):
        model.load_reference_state_dict(state)


def test_latent_markers_survive_a_round_trip_and_default_to_true(tokenizer_and_model, tmp_path):
    import json

    tokenizer, model = tokenizer_and_model
    model.latent_markers = False
    model.save_pretrained(tmp_path / "bare", tokenizer=tokenizer)
    assert Coconut.from_pretrained(tmp_path / "bare").latent_markers is False
    config = tmp_path / "bare" / "coconut.json"
    saved = json.loads(config.read_text())
    del saved["latent_markers"]  # a directory saved before the field existed
    config.write_text(json.dumps(saved))
    assert Coconut.from_pretrained(tmp_path / "bare").latent_markers is True
    config.write_text(json.dumps({**saved, "latent_markers": "no"}))
    with pytest.raises(ValueError, match="latent_markers must be true or false"):
        Coconut.from_pretrained(tmp_path / "bare")


class _Payload:
    """Pickled beside the weights: loading it with ``weights_only=False`` would print."""

    def __reduce__(self):
        return (print, ("PAYLOAD RAN",))


def test_pickled_weights_holding_code_are_refused_in_one_line(
    tokenizer_and_model, tmp_path, capsys
):
    from safetensors.torch import load_file

    from coconut.model.serialization import PickledWeightsError
    from coconut.training.setup.model import CheckpointMismatchError, init_weights

    tokenizer, model = tokenizer_and_model
    model.save_pretrained(tmp_path / "m", tokenizer)
    weights = load_file(tmp_path / "m" / "model.safetensors")
    torch.save({**weights, "extra": _Payload()}, tmp_path / "m" / "pytorch_model.bin")
    (tmp_path / "m" / "model.safetensors").unlink()
    with pytest.raises(PickledWeightsError, match=r"m: refused pytorch_model.bin: a pickle"):
        Coconut.from_pretrained(tmp_path / "m")
    with pytest.raises(CheckpointMismatchError, match=r"init_from=.*refused pytorch_model.bin"):
        init_weights(model, tmp_path / "m")
    assert "PAYLOAD RAN" not in capsys.readouterr().out
