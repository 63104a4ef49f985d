"""The tokenizers of models trained from scratch, built from a dataset and saved with a run.

Training, ``coconut-eval``, the probes and the search load a run's tokenizer from its run
directory; building one needs no Lightning:

- :mod:`~coconut.tokenizers.saved`: what every kind shares: the wrapper with the special
  tokens, saving atomically and loading a saved tokenizer (or building it once);
- :mod:`~coconut.tokenizers.bpe`: a byte-level BPE tokenizer trained on a dataset's text;
- :mod:`~coconut.tokenizers.word`: one token per word, for ProsQA and ProntoQA;
- :mod:`~coconut.tokenizers.symbolic`: the fixed vocabulary of symbolic ProsQA.
"""
