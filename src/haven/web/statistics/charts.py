"""Releases as server-side SVG charts (haven.web.charts): a bar for each published count,
with its 95 % noise interval drawn as a line across it; the page puts the same numbers
in a table beside the chart."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from haven.web.charts import chart_svg
from haven.web.statistics.selectors import ForceCell, Histogram


def _bars(rows: Sequence[tuple[str, int, int, int]], *, label: str) -> SafeString:
    """`rows` are (category, count, low, high), drawn top to bottom in their order."""
    count_title = _("Count (the line is the 95% noise interval)")
    category_title = _("Category")
    values = [
        {category_title: category, count_title: count, "low": low, "high": high}
        for category, count, low, high in rows
    ]
    data = alt.Data(values=values)
    y = alt.Y(
        f"{category_title}:N",
        sort=[row[0] for row in rows],
        title=None,
        axis=alt.Axis(labelLimit=150),
    )
    bars = (
        alt.Chart(data)
        .mark_bar(color="#1d70b8")
        .encode(x=alt.X(f"{count_title}:Q", title=count_title), y=y)
    )
    interval = (
        alt.Chart(data)
        .mark_rule(color="#0b0c0c", strokeWidth=2)
        .encode(x=alt.X("low:Q", title=count_title), x2="high:Q", y=y)
    )
    return chart_svg((bars + interval).properties(width=200, height=alt.Step(22)), label=label)


def histogram_svg(histogram: Histogram, *, force_name: str, quarter: str) -> SafeString:
    """One histogram of one force's release."""
    label = _("%(title)s, %(force)s, %(quarter)s, with 95%% noise intervals") % {
        "title": histogram.dimension.title,
        "force": force_name,
        "quarter": quarter,
    }
    return _bars(
        [(str(cell.category), cell.count, cell.low, cell.high) for cell in histogram.cells],
        label=label,
    )


def forces_svg(cells: Sequence[ForceCell], *, title: str, quarter: str) -> SafeString:
    """One category across every force of a quarter."""
    label = _("%(title)s, every force, %(quarter)s, with 95%% noise intervals") % {
        "title": title,
        "quarter": quarter,
    }
    return _bars([(c.force_name, c.count, c.low, c.high) for c in cells], label=label)
