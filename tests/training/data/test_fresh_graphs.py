"""New training graphs every epoch (``data.fresh_graphs``)."""

from __future__ import annotations

import pytest
import torch
from kill_harness import Crash
from omegaconf import OmegaConf

from coconut.data.symbolic import graph_key, parse_question
from coconut.tokenizers.symbolic import build_symbolic_tokenizer
from coconut.training.data.fresh_graphs import FreshGraphs, epoch_seed, fresh_graphs
from coconut.training.data.symbolic_rewrite import SymbolicRewrite

SYMBOLIC = "coconut.data.symbolic.generate_prosqa_symbolic"


def _data_cfg(**extra):
    return OmegaConf.create({
        "name": "g", "splits": {"train": "data/g/train.json"}, "fresh_graphs": True,
        "generate": {"_target_": SYMBOLIC, "_partial_": True, "num_nodes": 8, "max_steps": 3},
        "seeds": {"train": 0}, **extra,
    })  # fmt: skip


def _key(record):
    return graph_key(*parse_question(record["question"]))


@pytest.fixture(scope="module")
def splits():
    from coconut.data.symbolic import generate_prosqa_symbolic

    held_out = generate_prosqa_symbolic(60, seed=1, num_nodes=8, max_steps=3)
    train = generate_prosqa_symbolic(40, seed=0, num_nodes=8, max_steps=3, exclude=[
        r["question"] for r in held_out])  # fmt: skip
    as_columns = {"question": [r["question"] for r in held_out]}
    return {"train": train, "val": as_columns, "test": {"question": []}}


def test_an_epochs_graphs_are_the_same_after_a_restart_and_new_the_next_epoch(splits):
    draw, again = fresh_graphs(_data_cfg(), splits), fresh_graphs(_data_cfg(), splits)
    epoch0, epoch1 = draw(seed=3, epoch=0), draw(seed=3, epoch=1)
    assert len(epoch0) == len(epoch1) == 40  # the training split's size
    assert again(seed=3, epoch=0) == epoch0  # a resumed run rebuilds the same source
    # drawn anew: small graphs may meet again by chance, but most are new
    assert len({_key(r) for r in epoch0} & {_key(r) for r in epoch1}) < 10
    assert draw(seed=4, epoch=0) != epoch0  # the run seed matters too
    held_out = {graph_key(*parse_question(q)) for q in splits["val"]["question"]}
    for epoch in range(6):
        assert not held_out & {_key(r) for r in draw(seed=3, epoch=epoch)}


def test_epoch_seeds_differ_by_run_seed_data_seed_and_epoch():
    seeds = {epoch_seed(r, d, e) for r in range(3) for d in range(3) for e in range(3)}
    assert len(seeds) == 27 and all(0 <= s < 2**63 for s in seeds)


def test_the_rewrite_trains_on_the_epochs_graphs(splits):
    tokenizer = build_symbolic_tokenizer()
    draw = fresh_graphs(_data_cfg(), splits)
    rewrite = SymbolicRewrite(splits["train"], tokenizer, "train.json", relabel_nodes=False,
                              shuffle_facts=False, fresh=draw)  # fmt: skip
    for epoch in (0, 1):
        record = rewrite.record(5, seed=2, epoch=epoch)
        assert record["question"] == draw(seed=2, epoch=epoch)[5]["question"]
        ex = rewrite(5, None, seed=2, epoch=epoch)
        assert tokenizer.decode(ex.question).strip() == record["question"]


def test_relabelling_by_own_ids_keeps_the_id_range(splits):
    tokenizer = build_symbolic_tokenizer()
    rewrite = SymbolicRewrite(splits["train"], tokenizer, "t.json", own_ids=True)
    for i, record in enumerate(splits["train"]):
        edges, options, root = parse_question(record["question"])
        own = {root, *options, *(v for e in edges for v in e)}
        moved, moved_options, moved_root = parse_question(
            tokenizer.decode(rewrite(i, None, seed=0, epoch=1).question).strip())  # fmt: skip
        assert {moved_root, *moved_options, *(v for e in moved for v in e)} == own


def test_a_file_cannot_be_drawn_again(splits):
    cfg = _data_cfg(generate=None, splits={"train": "/data/published.json"})
    with pytest.raises(ValueError, match=r"data\.fresh_graphs=true .*/data/published\.json"):
        fresh_graphs(cfg, splits)
    loader = _data_cfg(loader={"_target_": "x"})
    with pytest.raises(ValueError, match=r"data\.fresh_graphs=true"):
        fresh_graphs(loader, splits)
    assert fresh_graphs(_data_cfg(fresh_graphs=False), splits) is None


def test_a_source_of_the_wrong_size_is_refused(splits):
    tokenizer = build_symbolic_tokenizer()
    short = FreshGraphs(lambda **kw: splits["train"][:3], 40, 0)
    rewrite = SymbolicRewrite(splits["train"], tokenizer, "t.json", fresh=short)
    with pytest.raises(ValueError, match="epoch 2 drew 3 graphs, the training split has 40"):
        rewrite.record(0, seed=0, epoch=2)


@pytest.mark.slow
def test_a_fresh_graph_run_resumed_after_a_crash_ends_like_an_uninterrupted_one(
    compose_cfg, symbolic_args, tmp_path
):
    from coconut.training.train import train

    run = ("data.fresh_graphs=true", "data.relabel_nodes=true", "trainer.max_epochs=3",
           "checkpoint.every_n_train_steps=1", "method.max_latent_stage=1",
           "eval.max_new_tokens=4", "data.batch_size=8")  # fmt: skip
    ref = train(compose_cfg(symbolic_args(tmp_path / "ref", (32, 4, 4), *run)))
    cfg = compose_cfg(symbolic_args(tmp_path / "cut", (32, 4, 4), *run))
    with pytest.raises(RuntimeError, match="simulated crash"):
        train(cfg, callbacks=[Crash(step=6)])  # in epoch 1 (4 steps an epoch)
    resumed = train(cfg)
    assert resumed["global_step"] == ref["global_step"] == 12
    expected, got = (
        torch.load(tmp_path / name / "run/checkpoints/last.ckpt", weights_only=True)["state_dict"]
        for name in ("ref", "cut")
    )
    for key, value in expected.items():
        torch.testing.assert_close(got[key], value, rtol=0, atol=0)
