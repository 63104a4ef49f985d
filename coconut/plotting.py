"""The one plotting convention of the package: matplotlib's object API.

Figures are made with :func:`figure` (a ``matplotlib.figure.Figure``, never through
``pyplot``, so importing a plotting module chooses no backend and leaks no global
figure), written with :func:`save` (atomically, as PNG), and an axis that counts
something (epochs, thoughts, hops) is given integer ticks with :func:`integer_ticks`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from coconut.atomic import atomic_write

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure


def figure(width: float, height: float) -> Figure:
    """A new figure of ``width`` x ``height`` inches, outside ``pyplot``."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def save(fig: Figure, path: str | Path, dpi: int = 90) -> Path:
    """Lays ``fig`` out and writes it to ``path`` as PNG, atomically; returns the path."""
    fig.tight_layout()
    return atomic_write(path, lambda handle: fig.savefig(handle, format="png", dpi=dpi), True)


def integer_ticks(axis: Axes, which: str = "x") -> None:
    """Puts ticks only at integers on ``axis``'s ``which`` axis ("x" or "y")."""
    from matplotlib.ticker import MaxNLocator

    getattr(axis, f"{which}axis").set_major_locator(MaxNLocator(integer=True))


def palette(name: str = "tab10") -> Colormap:
    """The registered colormap ``name`` (qualitative ones index colours by integer)."""
    from matplotlib import colormaps

    return colormaps[name]
