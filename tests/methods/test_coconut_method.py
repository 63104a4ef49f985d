"""The ``coconut`` method's layouts beyond the golden ones: ``next_step_only``."""

from coconut.methods import build_method


def test_next_step_only_labels_the_next_step_then_the_answer(ex, ids):
    method = build_method({"name": "coconut", "max_latent_stage": 3, "next_step_only": True})
    bot, lat, eot = ids.start_latent, ids.latent, ids.end_latent
    layouts = [method.layout(ex, stage, ids) for stage in range(5)]
    assert [(lay.prompt, lay.continuation, lay.n_latent) for lay in layouts] == [
        ([1, 2, bot, eot], [3, 4], 0),
        ([1, 2, bot, lat, eot], [5], 1),
        ([1, 2, bot, lat, lat, eot], [6, 7, 8], 2),
        ([1, 2, bot, lat, lat, lat, eot], [9, 99], 3),
        ([1, 2, bot, lat, lat, lat, eot], [9, 99], 3),
    ]


def test_without_next_step_only_the_labels_are_every_step_left_and_the_answer(ex, ids):
    method = build_method({"name": "coconut", "max_latent_stage": 3})
    assert method.layout(ex, 1, ids).continuation == [5, 6, 7, 8, 9, 99]
    assert method.eval_stage_for(1) == 1


def test_bare_latents_follow_the_question_without_markers(ex, ids):
    method = build_method(
        {"name": "coconut", "max_latent_stage": 3, "next_step_only": True, "bare_latents": True}
    )
    lat = ids.latent
    layouts = [method.layout(ex, stage, ids) for stage in (0, 2, 4)]
    assert [(lay.prompt, lay.continuation, lay.n_latent) for lay in layouts] == [
        ([1, 2], [3, 4], 0),
        ([1, 2, lat, lat], [6, 7, 8], 2),
        ([1, 2, lat, lat, lat], [9, 99], 3),
    ]
