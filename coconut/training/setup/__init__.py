"""Building what a run trains: the model and its tokenizer, the data, the Lightning parts.

- :mod:`~coconut.training.setup.model`: the model and tokenizer per ``model`` config,
  weights from ``init_from``, the context length;
- :mod:`~coconut.training.setup.inputs`: the run's tokenized splits, its per-epoch
  rewrite, and the LightningModule, data module and curriculum callback built from them.
"""
