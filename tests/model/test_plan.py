"""The chunk schedule of a latent forward."""

import torch

from coconut.model.plan import make_plan


def test_no_latents_is_one_pass():
    plan = make_plan(torch.zeros(2, 7, dtype=torch.bool))
    assert plan.bounds == [(0, 7)]
    assert plan.fill_rows.tolist() == [[False, False]]


def test_chunks_end_before_each_latent_column():
    mask = torch.zeros(2, 10, dtype=torch.bool)
    mask[0, [3, 4]] = True
    mask[1, [4, 7]] = True
    plan = make_plan(mask)
    assert plan.bounds == [(0, 3), (3, 4), (4, 7), (7, 10)]
    assert plan.fill_rows.tolist() == [[False, False], [True, False], [True, True], [False, True]]
    assert plan.num_passes == 4
