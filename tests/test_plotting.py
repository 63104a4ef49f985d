"""The plotting convention (:mod:`coconut.plotting`)."""

from coconut.plotting import figure, integer_ticks, palette, save


def test_a_figure_is_saved_as_png_with_integer_ticks_and_no_pyplot_figure(tmp_path):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig = figure(3, 2)
    ax = fig.subplots()
    ax.plot([0, 1, 2, 3], [1.0, 0.5, 0.25, 0.125], color=palette()(1))
    integer_ticks(ax)
    out = save(fig, tmp_path / "sub" / "f.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert all(float(t).is_integer() for t in ax.get_xticks())
    assert plt.get_fignums() == before
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["f.png"]  # no temporary left
