"""CODI's objective against a naive reference written here, on a tiny float64 model.

The reference rebuilds the student's input embeddings one position at a time (a latent
at ``p`` takes the projection of the full model's last hidden state at ``p - 1`` over
the prefix), runs the base model once per sequence without a cache, and computes each
loss with explicit formulas: the mean of ``-log softmax`` over the labelled positions,
the elementwise smooth L1 (``0.5 d^2`` below 1, ``|d| - 0.5`` above), the unbiased
standard deviation and the mean over layers.
"""

from __future__ import annotations

import pytest
import torch
from tiny import BOT, EOS, EOT, LAT, tiny_base

from coconut.curriculum import Collator, TokenizedExample, build_sequence, build_views
from coconut.methods import build_method
from coconut.model import Coconut
from coconut.model.codi import distill_columns
from coconut.model.tokens import TokenIds

IDS = TokenIds(start_latent=BOT, latent=LAT, end_latent=EOT, pause=63, eos=EOS)
SPEC = {"hidden": 24, "dropout": 0.0, "layer_norm": True}
MARKER = 2


def _model(arch: str) -> Coconut:
    torch.manual_seed(0)
    base = tiny_base(arch).double().eval()
    return Coconut(base, LAT, BOT, EOT, EOS, thought_projection=SPEC).double().eval()


def _examples() -> list[TokenizedExample]:
    """Rows of different lengths (so the batch is padded): answers are marker 5 6, a
    value and eos."""
    return [
        TokenizedExample([7, 8, 9], [[10, 11], [12]], [5, 6, 13, EOS]),
        TokenizedExample([14, 15], [[16, 17, 18]], [5, 6, 19, 20, EOS]),
        TokenizedExample([21, 22, 23, 24], [[25], [26], [27, 28]], [5, 6, 29, EOS]),
    ]


def _batch(method, exs):
    features = []
    for ex in exs:
        seq, views = build_sequence(ex, 0, method, IDS), build_views(ex, 0, method, IDS)
        teacher = views["teacher"]
        features.append({"input_ids": seq.input_ids, "labels": seq.labels,
                         "views": {"teacher": {"input_ids": teacher.input_ids,
                                               "labels": teacher.labels}}})  # fmt: skip
    return Collator(pad_id=EOS, latent_id=LAT)(features)


def _naive_states(model: Coconut, ids: list[int]) -> tuple[torch.Tensor, ...]:
    """Every layer's ``(T, D)`` states of one unpadded row, latents filled one by one."""
    base = model.base_causallm
    embeds = base.get_input_embeddings()(torch.tensor(ids))
    rows = []
    for p, token in enumerate(ids):
        if token == LAT:
            prefix = torch.stack(rows)[None]
            last = base(inputs_embeds=prefix, output_hidden_states=True).hidden_states[-1][0, -1]
            rows.append(model.thought_projection(last))
        else:
            rows.append(embeds[p])
    out = base(inputs_embeds=torch.stack(rows)[None], output_hidden_states=True)
    return tuple(layer[0] for layer in out.hidden_states)


def _naive_ce(model: Coconut, last: torch.Tensor, targets: list[int], at: list[int]) -> list:
    """``-log p(target)`` of each labelled position, predicted from the one before it."""
    logits = model.base_causallm.get_output_embeddings()(last)
    return [-torch.log_softmax(logits[p - 1], -1)[t] for p, t in zip(at, targets, strict=True)]


def _naive_smooth_l1(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    d = (a - b).abs()
    return torch.where(d < 1, 0.5 * d * d, d - 0.5).mean()


def _naive_std(x: torch.Tensor) -> torch.Tensor:
    return (((x - x.mean()) ** 2).sum() / (x.numel() - 1)).sqrt()


def _reference(model: Coconut, method, exs: list[TokenizedExample]) -> dict[str, torch.Tensor]:
    student_ce, teacher_ce, mine, target = [], [], [], []
    for ex in exs:
        seq, teacher = build_sequence(ex, 0, method, IDS), build_views(ex, 0, method, IDS)
        teacher = teacher["teacher"]
        s_states, t_states = (
            _naive_states(model, seq.input_ids),
            _naive_states(model, teacher.input_ids),
        )
        s_at = [p for p, lab in enumerate(seq.labels) if lab != -100]
        t_at = [p for p, lab in enumerate(teacher.labels) if lab != -100]
        student_ce += _naive_ce(model, s_states[-1], [seq.labels[p] for p in s_at], s_at)
        teacher_ce += _naive_ce(model, t_states[-1], [teacher.labels[p] for p in t_at], t_at)
        # the last marker token: the answer starts at the student's first label and is
        # the teacher's last len(answer) tokens
        s_pos, t_pos = s_at[0] + MARKER - 1, len(teacher.input_ids) - len(ex.answer) + MARKER - 1
        mine.append([layer[s_pos] for layer in s_states])
        target.append([layer[t_pos] for layer in t_states])
    layers = len(mine[0])
    distill = 0.0
    for j in range(layers):
        a = torch.stack([row[j] for row in mine])
        b = torch.stack([row[j] for row in target]).detach()
        distill = distill + _naive_smooth_l1(a, b) / _naive_std(b)
    return {
        "student": torch.stack(student_ce).mean(),
        "distill": distill / layers,
        "teacher": torch.stack(teacher_ce).mean(),
    }


@pytest.mark.parametrize("arch", ["gpt2", "llama"])
def test_each_codi_loss_equals_the_naive_reference(arch):
    method = build_method(name="codi", num_thoughts=3, answer_marker_tokens=MARKER,
                          projection_dim=24)  # fmt: skip
    model, exs = _model(arch), _examples()
    parts = method.objective().losses(model, _batch(method, exs), {})
    expected = _reference(model, method, exs)
    assert list(parts) == ["student", "distill", "teacher"]
    for name, value in expected.items():
        torch.testing.assert_close(parts[name].double(), value, rtol=1e-6, atol=0)
    assert parts["distill"] > 0  # the student is not the teacher


def test_no_gradient_flows_into_the_teachers_states():
    method = build_method(name="codi", num_thoughts=2, answer_marker_tokens=MARKER,
                          projection_dim=24, loss_weight_student=0.0,
                          loss_weight_teacher=0.0)  # fmt: skip
    model, exs = _model("gpt2"), _examples()
    batch = _batch(method, exs)
    objective = method.objective()
    parts = objective.losses(model, batch, {})
    # the distillation alone: its gradient with respect to the teacher's input
    # embeddings is zero, while the student's thoughts (the projection) receive one
    teacher_ids = batch["views"]["teacher"]["input_ids"]
    embedding = model.base_causallm.get_input_embeddings()
    parts["distill"].backward()
    assert model.thought_projection[1].weight.grad.abs().sum() > 0
    rows_only_in_teacher = set(teacher_ids.flatten().tolist()) - set(
        batch["input_ids"].flatten().tolist()
    )
    assert rows_only_in_teacher  # the teacher's steps
    for token in rows_only_in_teacher:
        assert embedding.weight.grad[token].abs().sum() == 0


def test_distill_columns_are_the_last_marker_token_in_both_sequences():
    x = -100
    student = torch.tensor([[x, x, x, 5, 6, 7, 0], [x, x, x, x, 5, 6, 0]])
    teacher = torch.tensor([[x, 3, 4, 5, 6, 7, 0, x], [x, x, 3, 3, 3, 5, 6, 0]])
    at_student, at_teacher = distill_columns(student, teacher, 2)
    assert at_student.tolist() == [4, 5] and at_teacher.tolist() == [4, 6]
    with pytest.raises(ValueError, match="no token after its 3-token marker"):
        distill_columns(student, teacher, 3)


def test_the_weighted_total_uses_the_configured_weights():
    from coconut.model.objective import weighted_total

    parts = {
        "student": torch.tensor(2.0),
        "distill": torch.tensor(3.0),
        "teacher": torch.tensor(5.0),
    }
    weights = {"student": 1.0, "distill": 0.5, "teacher": 0.0}
    assert weighted_total(parts, weights).item() == 3.5
    with pytest.raises(ValueError, match="differ"):
        weighted_total(parts, {"student": 1.0})
