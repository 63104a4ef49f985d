"""Checks on the composed Hydra config, made before data, tokenizer or model work starts.

- :mod:`~coconut.training.config.values`: the types of config values, checked with
  OmegaConf alone so that the console scripts refuse a bad value before heavy imports;
- :mod:`~coconut.training.config.checks`: the method, accelerator and step-count checks,
  the world size and gradient accumulation read from the config.
"""
