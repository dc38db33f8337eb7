"""Vector charts drawn with reportlab's own graphics (pie, horizontal bars, weekly columns), in the CJK font."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Sequence

from desktop_cs.i18n import _
from desktop_cs.reports.styles import GREY, INK, SERIES_COLORS, font

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing


def _color(rgb):
    from reportlab.lib.colors import Color
    return Color(*rgb)


def _drawing(width: float, height: float) -> Drawing:
    """A Drawing whose default font is ours (otherwise the PDF would reference Helvetica)."""
    from reportlab.graphics.shapes import Drawing as _Drawing
    drawing = _Drawing(width, height)
    drawing.initialFontName = font()
    return drawing


def _empty(width: float, height: float, text: str | None = None):
    from reportlab.graphics.shapes import String
    drawing = _drawing(width, height)
    drawing.add(String(width / 2, height / 2, text or _("No data in this period."), fontName=font(), fontSize=9,
                       fillColor=_color(GREY), textAnchor="middle"))
    return drawing


def pie(items: Sequence[tuple[str, int]], width: float, height: float,
        colors: Sequence[tuple[float, float, float]] = SERIES_COLORS) -> Drawing:
    """A pie of ITEMS (label, value) with a legend at the right giving each value and its share."""
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.piecharts import Pie

    total = sum(v for _label, v in items)
    if total <= 0:
        return _empty(width, height)
    drawing = _drawing(width, height)
    size = min(height - 10, width * 0.42)
    chart = Pie()
    chart.x, chart.y = 8, (height - size) / 2
    chart.width = chart.height = size
    chart.data = [max(v, 0) for _label, v in items]
    chart.labels = None
    chart.simpleLabels = 1
    chart.slices.strokeColor = _color((1, 1, 1))
    chart.slices.strokeWidth = 0.8
    chart.startAngle = 90
    chart.direction = "clockwise"
    for i in range(len(items)):
        chart.slices[i].fillColor = _color(colors[i % len(colors)])
    drawing.add(chart)
    legend = Legend()
    legend.x = size + 28
    legend.y = height / 2 + 7 * len(items)
    legend.alignment = "right"
    legend.fontName = font()
    legend.fontSize = 9
    legend.dx = legend.dy = 8
    legend.deltay = 14
    legend.columnMaximum = 12
    legend.strokeWidth = 0
    legend.colorNamePairs = [
        (_color(colors[i % len(colors)]), f"{label}  {value:,}  ({value * 100 / total:.1f}%)")
        for i, (label, value) in enumerate(items)]
    drawing.add(legend)
    return drawing


def hbars(items: Sequence[tuple[str, int]], width: float, bar_height: float = 13,
          color: tuple[float, float, float] = SERIES_COLORS[0], label_width: float = 110) -> Drawing:
    """Horizontal bars, one per item (label, value), largest first as given, with the value at the bar's end."""
    from reportlab.graphics.shapes import Rect, String

    if not items:
        return _empty(width, 30)
    top = max(v for _l, v in items) or 1
    gap = 4
    height = len(items) * (bar_height + gap) + gap
    drawing = _drawing(width, height)
    name = font()
    bar_space = width - label_width - 50
    for i, (label, value) in enumerate(items):
        y = height - (i + 1) * (bar_height + gap)
        text = label if len(label) <= 16 else label[:15] + "…"
        drawing.add(String(label_width - 6, y + bar_height / 2 - 3.2, text, fontName=name, fontSize=8.5,
                           fillColor=_color(INK), textAnchor="end"))
        length = max(bar_space * value / top, 0.8 if value else 0)
        drawing.add(Rect(label_width, y, length, bar_height, fillColor=_color(color), strokeColor=None))
        drawing.add(String(label_width + length + 4, y + bar_height / 2 - 3.2, f"{value:,}", fontName=name,
                           fontSize=8.5, fillColor=_color(INK)))
    return drawing


def weekly_columns(weeks: Sequence[tuple[dt.date, int]], width: float, height: float,
                   color: tuple[float, float, float] = SERIES_COLORS[0]) -> Drawing:
    """Columns per week (Monday, count) with a readable number of date labels under them."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import String

    if not weeks or not any(n for _w, n in weeks):
        return _empty(width, height)
    drawing = _drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 36, 28
    chart.width, chart.height = width - 46, height - 44
    chart.data = [[n for _w, n in weeks]]
    chart.bars[0].fillColor = _color(color)
    chart.bars[0].strokeColor = None
    chart.barSpacing = 1
    chart.groupSpacing = 2 if len(weeks) > 26 else 5
    step = max(1, -(-len(weeks) // 12))
    chart.categoryAxis.categoryNames = [w.strftime("%m-%d") if i % step == 0 else "" for i, (w, _n) in
                                        enumerate(weeks)]
    chart.categoryAxis.labels.fontName = font()
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.angle = 0
    chart.categoryAxis.labels.dy = -4
    chart.categoryAxis.strokeColor = _color(GREY)
    chart.categoryAxis.tickDown = 0
    chart.valueAxis.labels.fontName = font()
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.valueMin = 0
    chart.valueAxis.strokeColor = _color(GREY)
    chart.valueAxis.gridStrokeColor = _color((0.88, 0.88, 0.88))
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.labelTextFormat = lambda v: f"{int(v):,}"
    top = max(n for _w, n in weeks)
    chart.valueAxis.valueMax = _nice_ceiling(top)
    chart.valueAxis.valueStep = chart.valueAxis.valueMax / 4
    drawing.add(chart)
    drawing.add(String(chart.x, 6, _("Week starting (month-day); the first and last weeks may be partial"),
                       fontName=font(), fontSize=7.5, fillColor=_color(GREY)))
    return drawing


def _nice_ceiling(value: int) -> float:
    """The smallest of 1, 2, 4, 5, 8 × 10^k at or above VALUE, so the four grid steps are round."""
    if value <= 4:
        return 4
    magnitude = 10 ** (len(str(int(value))) - 1)
    for factor in (1, 2, 4, 5, 8, 10):
        if factor * magnitude >= value:
            return float(factor * magnitude)
    return float(10 * magnitude)
