"""Charts are inline SVG, named for screen readers, with their data escaped."""

from __future__ import annotations

import altair as alt

from haven.web.charts import chart_svg


def test_a_chart_is_a_named_svg_that_escapes_its_data():
    data = alt.Data(values=[{"force": "<script>alert(1)</script>", "count": 3}])
    chart = alt.Chart(data).mark_bar().encode(x="force:N", y="count:Q")

    svg = chart_svg(chart, label='Requests "by" force')

    assert svg.startswith('<svg role="img" aria-label="Requests &quot;by&quot; force" ')
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
