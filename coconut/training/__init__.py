"""Lightning and Hydra glue: staged training, evaluation, checkpoints and logging.

- :mod:`~coconut.training.train`: ``train(cfg)``, one training run end to end;
- :mod:`~coconut.training.resume`: a finished run, a resumed run's checks, ``init_from``;
- :mod:`~coconut.training.leftovers`: what a launch killed before training left behind;
- :mod:`~coconut.training.run_inputs`: data, tokenizer, model and the Lightning parts;
- :mod:`~coconut.training.trainer`: the ``Trainer`` with its callbacks and loggers;
- :mod:`~coconut.training.results`: the final evaluation and ``results.json``;
- :mod:`~coconut.training.evaluate`: ``coconut-eval``;
- :mod:`~coconut.training.hydra_app`: the packaged configs (``pkg://coconut.conf``);
- :mod:`~coconut.training.config`: checks on the Hydra config;
- :mod:`~coconut.training.curriculum`: the callback that owns the curriculum stage;
- :mod:`~coconut.training.sources`: split files, generated on first use;
- :mod:`~coconut.training.prepare`: tokenizing splits, the context-length check;
- :mod:`~coconut.training.models`: model and tokenizer per ``model`` config, ``init_from``;
- :mod:`~coconut.training.tokenizer`: the BPE tokenizer trained on a dataset's own text;
- :mod:`~coconut.training.datamodule`: each epoch's layouts and the evaluation prompts;
- :mod:`~coconut.training.sampler`: per-epoch order, rank sharding, mid-epoch resume;
- :mod:`~coconut.training.module`: the LightningModule;
- :mod:`~coconut.training.scoring`: generation-based scoring shared by both entry points;
- :mod:`~coconut.training.checkpointing`: atomic checkpoints, ``last.ckpt``, best by val/acc;
- :mod:`~coconut.training.loggers`: W&B (offline without an API key) and CSV;

The methods live in :mod:`coconut.methods`, layouts and collation in
:mod:`coconut.curriculum`.
"""
