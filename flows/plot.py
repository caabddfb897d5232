"""The timeline as a picture: events per week (or month), by type or by actor.

matplotlib draws off-screen (the Agg backend): no display is needed, on a server or in
a scheduled run. Each event type keeps its colour in every picture.
"""

from __future__ import annotations

import io
from datetime import timedelta

import matplotlib

matplotlib.use("Agg")  # before pyplot: draw to files, never to a screen

import matplotlib.dates as mdates
from matplotlib.figure import Figure
from PIL import Image

from parsers.extraction.events import EVENT_TYPES
from warehouse.browse import EventCounts

# 16 event types, 20 distinct colours: a type is always drawn in the same one.
_PALETTE = matplotlib.colormaps["tab20"].colors
TYPE_COLOURS = {t: _PALETTE[i % len(_PALETTE)] for i, t in enumerate(EVENT_TYPES)}
ACTOR_COLOURS = matplotlib.colormaps["tab10"].colors
# A picture wide enough for a year of weeks, small enough for a run's page.
SIZE_INCHES = (11.0, 4.4)
DPI = 110
# 16 type colours, grey text and the shades antialiasing makes of them.
PALETTE_COLOURS = 64


def events_picture(
    counts: EventCounts, title: str, subtitle: str | None = None, *, stacked: bool = True
) -> bytes:
    """A PNG of bars, one group per period: stacked (event types: each event counts once)
    or side by side (actors: one event with two of them counts for both)."""
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    width = timedelta(days=6 if counts.per == "week" else 26)
    slot = width if stacked else width / max(len(counts.series), 1)
    bottoms = dict.fromkeys(counts.periods, 0)
    for index, series in enumerate(counts.series):
        heights = [counts.counts.get((p, series), 0) for p in counts.periods]
        colour = TYPE_COLOURS.get(series) or ACTOR_COLOURS[index % len(ACTOR_COLOURS)]
        axes.bar(
            [p + (timedelta(0) if stacked else slot * index) for p in counts.periods],  # type: ignore[arg-type]
            heights,
            width=slot,
            bottom=[bottoms[p] for p in counts.periods] if stacked else 0,
            align="edge",
            color=colour,
            label=series,
            linewidth=0,
        )
        if stacked:
            for period, height in zip(counts.periods, heights, strict=True):
                bottoms[period] += height
    if not counts.series:
        axes.text(
            0.5, 0.5, "no dated events in this range", ha="center", va="center",
            transform=axes.transAxes, color="0.4",
        )  # fmt: skip
    axes.set_ylabel(f"events per {counts.per}")
    axes.yaxis.get_major_locator().set_params(integer=True)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    axes.xaxis.set_major_locator(locator)
    # The title says the years; the formatter's "2024-May" corner label would repeat them.
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    tallest = (
        max(bottoms.values(), default=0) if stacked else max(counts.counts.values(), default=0)
    )
    axes.set_ylim(0, max(tallest * 1.08, 1))
    if counts.periods:
        axes.set_xlim(counts.periods[0], counts.periods[-1] + width + timedelta(days=1))
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="0.9")
    axes.set_axisbelow(True)
    figure.suptitle(title, fontsize=12, x=0.01, ha="left")
    if subtitle:
        axes.set_title(subtitle, fontsize=9, color="0.35", loc="left")
    if counts.series:
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return _small_png(figure)


def _small_png(figure: Figure) -> bytes:
    """The figure as a PNG of PALETTE_COLOURS colours: a third of the bytes of a full-colour
    one and no visible difference for flat bars and text, which counts when every run
    stores its picture in Prefect's database."""
    rendered = io.BytesIO()
    figure.savefig(rendered, format="png")
    image = Image.open(rendered).convert("RGB")
    small = io.BytesIO()
    image.quantize(colors=PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT).save(
        small, format="PNG", optimize=True
    )
    return small.getvalue()
