"""Lightning and Hydra glue: staged training, evaluation, checkpoints and logging.

The entry points sit at the top, the parts they use in one folder each:

- :mod:`~coconut.training.train`: ``train(cfg)``, one training run end to end;
- :mod:`~coconut.training.evaluate`: ``coconut-eval``;
- :mod:`~coconut.training.cli`: the ``coconut-train`` and ``coconut-eval`` console scripts;
- :mod:`coconut.training.config`: checks on the Hydra config before any work;
- :mod:`coconut.training.setup`: the model, tokenizer and inputs a run is built from;
- :mod:`coconut.training.data`: split files, tokenizing, the data module and its order;
- :mod:`coconut.training.lightning`: the LightningModule, callbacks, Trainer and loggers;
- :mod:`coconut.training.run`: the run directory: lock, identity, resume, checkpoints,
  stops and the final results.

``python -m coconut.training train|eval`` runs the console scripts from a checkout
(:mod:`~coconut.training.__main__`). The methods live in :mod:`coconut.methods`, layouts
and collation in :mod:`coconut.curriculum`, the tokenizers in :mod:`coconut.tokenizers`,
the packaged configs in :mod:`coconut.hydra_app`.
"""
