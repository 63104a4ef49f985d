"""The run directory over a run's life: one writer, one identity, resumable, cleanly stopped.

- :mod:`~coconut.training.run.lock`: one process per run directory, stale temp files;
- :mod:`~coconut.training.run.identity`: what makes two launches the same run;
- :mod:`~coconut.training.run.failed_launch`: undoing what a failed first launch left;
- :mod:`~coconut.training.run.resume`: a finished run, a resumed run's checks, ``init_from``;
- :mod:`~coconut.training.run.checkpoints`: atomic checkpoints, ``last.ckpt``, best by
  val/acc;
- :mod:`~coconut.training.run.stopping`: SIGTERM and Ctrl-C: resumable, never exit 0;
- :mod:`~coconut.training.run.divergence`: a non-finite loss ends the run with an error;
- :mod:`~coconut.training.run.results`: the final evaluation and ``results.json``.
"""
