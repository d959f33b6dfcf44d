"""Inline SVG bar and line charts for the printable report: no JavaScript, no CDN, prints as drawn.

Every text that comes from data goes through format_html, so names are escaped.
"""

import math
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from core.templatetags.figures import number

PALETTE = ("#1f5fa8", "#2e9e5b", "#d08a1e", "#b8404a", "#6b4fa0", "#4a8c9c")
FONT = "font-family:Arial,Helvetica,sans-serif;font-size:11px"
Series = Sequence[tuple[str, Sequence[int | float]]]


def nice_step(value: float) -> int:
    """The smallest of 1, 2, 5 x 10^k that is at least value: a round step between grid lines."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    return next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= value)


def _number(value: float) -> str:
    """A tick or a bar's value as the page's language writes it (10 000 and 61,8 in Russian)."""
    return number(f"{value:g}" if isinstance(value, float) else value)


class _Frame:
    """The plot area inside the margins, and the mapping of values to y."""

    left, right, top, bottom = 48, 12, 28, 56

    def __init__(self, width: int, height: int, maximum: float):
        # Four grid steps of a round size: the figures are counts, so the ticks stay whole numbers.
        self.step = nice_step(maximum / 4)
        self.width, self.height, self.maximum = width, height, self.step * 4
        self.plot_width = width - self.left - self.right
        self.plot_height = height - self.top - self.bottom

    def y(self, value: float) -> float:
        return round(self.top + self.plot_height * (1 - value / self.maximum), 1)

    def grid(self) -> SafeString:
        ticks = [self.step * index for index in range(5)]
        return format_html_join(
            "",
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#ddd"/>'
            '<text x="{}" y="{}" text-anchor="end" style="{}">{}</text>',
            (
                (
                    self.left,
                    self.y(t),
                    self.width - self.right,
                    self.y(t),
                    self.left - 4,
                    round(self.y(t) + 4, 1),
                    FONT,
                    _number(t),
                )
                for t in ticks
            ),
        )

    def legend(self, series: Series) -> SafeString:
        return format_html_join(
            "",
            '<rect x="{}" y="8" width="10" height="10" fill="{}"/><text x="{}" y="17" style="{}">{}</text>',
            (
                (
                    self.left + index * 140,
                    PALETTE[index % len(PALETTE)],
                    self.left + index * 140 + 14,
                    FONT,
                    name,
                )
                for index, (name, _values) in enumerate(series)
            ),
        )


def _svg(frame: _Frame, title: str, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{}" '
        'width="{}" height="{}" viewBox="0 0 {} {}"><title>{}</title>{}{}</svg>',
        title,
        frame.width,
        frame.height,
        frame.width,
        frame.height,
        title,
        frame.grid(),
        body,
    )


def _category_labels(frame: _Frame, categories: Sequence[str], step: float) -> SafeString:
    # Long names are cut so that neighbours do not overlap; the full name is in the table below.
    return format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" transform="rotate(-35 {} {})" style="{}">{}</text>',
        (
            (
                round(frame.left + step * (index + 0.5), 1),
                frame.height - frame.bottom + 14,
                round(frame.left + step * (index + 0.5), 1),
                frame.height - frame.bottom + 14,
                FONT,
                label if len(label) <= 18 else label[:17] + "…",
            )
            for index, label in enumerate(categories)
        ),
    )


def bar_chart(
    categories: Sequence[str], series: Series, *, title: str, width: int = 640, height: int = 260
) -> SafeString:
    """Grouped vertical bars: one group per category, one bar per series."""
    maximum = max((value for _name, values in series for value in values), default=0)
    frame = _Frame(width, height, maximum)
    step = frame.plot_width / max(len(categories), 1)
    bar = step * 0.8 / max(len(series), 1)
    bars = []
    for position, (_name, values) in enumerate(series):
        for index, value in enumerate(values):
            x = round(frame.left + step * index + step * 0.1 + bar * position, 1)
            bars.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
                    x,
                    frame.y(value),
                    round(bar, 1),
                    round(frame.y(0) - frame.y(value), 1),
                    PALETTE[position % len(PALETTE)],
                    f"{categories[index]}: {_number(value)}",
                )
            )
    body = mark_safe("".join(bars)) + frame.legend(series) + _category_labels(frame, categories, step)
    return _svg(frame, title, body)


def line_chart(
    labels: Sequence[str], series: Series, *, title: str, width: int = 640, height: int = 260
) -> SafeString:
    """One line with dots per series over labelled points (e.g. months)."""
    maximum = max((value for _name, values in series for value in values), default=0)
    frame = _Frame(width, height, maximum)
    step = frame.plot_width / max(len(labels), 1)
    lines = []
    for position, (_name, values) in enumerate(series):
        colour = PALETTE[position % len(PALETTE)]
        points = [
            (round(frame.left + step * (index + 0.5), 1), frame.y(value))
            for index, value in enumerate(values)
        ]
        lines.append(
            format_html(
                '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>',
                colour,
                " ".join(f"{x},{y}" for x, y in points),
            )
        )
        lines.append(
            format_html_join(
                "",
                '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{}: {}</title></circle>',
                (
                    (x, y, colour, labels[index], _number(values[index]))
                    for index, (x, y) in enumerate(points)
                ),
            )
        )
    body = mark_safe("".join(lines)) + frame.legend(series) + _category_labels(frame, labels, step)
    return _svg(frame, title, body)
