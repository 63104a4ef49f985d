"""The curriculum callback: the one owner of the stage during training."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from coconut.methods import build_method
from coconut.training.lightning.stage_callback import CurriculumCallback, check_eval_stage

COCONUT = {"name": "coconut", "max_latent_stage": 2, "epochs_per_stage": 2}


class _Module:
    def __init__(self) -> None:
        self.logged: list[tuple[str, float, dict]] = []

    def log(self, name: str, value: float, **kwargs) -> None:
        self.logged.append((name, value, kwargs))


class _Trainer:
    def __init__(self, epoch: int = 0, reload: int = 0) -> None:
        self.current_epoch = epoch
        self.reload_dataloaders_every_n_epochs = reload
        self.resets = 0
        self.strategy = SimpleNamespace(setup_optimizers=self._reset)

    def _reset(self, trainer) -> None:
        self.resets += 1


def test_stage_of_each_epoch_comes_from_the_method():
    method = build_method(COCONUT)
    curriculum = CurriculumCallback(method)
    assert [curriculum.stage_at(e) for e in range(8)] == [0, 0, 1, 1, 2, 2, 3, 3]
    assert curriculum.train_stage(_Trainer(3)) == 1
    assert curriculum.train_stage(None) == 0


@pytest.mark.parametrize(("reset", "expected"), [(True, [2, 4, 6]), (False, [])])
def test_logs_the_stage_and_resets_the_optimizer_at_stage_switches(reset, expected):
    curriculum = CurriculumCallback(build_method(COCONUT, reset_optimizer_on_stage=reset))
    resets_at, module = [], _Module()
    for epoch in range(8):
        trainer = _Trainer(epoch)
        curriculum.on_train_epoch_start(trainer, module)
        if trainer.resets:
            resets_at.append(epoch)
    assert resets_at == expected
    assert [value for _, value, _ in module.logged] == [0, 0, 1, 1, 2, 2, 3, 3]
    assert {name for name, _, _ in module.logged} == {"curriculum/stage"}
    assert all(kw == {"on_step": False, "on_epoch": True} for _, _, kw in module.logged)


def test_has_the_trainer_rebuild_the_training_loader_every_epoch():
    trainer = _Trainer(reload=0)
    CurriculumCallback(build_method(COCONUT)).setup(trainer, _Module(), "fit")
    assert trainer.reload_dataloaders_every_n_epochs == 1


def test_eval_stage_follows_training_unless_forced():
    curriculum = CurriculumCallback(build_method(COCONUT))
    assert curriculum.eval_stage(_Trainer(5)) == 2
    curriculum.force_eval_stage(1)
    assert curriculum.eval_stage(_Trainer(5)) == 1
    assert CurriculumCallback(build_method(COCONUT), eval_stage=0).eval_stage(_Trainer(7)) == 0
    with pytest.raises(ValueError, match=r"eval\.stage"):
        curriculum.force_eval_stage(-1)


def test_next_step_only_evaluates_every_epoch_at_the_final_stage():
    curriculum = CurriculumCallback(build_method({**COCONUT, "next_step_only": True}))
    assert [curriculum.eval_stage(_Trainer(e)) for e in range(8)] == [3] * 8
    assert curriculum.final_eval_stage(best_checkpoint=False, epochs_trained=1) == 3
    assert [curriculum.train_stage(_Trainer(e)) for e in range(8)] == [0, 0, 1, 1, 2, 2, 3, 3]


@pytest.mark.parametrize(
    ("name", "final_epochs"),
    [("coconut", [6, 7, 8]), ("cot", list(range(9))), ("no_curriculum", list(range(9)))],
)
def test_final_stage_epochs(name, final_epochs):
    curriculum = CurriculumCallback(build_method({**COCONUT, "name": name}))
    assert [e for e in range(9) if curriculum.is_final_stage(e)] == final_epochs


def test_final_eval_stage():
    curriculum = CurriculumCallback(build_method(COCONUT))
    assert curriculum.final_eval_stage(best_checkpoint=True, epochs_trained=2) == 3
    assert curriculum.final_eval_stage(best_checkpoint=False, epochs_trained=3) == 1
    assert curriculum.final_eval_stage(best_checkpoint=False, epochs_trained=0) == 0
    curriculum.force_eval_stage(2)
    assert curriculum.final_eval_stage(best_checkpoint=True, epochs_trained=9) == 2


def test_checkpoints_record_method_and_stage():
    checkpoint: dict = {}
    CurriculumCallback(build_method(COCONUT)).on_save_checkpoint(_Trainer(5), _Module(), checkpoint)
    assert checkpoint["curriculum"] == {"method": "coconut", "stage": 2}


@pytest.mark.parametrize("value", [-1, 1.5, "2"])
def test_one_check_of_a_forced_eval_stage(value):
    assert check_eval_stage(None) is None and check_eval_stage(3) == 3
    with pytest.raises(ValueError, match=r"^eval\.stage: must be an int >= 0"):
        check_eval_stage(value)
    with pytest.raises(ValueError, match=r"^stage: must be an int >= 0"):
        check_eval_stage(value, "stage")


def test_requested_eval_stage_of_a_finished_run():
    curriculum = CurriculumCallback(build_method({**COCONUT, "c_thought": 2}))
    assert curriculum.requested_eval_stage() == 3  # no results.json: the final stage
    assert curriculum.requested_eval_stage(recorded=1) == 1
    assert curriculum.requested_eval_stage(stage=2, recorded=1) == 2
    assert curriculum.requested_eval_stage(latents=4, recorded=1) == 2  # c_thought 2
    for kwargs, error in [
        ({"stage": 1, "latents": 2}, "give one of them, not both"),
        ({"stage": 4}, r"stage=4: past the run's last stage \(3"),
        ({"stage": -1}, "stage: must be an int >= 0"),
        ({"latents": 3}, "multiple of method.c_thought=2"),
        ({"latents": 8}, "latents=8: the run trains at most 6 latent thoughts"),
    ]:
        with pytest.raises(ValueError, match=error):
            curriculum.requested_eval_stage(**kwargs)
    assert CurriculumCallback(build_method(name="cot")).requested_eval_stage(latents=0) == 0
