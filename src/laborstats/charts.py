"""Charts for reports: SVG drawn by matplotlib, an optional extra (laborstats[charts])."""

from __future__ import annotations

import io
import math
import re
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

# Fonts with Chinese glyphs, the most common first on Linux, macOS and Windows.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "SimHei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
)
_WIDTH = 7.5  # inches
_BAR_COLOUR = "#2a7ab0"
# Ten colours (matplotlib's tab10), then the same again dashed: lines stay apart in a legend.
_LINE_COLOURS = tuple(f"C{number}" for number in range(10))
_LINE_STYLES = ("-", "--", ":")


def charts_available() -> bool:
    """Whether matplotlib can be imported (pip install "laborstats[charts]")."""
    try:
        import matplotlib  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True


@cache
def cjk_font() -> str | None:
    """The first font of CJK_FONTS that matplotlib finds on this machine, if any."""
    from matplotlib import font_manager  # noqa: PLC0415

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    shown: Sequence[str],
    *,
    title: str,
    tick: Callable[[float], str],
) -> str:
    """Horizontal bars, the first label at the top, each with its figure as ``shown``;
    ``tick`` writes the numbers of the axis."""
    from matplotlib.ticker import FuncFormatter  # noqa: PLC0415

    with _style():
        # Room for three bars at least, so that one bar is not a slab.
        slots = max(len(labels), 3)
        figure = _figure(height=1.2 + 0.42 * slots)
        axes = figure.subplots()
        positions = range(len(labels))
        axes.barh(positions, values, color=_BAR_COLOUR, height=0.6)
        axes.set_yticks(positions, labels=labels)
        axes.set_ylim(slots - 0.5, -0.5)  # the first at the top
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: tick(value)))
        for position, value, text in zip(positions, values, shown, strict=True):
            if not math.isnan(value):
                axes.annotate(
                    text, (max(value, 0), position), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=9,
                )  # fmt: skip
        axes.margins(x=0.18)
        _finish(axes, title)
        return _svg(figure)


def line_chart(
    years: Sequence[int],
    lines: Mapping[str, Sequence[float]],
    *,
    title: str,
    tick: Callable[[float], str],
) -> str:
    """A line a series over ``years`` (nan is a gap), with a legend when there are several;
    ``tick`` writes the numbers of the value axis."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: PLC0415

    with _style():
        figure = _figure(height=3.2)
        axes = figure.subplots()
        for number, (name, values) in enumerate(lines.items()):
            colour = _LINE_COLOURS[number % len(_LINE_COLOURS)]
            style = _LINE_STYLES[number // len(_LINE_COLOURS) % len(_LINE_STYLES)]
            axes.plot(years, values, marker="o", color=colour, linestyle=style, label=name)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: tick(value)))
        if len(lines) > 1:
            axes.legend(frameon=False, fontsize=8, loc="best")
        _finish(axes, title)
        return _svg(figure)


@contextmanager
def _style() -> Iterator[None]:
    """matplotlib's settings for a chart: a CJK font where there is one, drawn as shapes so
    the SVG shows the same everywhere; else text left as text, for the reader's fonts."""
    import matplotlib as mpl  # noqa: PLC0415

    font = cjk_font()
    settings: dict[RcKeyType, Any] = {
        "font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
        "svg.fonttype": "path" if font else "none",
        "svg.hashsalt": "laborstats",  # the same chart gives the same file
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with mpl.rc_context(settings), warnings.catch_warnings():
        # Without a CJK font the layout measures Chinese with DejaVu Sans; the
        # reader's browser draws it with its own fonts.
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        yield


def _figure(height: float) -> Figure:
    from matplotlib.figure import Figure  # noqa: PLC0415

    return Figure(figsize=(_WIDTH, height), layout="constrained")


def _finish(axes: Axes, title: str) -> None:
    axes.set_title(title, loc="left", fontsize=11)
    axes.grid(axis="both", alpha=0.25)


def _svg(figure: Figure) -> str:
    stream = io.StringIO()
    figure.savefig(stream, format="svg", metadata={"Date": None})
    # Only the <svg> element: the XML declaration and doctype have no place inside HTML.
    return re.sub(r"\A.*?(?=<svg)", "", stream.getvalue(), flags=re.DOTALL)
