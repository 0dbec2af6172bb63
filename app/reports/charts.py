"""Bar charts for printed figures, drawn with ReportLab graphics (vector, labels as real text).

``bar_chart`` returns a ``Drawing``, which a platypus story takes like any other flowable. Each
bar is labelled with its count. A count the pack keeps hidden (1 or 2, see
``app.review_pack.shown``) is not drawn to scale: it gets a light, hatched bar of one fixed small
height labelled "<3", so nobody can read 1 or 2 off the chart's axis.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import (  # type: ignore[import-untyped]
    HorizontalBarChart,
    VerticalBarChart,
)
from reportlab.graphics.shapes import Drawing, Group, Line  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]

from app.reports import fonts
from app.review_pack import SMALL_NUMBER, suppressed

HIDDEN_LABEL = f"<{SMALL_NUMBER}"
_HIDDEN_HEIGHT = 0.07  # a hidden count's bar, as a fraction of the value axis
_INK = colors.HexColor("#3b5b7a")
_HIDDEN_FILL = colors.HexColor("#e4e4e4")
_HIDDEN_LINE = colors.HexColor("#8a8a8a")
_AXIS = colors.HexColor("#555555")
_LABEL_SIZE = 7.5


def bar_label(count: int) -> str:
    """What a bar says: its count, or "<3" for a hidden one."""
    return HIDDEN_LABEL if suppressed(count) else f"{count:,}"


def axis_top(counts: Sequence[int]) -> tuple[int, int]:
    """A round top for the value axis and its step (1, 2 or 5 times a power of ten), at least 3
    (so the axis never suggests how small a hidden count is)."""
    largest = max([SMALL_NUMBER, *(c for c in counts if not suppressed(c))])
    rough = largest / 5
    power = 10 ** math.floor(math.log10(rough)) if rough >= 1 else 1
    step = next(s * power for s in (1, 2, 5, 10) if s * power >= rough)
    step = max(1, int(step))
    return int(math.ceil(largest / step) * step), step


def _fit(text: str, width: float) -> str:
    if stringWidth(text, fonts.SANS, _LABEL_SIZE) <= width:
        return text
    while text and stringWidth(text + "…", fonts.SANS, _LABEL_SIZE) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _hatch(group: Group, x: float, y: float, width: float, height: float, gap: float = 3.0) -> None:
    """Diagonal lines across the rectangle, kept inside it."""
    offset = -height
    while offset < width:
        left, right = max(0.0, offset), min(width, offset + height)
        if right > left:
            line = Line(x + left, y + left - offset, x + right, y + right - offset)
            line.strokeColor = _HIDDEN_LINE
            line.strokeWidth = 0.5
            group.add(line)
        offset += gap


class _Hatching:
    """Adds hatching over the hidden bars once the chart knows where its bars are."""

    def draw(self) -> Group:
        group = super().draw()  # type: ignore[misc]
        for column in self._hidden_columns:  # type: ignore[attr-defined]
            x, y, width, height = self._barPositions[0][column]  # type: ignore[attr-defined]
            _hatch(group, min(x, x + width), min(y, y + height), abs(width), abs(height))
        return group


class _Vertical(_Hatching, VerticalBarChart):  # type: ignore[misc]
    pass


class _Horizontal(_Hatching, HorizontalBarChart):  # type: ignore[misc]
    pass


def bar_chart(
    bars: Sequence[tuple[str, int]],
    *,
    width: float,
    height: float,
    horizontal: bool = False,
) -> Drawing:
    """One bar per (label, count), in order; labels already checked for the font's glyphs.

    ``horizontal`` puts the labels on the left (for long category names); otherwise they sit
    under the bars (months).
    """
    fonts.register()
    labels = [label for label, _count in bars]
    counts = [count for _label, count in bars]
    top, step = axis_top(counts)
    values = [top * _HIDDEN_HEIGHT if suppressed(c) else c for c in counts]
    drawing = Drawing(width, height)
    chart = _Horizontal() if horizontal else _Vertical()
    if horizontal:
        room = min(width * 0.45, max(stringWidth(t, fonts.SANS, _LABEL_SIZE) for t in labels) + 8)
        labels = [_fit(t, room - 8) for t in labels]
        chart.x, chart.y = room, 16
        chart.width, chart.height = width - room - 24, height - 22
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dx = -4
        chart.categoryAxis.reverseDirection = 1  # the first bar at the top, as the table reads
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 3
    else:
        chart.x, chart.y = 28, 18
        chart.width, chart.height = width - 34, height - 30
        chart.categoryAxis.labels.boxAnchor = "n"
        chart.categoryAxis.labels.dy = -3
        chart.barLabels.boxAnchor = "s"
        chart.barLabels.dy = 2
    chart.data = [values]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = fonts.SANS
    chart.categoryAxis.labels.fontSize = _LABEL_SIZE
    chart.categoryAxis.strokeColor = _AXIS
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = fonts.SANS
    chart.valueAxis.labels.fontSize = _LABEL_SIZE
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.strokeColor = _AXIS
    chart.barLabelFormat = "values"
    chart.barLabelArray = [[bar_label(c) for c in counts]]
    chart.barLabels.fontName = fonts.SANS
    chart.barLabels.fontSize = _LABEL_SIZE
    chart.bars[0].fillColor = _INK
    chart.bars[0].strokeColor = None
    chart.barSpacing = 2
    chart._hidden_columns = [i for i, c in enumerate(counts) if suppressed(c)]
    for column in chart._hidden_columns:
        chart.bars[(0, column)].fillColor = _HIDDEN_FILL
        chart.bars[(0, column)].strokeColor = _HIDDEN_LINE
        chart.bars[(0, column)].strokeWidth = 0.5
    drawing.add(chart)
    return drawing
