"""Parity of ``method=codi`` with the official CODI code (github.com/zhenyi4/codi).

Usage::

    OMP_NUM_THREADS=1 python experiments/parity/codi.py OFFICIAL_CHECKOUT

``OFFICIAL_CHECKOUT`` is a checkout of that repository (its ``src/model.py`` is imported
as a module from there; nothing of it is copied). In a temporary directory the script
saves a tiny random GPT-2 (2 layers, 32 wide, 64 tokens, no dropout) with a word-level
slow tokenizer, builds the official ``CODI`` module on it (projection on, smooth-L1
distillation divided by the teacher's std, distillation weight 0.7, teacher weight 1.3,
3 thoughts, no LoRA), moves it to float64 and copies its weights (the resized GPT-2 and
the projection) into our :class:`~coconut.model.Coconut`. One batch of three examples,
laid out by our ``codi`` method and collator, and the same token sequences in the
official format (``encoder_input_ids = question + bot``, ``decoder_input_ids = eot +
answer``, ``ref_input_ids = question + steps + answer``) go through both. The rows are
of equal lengths: the official code's default neither masks padding in the latent and
answer passes nor shifts positions for left padding, a difference by design.

Printed: the largest relative difference (``max |ours - theirs| / max |theirs|``) of
each loss component (the weighted ones as the official code returns them), of the
student's logits over the answer and, over every parameter, of the gradients of the
weighted total. The last line is one JSON object of them.

Shim: the official module's ``AutoModelForCausalLM`` is replaced by a loader that drops
the ``resume_download`` keyword, which transformers 5 removed (and passes on to the
model's constructor, which refuses it); nothing else of the module changes. Its
``CODI.__init__`` reads plain attribute objects (``types.SimpleNamespace``) in place of
its ``HfArgumentParser`` dataclasses, and its prints go to a buffer. Nothing is written
outside the temporary directory.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import io
import json
import sys
import tempfile
from pathlib import Path
from types import ModuleType, SimpleNamespace

import torch
from transformers import AutoModelForCausalLM, GPT2Config, GPT2LMHeadModel

from coconut.curriculum import Collator, TokenizedExample, build_sequence, build_views
from coconut.methods import build_method
from coconut.model import Coconut
from coconut.model.tokens import TokenIds

VOCAB, MARKER, THOUGHTS = 64, 2, 3
LENGTHS = {"question": 7, "steps": 5, "value": 2}
DISTILL_WEIGHT, TEACHER_WEIGHT = 0.7, 1.3


def import_official(checkout: Path) -> ModuleType:
    """The official ``src/model.py`` as a module named ``codi_official``."""
    path = checkout / "src" / "model.py"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: {checkout} is not a checkout of zhenyi4/codi")
    spec = importlib.util.spec_from_file_location("codi_official", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.AutoModelForCausalLM = _LoaderWithoutResumeDownload  # the one shim
    return module


class _LoaderWithoutResumeDownload:
    """``AutoModelForCausalLM`` for the official module, dropping ``resume_download``:
    transformers 5 removed that keyword (a no-op since 4.39), and now passes it on to
    the model's constructor, which refuses it."""

    @staticmethod
    def from_pretrained(name, *args, resume_download=None, **kwargs):
        return AutoModelForCausalLM.from_pretrained(name, *args, **kwargs)


def save_tiny_gpt2(directory: Path) -> None:
    """A random GPT-2 and a slow word-level GPT-2 tokenizer (``t0`` ... ``t63``)."""
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=VOCAB, n_positions=64, n_layer=2, n_head=2, n_embd=32,
                        resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
                        bos_token_id=0, eos_token_id=0)  # fmt: skip
    GPT2LMHeadModel(config).save_pretrained(directory)
    vocab = {"<|endoftext|>": 0, **{f"t{i}": i for i in range(1, VOCAB)}}
    (directory / "vocab.json").write_text(json.dumps(vocab))
    (directory / "merges.txt").write_text("#version: 0.2\n")


def official_codi(module: ModuleType, directory: Path):
    """The official module on the tiny model, in float64."""
    model_args = SimpleNamespace(model_name_or_path=str(directory), full_precision=True,
                                 train=True, lora_init=False)  # fmt: skip
    training_args = SimpleNamespace(
        bf16=False, num_latent=THOUGHTS, use_lora=False, use_prj=True, prj_dim=48,
        prj_dropout=0.0, prj_no_ln=False, print_loss=False, ref_loss_factor=TEACHER_WEIGHT,
        distill_loss_div_std=True, distill_loss_type="smooth_l1",
        distill_loss_factor=DISTILL_WEIGHT, fix_attn_mask=False, restore_from="",
        print_ref_model_stats=False,
    )  # fmt: skip
    with contextlib.redirect_stdout(io.StringIO()):
        codi = module.CODI(model_args, training_args, None)
    return codi.double().eval()


def our_model(codi) -> tuple[Coconut, TokenIds]:
    """Our Coconut model with the official model's weights and token ids."""
    ids = TokenIds(start_latent=codi.bot_id, latent=VOCAB - 1, end_latent=codi.eot_id,
                   pause=VOCAB - 2, eos=0)  # fmt: skip
    spec = {"hidden": 48, "dropout": 0.0, "layer_norm": True}
    model = Coconut(copy.deepcopy(codi.codi), ids.latent, ids.start_latent, ids.end_latent,
                    ids.eos, thought_projection=spec)  # fmt: skip
    model.thought_projection.load_state_dict(codi.prj.state_dict())
    return model.eval(), ids


def examples(rows: int = 3) -> list[TokenizedExample]:
    """Random examples of equal lengths: answers are a 2-token marker, 2 tokens, eos."""
    gen = torch.Generator().manual_seed(1)

    def draw(n: int) -> list[int]:
        return torch.randint(1, VOCAB - 2, (n,), generator=gen).tolist()

    marker = draw(MARKER)
    return [
        TokenizedExample(
            question=draw(LENGTHS["question"]),
            steps=[draw(LENGTHS["steps"])],
            answer=[*marker, *draw(LENGTHS["value"]), 0],
        )
        for _ in range(rows)
    ]


def our_batch(exs: list[TokenizedExample], ids: TokenIds, method) -> dict:
    """The training batch our data path builds."""
    features = []
    for ex in exs:
        seq = build_sequence(ex, 0, method, ids)
        views = build_views(ex, 0, method, ids)
        features.append({"input_ids": seq.input_ids, "labels": seq.labels,
                         "views": {k: {"input_ids": v.input_ids, "labels": v.labels}
                                   for k, v in views.items()}})  # fmt: skip
    return Collator(pad_id=ids.eos, latent_id=ids.latent)(features)


def official_inputs(exs: list[TokenizedExample], codi) -> dict[str, torch.Tensor]:
    """The same sequences in the official forward's arguments."""
    q = torch.tensor([ex.question for ex in exs])
    steps = torch.tensor([ex.steps[0] for ex in exs])
    answer = torch.tensor([ex.answer for ex in exs])
    rows = len(exs)
    decoder = torch.cat([torch.full((rows, 1), codi.eot_id), answer], 1)
    ref = torch.cat([q, steps, answer], 1)
    ref_labels = ref.clone()
    ref_labels[:, : q.shape[1]] = -100
    value_at = torch.full((rows,), 1 + MARKER)  # first token after the marker
    return {
        "encoder_input_ids": torch.cat([q, torch.full((rows, 1), codi.bot_id)], 1),
        "decoder_input_ids": decoder,
        "ref_input_ids": ref,
        "labels": decoder.clone(),
        "encoder_attention_mask": torch.ones(rows, q.shape[1] + 1, dtype=torch.long),
        "ref_answer_position": value_at + q.shape[1] + steps.shape[1] - 1,
        "model_answer_position": value_at,
        "ref_labels": ref_labels,
    }


def relative(ours: torch.Tensor, theirs: torch.Tensor) -> float:
    ours = torch.as_tensor(ours, dtype=torch.float64).detach()
    theirs = torch.as_tensor(theirs, dtype=torch.float64).detach()  # python floats too
    scale = theirs.abs().max().clamp(min=1e-300)
    return float((ours - theirs).abs().max() / scale)


def compare(checkout: Path, tmp: Path) -> dict[str, float | str]:
    directory = tmp / "gpt2-tiny"  # the official code picks GPT-2's embedding by name
    save_tiny_gpt2(directory)
    codi = official_codi(import_official(checkout), directory)
    model, ids = our_model(codi)
    method = build_method(name="codi", num_thoughts=THOUGHTS, answer_marker_tokens=MARKER,
                          projection_dim=48, loss_weight_distill=DISTILL_WEIGHT,
                          loss_weight_teacher=TEACHER_WEIGHT)  # fmt: skip
    exs = examples()
    batch, objective = our_batch(exs, ids, method), method.objective()

    with contextlib.redirect_stdout(io.StringIO()):
        theirs = codi(**official_inputs(exs, codi))
    theirs["loss"].backward()
    parts = objective.losses(model, batch, {})
    total = sum(objective.weights[k] * v for k, v in parts.items())
    total.backward()
    start = len(exs[0].question) + 1 + THOUGHTS  # the eot column of our student rows
    with torch.no_grad():
        logits = model(batch["input_ids"], batch["attention_mask"]).logits[:, start:]

    theirs_grads = dict(codi.codi.named_parameters())
    theirs_grads.update({f"prj.{k}": v for k, v in codi.prj.named_parameters()})
    ours_grads = dict(model.base_causallm.named_parameters())
    ours_grads.update({f"prj.{k}": v for k, v in model.thought_projection.named_parameters()})
    grads = max(relative(ours_grads[k].grad, p.grad) for k, p in theirs_grads.items())
    return {
        "method": "codi",
        "loss_teacher": relative(parts["teacher"] * TEACHER_WEIGHT, theirs["ref_ce_loss"]),
        "loss_student": relative(parts["student"], theirs["ce_loss"]),
        "loss_distill": relative(parts["distill"] * DISTILL_WEIGHT, theirs["distill_loss"]),
        "loss": relative(total, theirs["loss"]),
        "logits": relative(logits, theirs["logits"]),
        "grads": grads,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        figures = compare(Path(argv[0]).resolve(), Path(tmp))
    for key, value in figures.items():
        if key != "method":
            print(f"{key:>13}: {value:.3e}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
