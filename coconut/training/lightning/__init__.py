"""The Lightning parts of a run: the module, its callbacks, the Trainer and its loggers.

- :mod:`~coconut.training.lightning.module`: the LightningModule;
- :mod:`~coconut.training.lightning.scoring`: generation-based scoring shared by training
  and ``coconut-eval``;
- :mod:`~coconut.training.lightning.stage_callback`: the callback that owns the
  curriculum stage;
- :mod:`~coconut.training.lightning.trainer`: the ``Trainer`` with its callbacks and loggers;
- :mod:`~coconut.training.lightning.loggers`: W&B (offline without an API key) and CSV;
- :mod:`~coconut.training.lightning.progress`: one log line per epoch, a quiet progress bar;
- :mod:`~coconut.training.lightning.plots`: the training curves of a run (``curves.png``).
"""
