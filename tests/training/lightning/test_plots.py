"""Training curves read from a run's CSV logs and drawn to curves.png."""

import subprocess
import sys
from types import SimpleNamespace

from coconut.training.lightning.plots import PlotCurves, plot_run, read_epoch_metrics

HEADER = "curriculum/stage,epoch,step,train/loss,val/acc\n"


def write_metrics(run_dir, version, rows):
    path = run_dir / "csv" / f"version_{version}" / "metrics.csv"
    path.parent.mkdir(parents=True)
    path.write_text(HEADER + "".join(rows))


def test_epoch_values_average_steps_and_later_versions_win(tmp_path):
    write_metrics(tmp_path, 0, [
        "0,0,1,2.0,\n", "0,0,2,4.0,\n", "0,0,2,,0.5\n",
        "1,1,3,1.0,\n", "1,1,3,,0.6\n",
    ])  # fmt: skip
    write_metrics(tmp_path, 1, ["1,1,3,0.5,\n", "1,1,3,,0.7\n", "2,2,4,0.25,\n"])
    series = read_epoch_metrics(tmp_path)
    assert series["train/loss"] == {0: 3.0, 1: 0.5, 2: 0.25}
    assert series["val/acc"] == {0: 0.5, 1: 0.7}
    assert series["curriculum/stage"] == {0: 0.0, 1: 1.0, 2: 2.0}


def test_plot_written_only_when_there_are_metrics(tmp_path):
    assert plot_run(tmp_path) is None
    write_metrics(tmp_path, 0, ["0,0,1,2.0,\n", "0,0,1,,0.5\n", "1,1,2,1.0,\n", ",2,2,,0.9\n"])
    out = plot_run(tmp_path)
    assert out == tmp_path / "curves.png"
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_importing_the_plotting_modules_leaves_the_matplotlib_backend_alone():
    code = (
        "import matplotlib; matplotlib.use('svg'); import coconut.training.train; "
        "import coconut.training.lightning.plots, coconut.probe.plots, coconut.compare.plots; "
        "import coconut.probe.superposition_plots; print(matplotlib.get_backend())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["svg"]


class _Logger:
    def __init__(self) -> None:
        self.saved = 0

    def save(self) -> None:
        self.saved += 1


def test_the_callback_plots_on_rank_zero_only(tmp_path):
    write_metrics(tmp_path, 0, ["0,0,1,2.0,\n", "0,0,1,,0.5\n"])
    logger = _Logger()
    PlotCurves(tmp_path).on_fit_end(SimpleNamespace(is_global_zero=False, loggers=[logger]), None)
    assert not (tmp_path / "curves.png").exists() and logger.saved == 0
    PlotCurves(tmp_path).on_fit_end(SimpleNamespace(is_global_zero=True, loggers=[logger]), None)
    assert (tmp_path / "curves.png").is_file() and logger.saved == 1
