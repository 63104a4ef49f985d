"""coconut: train and study language models that reason in a continuous latent space.

The package is layered so that each layer knows only the ones below it:

- ``coconut.model``: the Coconut wrapper around a Hugging Face causal LM (no Lightning,
  no datasets, no curricula);
- ``coconut.data``: dataset schema, generators and loaders;
- ``coconut.curriculum``: pure functions from (example, stage, method config) to token
  layouts;
- ``coconut.training``: thin Lightning and Hydra glue.
"""

__version__ = "0.1.0"
