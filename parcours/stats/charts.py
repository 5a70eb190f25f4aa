"""Charts drawn on the server as SVG: readable without JavaScript, with a title and a
description that screen readers announce, colours with enough contrast against white
(3:1 at least for graphics, WCAG 1.4.11), and a second series told apart by its shape
(dashes, hatching), never by colour alone. Each chart is shown with its data table.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# Blue 14:1 and dark red 6:1 against white; text in near-black.
INK = "#161616"
SERIES = ("#000091", "#a4190b")
GRID = "#767676"

WIDTH, HEIGHT = 720, 316
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 72
# About the width of a character at the charts' 13 px, to know when a label must wrap.
CHAR_WIDTH = 6.6


@dataclass
class Series:
    label: str
    values: list[float | None]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _ticks(maximum: float, count: int = 4) -> list[float]:
    return [maximum * i / count for i in range(count + 1)]


def _fmt(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f} %"
    return f"{value:g}" if value < 1000 else f"{value:,.0f}".replace(",", "\u202f")


def _frame(chart_id: str, title: str, description: str, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="st-chart" role="img" viewBox="0 0 {w} {h}" width="100%" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg" '
        'font-family="inherit" font-size="13">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        "<defs>"
        '<pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#ffffff"/>'
        '<rect width="3" height="6" fill="{red}"/></pattern>'
        "</defs>{body}</svg>",
        w=WIDTH,
        h=HEIGHT,
        id=chart_id,
        title=title,
        desc=description,
        red=SERIES[1],
        body=body,
    )


def _axes(maximum: float, percent: bool) -> SafeString:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = []
    for tick in _ticks(maximum):
        y = TOP + plot_h - plot_h * tick / maximum
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="{}" stroke-width="0.5" '
                'stroke-dasharray="2 3"/>'
                '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                GRID,
                LEFT - 6,
                f"{y + 4:.1f}",
                INK,
                _fmt(tick, percent),
                y=f"{y:.1f}",
            )
        )
    parts.append(
        format_html(
            '<line x1="{l}" x2="{r}" y1="{b}" y2="{b}" stroke="{ink}"/>'
            '<line x1="{l}" x2="{l}" y1="{t}" y2="{b}" stroke="{ink}"/>',
            l=LEFT,
            r=WIDTH - RIGHT,
            t=TOP,
            b=HEIGHT - BOTTOM,
            ink=INK,
        )
    )
    return mark_safe("".join(parts))  # noqa: S308 — each part is escaped by format_html


def _x_labels(labels: list[str], positions: list[float]) -> SafeString:
    every = max(1, -(-len(labels) // 7))
    spacing = positions[1] - positions[0] if len(positions) > 1 else WIDTH - LEFT - RIGHT
    room = spacing * every - 6
    texts = []
    for i, (label, x) in enumerate(zip(labels, positions, strict=True)):
        if i % every and i != len(labels) - 1:
            continue
        lines = format_html_join(
            "",
            '<tspan x="{}" dy="{}">{}</tspan>',
            (
                (f"{x:.1f}", "1.15em" if n else "0", line)
                for n, line in enumerate(_lines(label, room))
            ),
        )
        texts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                f"{x:.1f}",
                HEIGHT - BOTTOM + 18,
                INK,
                lines,
            )
        )
    return mark_safe("".join(texts))  # noqa: S308 — each part is escaped by format_html


def _lines(label: str, room: float) -> list[str]:
    """A label on one line, or on two, cut at the space nearest its middle, when it is
    wider than the room between two labels (it would run into its neighbours)."""
    if len(label) * CHAR_WIDTH <= room or " " not in label:
        return [label]
    middle = len(label) / 2
    cut = min((i for i, c in enumerate(label) if c == " "), key=lambda i: abs(i - middle))
    return [label[:cut], label[cut + 1 :]]


def _legend(series: list[Series], chart_id: str, *, bars: bool) -> SafeString:
    parts = []
    x = LEFT
    y = HEIGHT - 14
    for i, serie in enumerate(series):
        if bars:
            fill = SERIES[0] if i == 0 else f"url(#{chart_id}-hatch)"
            mark = format_html(
                '<rect x="{}" y="{}" width="14" height="14" fill="{}" stroke="{}"/>',
                x,
                y - 11,
                fill,
                SERIES[i % 2],
            )
        else:
            mark = format_html(
                '<line x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="{}" stroke-width="3" {}/>',
                x,
                x + 24,
                SERIES[i % 2],
                mark_safe('stroke-dasharray="8 4"') if i else "",
                y=y - 4,
            )
        parts.append(
            format_html(
                '{}<text x="{}" y="{}" fill="{}">{}</text>', mark, x + 30, y, INK, serie.label
            )
        )
        x += 30 + 8 * len(serie.label) + 24
    return mark_safe("".join(parts))  # noqa: S308 — each part is escaped by format_html


def line_chart(
    chart_id: str,
    *,
    title: str,
    description: str,
    labels: list[str],
    series: list[Series],
    percent: bool = False,
) -> SafeString:
    values = [v for s in series for v in s.values if v is not None]
    maximum = 1.0 if percent else _nice_max(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(len(labels), 1)
    xs = [LEFT + (plot_w * (i + 0.5) / n) for i in range(len(labels))]
    lines = []
    for i, serie in enumerate(series):
        points = " ".join(
            f"{x:.1f},{TOP + plot_h - plot_h * v / maximum:.1f}"
            for x, v in zip(xs, serie.values, strict=True)
            if v is not None
        )
        if not points:
            continue
        lines.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="{}" {}/>',
                points,
                SERIES[i % 2],
                3 if i == 0 else 2.5,
                mark_safe('stroke-dasharray="8 4"') if i else "",
            )
        )
    body = mark_safe(  # noqa: S308 — each part is escaped by format_html
        _axes(maximum, percent)
        + "".join(lines)
        + _x_labels(labels, xs)
        + _legend(series, chart_id, bars=False)
    )
    return _frame(chart_id, title, description, body)


def bar_chart(
    chart_id: str,
    *,
    title: str,
    description: str,
    labels: list[str],
    series: list[Series],
    percent: bool = False,
) -> SafeString:
    values = [v for s in series for v in s.values if v is not None]
    maximum = 1.0 if percent else _nice_max(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(len(labels), 1)
    slot = plot_w / n
    width = slot * 0.8 / max(len(series), 1)
    bars = []
    for s, serie in enumerate(series):
        fill = SERIES[0] if s == 0 else f"url(#{chart_id}-hatch)"
        for i, value in enumerate(serie.values):
            if value is None:
                continue
            h = plot_h * value / maximum
            bars.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}"/>',
                    f"{LEFT + slot * i + slot * 0.1 + width * s:.1f}",
                    f"{TOP + plot_h - h:.1f}",
                    f"{width:.1f}",
                    f"{h:.1f}",
                    fill,
                    SERIES[s % 2],
                )
            )
    xs = [LEFT + slot * (i + 0.5) for i in range(len(labels))]
    body = mark_safe(  # noqa: S308 — each part is escaped by format_html
        _axes(maximum, percent)
        + "".join(bars)
        + _x_labels(labels, xs)
        + (_legend(series, chart_id, bars=True) if len(series) > 1 else "")
    )
    return _frame(chart_id, title, description, body)
