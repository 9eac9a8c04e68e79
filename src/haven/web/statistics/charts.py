"""A release's histograms as server-side SVG charts (haven.web.charts), each with its 95 %
noise interval drawn as a line across its bar; the page puts the same numbers in a table."""

from __future__ import annotations

import altair as alt
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from haven.web.charts import chart_svg
from haven.web.statistics.selectors import Histogram


def histogram_svg(histogram: Histogram, *, force_name: str, quarter: str) -> SafeString:
    count_title = _("Count (the line is the 95% noise interval)")
    category_title = _("Category")
    rows = [
        {
            category_title: str(cell.category),
            count_title: cell.count,
            "low": cell.low,
            "high": cell.high,
        }
        for cell in histogram.cells
    ]
    data = alt.Data(values=rows)
    order = [row[category_title] for row in rows]
    y = alt.Y(f"{category_title}:N", sort=order, title=None, axis=alt.Axis(labelLimit=150))
    bars = (
        alt.Chart(data)
        .mark_bar(color="#1d70b8")
        .encode(x=alt.X(f"{count_title}:Q", title=count_title), y=y)
    )
    interval = (
        alt.Chart(data)
        .mark_rule(color="#0b0c0c", strokeWidth=2)
        .encode(
            x=alt.X("low:Q", title=count_title),
            x2="high:Q",
            y=y,
        )
    )
    chart = (bars + interval).properties(width=200, height=alt.Step(22))
    label = _("%(title)s, %(force)s, %(quarter)s, with 95%% noise intervals") % {
        "title": histogram.dimension.title,
        "force": force_name,
        "quarter": quarter,
    }
    return chart_svg(chart, label=label)
