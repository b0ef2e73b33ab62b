"""Charts drawn on the server as SVG: no script, no network, printable, readable by a screen
reader (each chart has a <title> and <desc>, and every page shows the numbers in a table too).

Only what the dashboards need: grouped horizontal or vertical bars, and lines against targets.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#0d6efd", "#198754", "#dc3545", "#ffc107", "#6f42c1", "#20c997", "#fd7e14", "#6c757d"]
LIGHT_COLOURS = {"red": "#dc3545", "yellow": "#ffc107", "green": "#198754"}
FONT = 'font-family="system-ui, \'PingFang SC\', \'Microsoft YaHei\', \'Noto Sans CJK SC\', sans-serif"'


@dataclass
class Series:
    name: str
    values: Sequence[float | Decimal | None]
    colour: str = ""
    dashed: bool = False


def _number(value) -> str:
    if value is None:
        return "—"
    value = float(value)
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


# A label holding Chinese (a department, a unit such as 人) is data: marked lang="zh" for screen
# readers in the English interface.
_CHINESE_TEXT = re.compile(r"<text (?=[^>]*>[^<]*[\u3400-\u9fff\uff00-\uffef])")


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> SafeString:
    body = [_CHINESE_TEXT.sub('<text lang="zh" ', part) for part in body]
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'class="chart" aria-label="{escape(title)}" {FONT} font-size="12">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>" + "".join(body) + "</svg>"
    )


def _legend(series: Sequence[Series], x: int, y: int) -> list[str]:
    parts, offset = [], x
    for index, item in enumerate(series):
        colour = item.colour or PALETTE[index % len(PALETTE)]
        dash = ' stroke-dasharray="4 3"' if item.dashed else ""
        parts.append(f'<line x1="{offset}" y1="{y}" x2="{offset + 16}" y2="{y}" stroke="{colour}" stroke-width="6"{dash}/>')
        parts.append(f'<text x="{offset + 22}" y="{y + 4}">{escape(item.name)}</text>')
        offset += 34 + 13 * len(item.name)
    return parts


def bar_chart(
    *, title: str, categories: Sequence[str], series: Sequence[Series], unit: str = "", stacked: bool = False, width: int = 720
) -> SafeString:
    """Horizontal bars, one row per category (long Chinese names read best on the left)."""
    row = 26 if (stacked or len(series) == 1) else 14 * len(series) + 10
    label_width, top, right = 150, 34, 60
    height = top + row * max(len(categories), 1) + 30
    totals = [
        sum(float(s.values[i] or 0) for s in series) if stacked else max((float(s.values[i] or 0) for s in series), default=0)
        for i in range(len(categories))
    ]
    scale_max = _nice_max(max(totals, default=0))
    plot = width - label_width - right
    body = _legend(series, label_width, 14)
    for tick in range(5):
        x = label_width + plot * tick / 4
        body.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 26}" stroke="#dee2e6"/>')
        body.append(f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" fill="#6c757d">{_number(scale_max * tick / 4)}{escape(unit)}</text>')
    for i, category in enumerate(categories):
        y = top + i * row
        body.append(f'<text x="{label_width - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end">{escape(category[:14])}</text>')
        offset = 0.0
        for j, item in enumerate(series):
            value = float(item.values[i] or 0)
            colour = item.colour or PALETTE[j % len(PALETTE)]
            length = plot * value / scale_max
            if stacked:
                x, bar_y, bar_h = label_width + offset, y + 4, row - 8
                offset += length
            else:
                x, bar_y, bar_h = label_width, y + 4 + j * 14, 12 if len(series) > 1 else row - 8
            body.append(
                f'<rect x="{x:.1f}" y="{bar_y:.1f}" width="{max(length, 0):.1f}" height="{bar_h}" fill="{colour}">'
                f"<title>{escape(category)} · {escape(item.name)}: {_number(item.values[i])}{escape(unit)}</title></rect>"
            )
            if not stacked and item.values[i] is not None:
                body.append(f'<text x="{x + length + 4:.1f}" y="{bar_y + bar_h - 2:.1f}" fill="#495057" font-size="11">{_number(item.values[i])}</text>')
    desc = "; ".join(
        f"{c}: " + ", ".join(f"{s.name} {_number(s.values[i])}{unit}" for s in series) for i, c in enumerate(categories)
    )
    return _svg(width, height, title, desc, body)


def _axis_range(values: list[float]) -> tuple[float, float]:
    """The y-axis of a trend: from a round number a little below the lowest value (not from 0, where
    76 % → 80 % would look flat) to a round number above the highest; from 0 when values reach it."""
    if not values:
        return 0.0, 1.0
    lowest, highest = min(values), max(values)
    if lowest <= 0:
        return min(lowest, 0.0), _nice_max(highest)
    span = (highest - lowest) or abs(highest) * 0.1 or 1.0
    step = 10 ** math.floor(math.log10(span))
    low = max(0.0, math.floor((lowest - span * 0.5) / step) * step)
    high = math.ceil((highest + span * 0.25) / step) * step
    return low, high if high > low else low + step


def line_chart(*, title: str, labels: Sequence[str], series: Sequence[Series], unit: str = "", width: int = 640, height: int = 260) -> SafeString:
    """Lines over years (values against targets); a missing value leaves a gap."""
    left, right, top, bottom = 56, 16, 34, 34
    values = [float(v) for s in series for v in s.values if v is not None]
    low, high = _axis_range(values)
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(labels) - 1, 1)

    def y_of(value: float) -> float:
        return top + plot_h - plot_h * (value - low) / ((high - low) or 1)

    body = _legend(series, left, 14)
    for tick in range(5):
        value = low + (high - low) * tick / 4
        y = y_of(value)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#dee2e6"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#6c757d">{_number(value)}{escape(unit)}</text>')
    for i, label in enumerate(labels):
        body.append(f'<text x="{left + i * step:.1f}" y="{height - 12}" text-anchor="middle" fill="#6c757d">{escape(label)}</text>')
    for j, item in enumerate(series):
        colour = item.colour or PALETTE[j % len(PALETTE)]
        dash = ' stroke-dasharray="6 4"' if item.dashed else ""
        segment: list[str] = []
        for i, value in enumerate(item.values):
            if value is None:
                if len(segment) > 1:
                    body.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
                segment = []
                continue
            x, y = left + i * step, y_of(float(value))
            segment.append(f"{x:.1f},{y:.1f}")
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"><title>{escape(labels[i])} · {escape(item.name)}: {_number(value)}{escape(unit)}</title></circle>')
        if len(segment) > 1:
            body.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
    desc = "; ".join(f"{s.name}: " + ", ".join(f"{labels[i]} {_number(v)}{unit}" for i, v in enumerate(s.values)) for s in series)
    return _svg(width, height, title, desc, body)
