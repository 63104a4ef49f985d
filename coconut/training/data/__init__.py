"""The data pipeline of a run: split files to the batches of each epoch.

- :mod:`~coconut.training.data.sources`: the split files, generated on first use;
- :mod:`~coconut.training.data.tokenizing`: tokenizing a split (cached), the
  context-length check;
- :mod:`~coconut.training.data.datamodule`: each epoch's layouts and the evaluation prompts;
- :mod:`~coconut.training.data.sampler`: per-epoch order, rank sharding, mid-epoch resume;
- :mod:`~coconut.training.data.fact_shuffle`: the per-epoch shuffle of a question's facts;
- :mod:`~coconut.training.data.symbolic_rewrite`: the per-epoch relabelling and path
  resampling of symbolic ProsQA.
"""
