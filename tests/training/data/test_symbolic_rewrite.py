"""Per-epoch rewriting of symbolic ProsQA examples (``data.relabel_nodes``,
``data.resample_paths``)."""

from __future__ import annotations

import itertools

import pytest

from coconut.curriculum import tokenize_example
from coconut.data.symbolic import parse_question, path_layers
from coconut.tokenizers.symbolic import build_symbolic_tokenizer
from coconut.training.data.symbolic_rewrite import SymbolicRewrite


@pytest.fixture(scope="module")
def data(symbolic_examples):
    return symbolic_examples


def _read(tokenizer, ex):
    """``(edges, options, root, steps, answer)`` of a tokenized symbolic example."""
    edges, options, root = parse_question(tokenizer.decode(ex.question).strip())
    steps = [int(tokenizer.decode(s)) for s in ex.steps]
    answer = int(tokenizer.decode(ex.answer, skip_special_tokens=True).split()[-1])
    return edges, options, root, steps, answer


def test_relabelled_epochs_rename_nodes_consistently_and_use_the_whole_range(data):
    records, tokenizer, examples = data
    relabel = SymbolicRewrite(records, tokenizer, "train.json")
    seen_labels = set()
    for epoch in range(3):
        for i, record in enumerate(records):
            edges, options, root, steps, answer = _read(
                tokenizer, relabel(i, examples[i], seed=3, epoch=epoch)
            )
            original, _, _ = parse_question(record["question"])
            # a renaming keeps the graph's shape; the path follows its edges to an option
            assert len(edges) == len(original) and len(set(map(tuple, edges))) == len(edges)
            path = [root, *steps]
            assert all([a, b] in edges for a, b in itertools.pairwise(path))
            assert answer == steps[-1] and answer in options
            seen_labels |= {v for edge in edges for v in edge}
    assert max(seen_labels) > 30  # the generator's own numbering stops at 9


@pytest.mark.parametrize("option", ["relabel_nodes", "resample_paths"])
def test_rewriting_needs_the_symbolic_form(data, option):
    _, tokenizer, _ = data
    plain = {"question": "Tom is a wumpus. Is Tom a wumpus or rompus?", "steps": [], "answer": "x"}
    with pytest.raises(ValueError, match=rf"train\.json\[0\]: data\.{option}=true"):
        SymbolicRewrite([plain], tokenizer, "train.json", **{"relabel_nodes": False, option: True})


def test_path_layers_of_a_hand_built_graph():
    # 0 -> 1 -> 3 -> 4 and 0 -> 2 -> 3 -> 4 are the 3-edge paths; 0 -> 5 -> 4 is shorter
    edges = [[0, 1], [0, 2], [1, 3], [2, 3], [3, 4], [0, 5], [5, 4], [2, 6]]
    assert path_layers(edges, 0, 4, 3) == [{0}, {1, 2}, {3}, {4}]
    assert path_layers(edges, 0, 4, 2) == [{0}, {5}, {4}]
    with pytest.raises(ValueError, match="no 4-edge path from 0 to 4"):
        path_layers(edges, 0, 4, 4)


def test_resampled_paths_draw_every_equal_path_and_keep_the_question():
    record = {"question": "0 1 | 0 2 | 1 3 | 2 3 | 3 4 | 2 6 | [Q] 4 6 [R] 0",
              "steps": ["1", "3", "4"], "answer": "4"}  # fmt: skip
    tokenizer = build_symbolic_tokenizer()
    ex = tokenize_example(record, tokenizer)
    rewrite = SymbolicRewrite([record], tokenizer, "t.json", relabel_nodes=False,
                              resample_paths=True, shuffle_facts=False)  # fmt: skip
    drawn = set()
    for epoch in range(40):
        edges, options, root, steps, answer = _read(tokenizer, rewrite(0, ex, seed=0, epoch=epoch))
        assert (edges, options, root, answer) == (
            [[0, 1], [0, 2], [1, 3], [2, 3], [3, 4], [2, 6]],
            [4, 6],
            0,
            4,
        )
        drawn.add(tuple(steps))
    assert drawn == {(1, 3, 4), (2, 3, 4)}


def test_steps_that_are_no_path_are_refused_with_their_index(data):
    _, tokenizer, _ = data
    bad = {"question": "0 1 | 1 2 | [Q] 2 1 [R] 0", "steps": ["2"], "answer": "2"}
    with pytest.raises(
        ValueError, match=r"t\.json\[0\]: data\.resample_paths=true: no 1-edge path"
    ):
        SymbolicRewrite([bad], tokenizer, "t.json", resample_paths=True)


@pytest.mark.parametrize("option", ["data.relabel_nodes=true", "data.resample_paths=true"])
def test_a_rewriting_run_trains(compose_cfg, symbolic_args, tmp_path, option):
    from coconut.training.train import train

    cfg = compose_cfg(symbolic_args(tmp_path, (16, 4, 4), option, "debug=fast_dev_run"))
    assert train(cfg)["global_step"] == 1


def test_the_anchors_recipe_trains_and_exports_a_model_without_markers(
    compose_cfg, symbolic_args, tmp_path
):
    import json

    from coconut.model import Coconut
    from coconut.training.train import train

    recipe = (
        "data.resample_paths=true", "method.next_step_only=true", "method.bare_latents=true",
        "method.max_latent_stage=3", "method.epochs_per_stage=1", "trainer.max_epochs=5",
        "eval.max_new_tokens=4",
    )  # fmt: skip
    results = train(compose_cfg(symbolic_args(tmp_path, (16, 4, 4), *recipe)))
    assert results["eval_stage"] == 4 and results["test"]["num_examples"] == 4
    model_dir = tmp_path / "run" / "model"
    assert json.loads((model_dir / "coconut.json").read_text())["latent_markers"] is False
    assert Coconut.from_pretrained(model_dir).latent_markers is False
