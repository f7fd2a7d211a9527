"""Charts for the statistics pages, drawn by the server as SVG. The pages' Content-Security-Policy
allows no inline script or style, so the SVG uses presentation attributes (fill, stroke,
font-size) only, and each chart carries its numbers as text (a title per bar) for screen readers."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 20, 40
BAR_FILL = "#2b6cb0"
DONE_FILL = "#2f855a"
GRID = "#d0d7de"
TEXT = "#24292f"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    #: What the bar says when hovered or read aloud, e.g. "Februari: 2".
    title: str


def _scale_top(largest: float) -> float:
    """A round top for the axis: 1, 2, 5, 10, 20, 50, ..."""
    top, steps = 1.0, (2.0, 2.5, 2.0)
    index = 0
    while top < largest:
        top *= steps[index % 3]
        index += 1
    return top


def bar_chart(bars: list[Bar], *, title: str, chart_id: str, maximum: float | None = None, unit: str = "") -> Markup:
    """Vertical bars, one per label (the months), with a labelled axis from 0 to a round top."""
    top = maximum if maximum is not None else _scale_top(max((b.value for b in bars), default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(bars), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="chart" id="{escape(chart_id)}" aria-labelledby="{escape(chart_id)}-title">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for fraction in (0.0, 0.5, 1.0):
        y = TOP + plot_h * (1 - fraction)
        value = top * fraction
        shown = f"{value:g}{unit}"
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{TEXT}">{shown}</text>'
        )
    for index, bar in enumerate(bars):
        height = 0.0 if top == 0 else plot_h * min(bar.value, top) / top
        x = LEFT + index * step + step * 0.15
        y = TOP + plot_h - height
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{height:.1f}" fill="{BAR_FILL}" '
            f'data-label="{escape(bar.label)}" data-value="{bar.value:g}"><title>{escape(bar.title)}</title></rect>'
        )
        parts.append(
            f'<text x="{x + step * 0.35:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11" '
            f'fill="{TEXT}">{escape(bar.label[:3])}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every value from outside went through escape()
