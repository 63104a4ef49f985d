"""Fixtures shared by every test package: toy records, tokenizer and model, built offline.

``toy_records`` is a small reasoning task in the ``{question, steps, answer}`` schema
(follow a chain of "X is a Y" facts; the answer is True or False), so tests need neither
the data generators nor ``/work/shared/data``. The training fixtures compose the real
``conf/`` with a tiny model (2 layers, 32 dims), toy data, no loggers, in ``tmp_path``.
``ids`` and ``ex`` are the special token ids and the hand-made 3-step example that the
curriculum and method tests lay out.
"""

from __future__ import annotations

import json
import random
from itertools import pairwise
from pathlib import Path

import pytest
from omegaconf import DictConfig
from special_ids import BOT, EOS, EOT, LAT, PAUSE
from transformers import PreTrainedTokenizerFast

from coconut.data.tokenized import TokenizedExample
from coconut.model.tokens import TokenIds

NAMES = ("wumpus", "yumpus", "zumpus", "dumpus", "rompus", "numpus", "tumpus", "vumpus")


@pytest.fixture
def ids() -> TokenIds:
    """The special token ids of :mod:`special_ids`."""
    return TokenIds(start_latent=BOT, latent=LAT, end_latent=EOT, pause=PAUSE, eos=EOS)


@pytest.fixture
def ex() -> TokenizedExample:
    """Question [1, 2]; steps [3, 4], [5], [6, 7, 8]; answer [9, eos]."""
    return TokenizedExample(question=[1, 2], steps=[[3, 4], [5], [6, 7, 8]], answer=[9, EOS])


def toy_records(n: int, seed: int = 0, hops: int = 3) -> list[dict]:
    """``n`` chain-following examples with ``hops`` steps each, deterministic in ``seed``."""
    rng = random.Random(seed)
    records = []
    for _ in range(n):
        chain = rng.sample(NAMES, hops + 1)
        facts = [f"Every {a} is a {b}." for a, b in pairwise(chain)]
        rng.shuffle(facts)
        truth = rng.random() < 0.5
        target = chain[-1] if truth else rng.choice([x for x in NAMES if x not in chain])
        question = " ".join(facts) + f" Alex is a {chain[0]}. True or false: Alex is a {target}."
        steps = [f"Alex is a {b}." for b in chain[1:]]
        records.append({"question": question, "steps": steps, "answer": str(truth)})
    return records


def write_records(records: list[dict], path: Path) -> Path:
    """Writes records as a JSON list (the format of the published data files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records))
    return path


def toy_tokenizer(records: list[dict] | None = None) -> PreTrainedTokenizerFast:
    """A byte-level BPE tokenizer trained on toy records, markers included."""
    from coconut.tokenizers.bpe import train_tokenizer
    from coconut.tokenizers.saved import record_texts

    return train_tokenizer(record_texts(records or toy_records(64)), vocab_size=320)


@pytest.fixture
def toy_data_dir(tmp_path: Path) -> Path:
    """``train.json`` (32), ``val.json`` (8) and ``test.json`` (8) toy examples."""
    root = tmp_path / "toy"
    write_records(toy_records(32, seed=0), root / "train.json")
    write_records(toy_records(8, seed=1), root / "val.json")
    write_records(toy_records(8, seed=2), root / "test.json")
    return root


@pytest.fixture(scope="session")
def make_records():
    """The :func:`toy_records` factory."""
    return toy_records


@pytest.fixture(scope="session")
def make_tokenizer():
    """The :func:`toy_tokenizer` factory."""
    return toy_tokenizer


# -- training runs -----------------------------------------------------------------
TINY = [
    "experiment=prontoqa_tiny_coconut",  # the ProntoQA preset, not the symbolic default
    "model=tiny",
    "model.arch.n_layer=2",
    "model.arch.n_embd=32",
    "model.arch.n_head=2",
    "model.arch.n_positions=256",
    "model.tokenizer_vocab_size=320",
    "logger=none",
    "trainer.enable_progress_bar=false",
    "trainer.enable_model_summary=false",
    "data.batch_size=8",
    "data.eval_batch_size=8",
    "eval.max_new_tokens=24",
    "method.max_latent_stage=2",
    "method.epochs_per_stage=1",
]


def tiny_overrides(data_dir: Path, output_dir: Path) -> list[str]:
    """Overrides for a tiny run on ``{train,val,test}.json`` in ``data_dir``."""
    return [
        *TINY,
        f"paths.output_dir={output_dir}",
        f"paths.data_dir={output_dir.parent / 'data'}",
        "data.name=toy",
        "data.generate=null",
        *(f"data.splits.{s}={data_dir / (s + '.json')}" for s in ("train", "val", "test")),
    ]


def compose_train(overrides: list[str] | None = None) -> DictConfig:
    """The ``train`` config of ``conf/`` with ``overrides``."""
    from hydra import compose, initialize_config_dir

    from coconut.hydra_app import CONFIG_DIR

    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        return compose("train", overrides=overrides or [])


@pytest.fixture(scope="session")
def compose_cfg():
    """:func:`compose_train`."""
    return compose_train


@pytest.fixture
def tiny_cfg(tmp_path: Path, toy_data_dir: Path):
    """Builds a tiny, fast training config writing into ``tmp_path / "run"``."""

    def make(*overrides: str) -> DictConfig:
        return compose_train([*tiny_overrides(toy_data_dir, tmp_path / "run"), *overrides])

    return make


@pytest.fixture(scope="session")
def tiny_args():
    """:func:`tiny_overrides`, for runs launched as ``coconut-train`` subprocesses."""
    return tiny_overrides


@pytest.fixture(scope="session")
def symbolic_run(tmp_path_factory, compose_cfg):
    """A finished coconut-train run on generated symbolic ProsQA (tiny model, 1 epoch a
    stage), and the folder of its data."""
    from coconut.training.train import train

    root = tmp_path_factory.mktemp("symbolic")
    stages = ("trainer.max_epochs=3", "method.epochs_per_stage=1", "method.max_latent_stage=1")
    cfg = compose_cfg(symbolic_overrides(root, (32, 8, 8), *stages))
    train(cfg)
    return root / "run", root / "data" / "prosqa_symbolic"


def symbolic_overrides(root: Path, sizes: tuple[int, int, int], *extra: str) -> list[str]:
    """A tiny ``experiment=prosqa_symbolic_coconut`` run in ``root/run``, on generated
    8-node graphs of ``sizes`` (train, val, test) in ``root/data``, no loggers."""
    return [
        "experiment=prosqa_symbolic_coconut", "logger=none", "model.arch.n_embd=32",
        "model.arch.n_head=2", "trainer.enable_progress_bar=false",
        "trainer.enable_model_summary=false",
        *(f"data.sizes.{s}={n}" for s, n in zip(("train", "val", "test"), sizes, strict=True)),
        "+data.generate.num_nodes=8", "+data.generate.max_steps=3",
        f"paths.output_dir={root / 'run'}", f"paths.data_dir={root / 'data'}", *extra,
    ]  # fmt: skip


@pytest.fixture(scope="session")
def symbolic_args():
    """:func:`symbolic_overrides`."""
    return symbolic_overrides


@pytest.fixture(scope="session")
def symbolic_examples():
    """``(records, tokenizer, examples)``: 6 generated 10-node symbolic ProsQA records,
    the symbolic tokenizer and the records tokenized."""
    from coconut.curriculum import tokenize_example
    from coconut.data.symbolic import generate_prosqa_symbolic
    from coconut.tokenizers.symbolic import build_symbolic_tokenizer

    records = generate_prosqa_symbolic(6, seed=0, num_nodes=10, max_steps=4)
    tokenizer = build_symbolic_tokenizer()
    return records, tokenizer, [tokenize_example(r, tokenizer) for r in records]
