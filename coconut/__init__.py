"""coconut: train and study language models that reason in a continuous latent space.

The package is layered; a part imports only from the parts listed above it
(``tests/test_import_layers.py`` checks this, and that no modules import each other in a
circle):

- ``coconut.atomic``, ``coconut.console``, ``coconut.logfile``, ``coconut.rundir``,
  ``coconut.hydra_app``: atomic writes, console errors and exit codes, log files, the files
  of a run directory and the run id, the packaged Hydra configs of the console scripts;
- ``coconut.plotting`` (the one figure convention), ``coconut.model`` (the Coconut wrapper
  around a Hugging Face causal LM: latent feedback, generation, saving; no Lightning, no
  datasets) and ``coconut.data`` (record schema, generators, loaders, verifiers, the
  symbolic ProsQA form);
- ``coconut.methods``: one registered class per training method (its stages and its
  layout of an example at a stage);
- ``coconut.curriculum`` (tokenized examples laid out and collated for a stage) and
  ``coconut.analysis`` (data-side analyses such as the lookahead yardstick);
- ``coconut.tokenizers``: the tokenizers of scratch models (BPE, word-level, symbolic);
- ``coconut.probe``: what the latent thoughts hold (``coconut-probe``);
- ``coconut.training``: Lightning and Hydra glue (``coconut-train``, ``coconut-eval``),
  its parts in ``config``, ``setup``, ``data``, ``lightning`` and ``run``;
- ``coconut.search`` (Q* search over reasoning steps), ``coconut.compare``
  (``coconut-compare``) and ``coconut.bench`` (``coconut-bench``).

``CONTRIBUTING.md`` says where things live and how to add a method, a dataset or a probe.
"""

__version__ = "0.1.0"
