"""Charts drawn on the server as SVG (Vega-Altair, rendered by vl-convert).

A page embeds the SVG inline, so it needs no script and makes no request to another
site; every chart is shown beside a table of the same numbers (the table is the
accessible version, the chart a picture of it). vl-convert takes about half a second
the first time in a process, then milliseconds.
"""

from __future__ import annotations

import altair as alt
import vl_convert
from django.utils.safestring import SafeString, mark_safe


def chart_svg(chart: alt.TopLevelMixin, *, label: str) -> SafeString:
    """`chart` as an inline SVG element named `label` for screen readers.

    The SVG comes from vl-convert, not from user input; the data it draws is escaped by
    the renderer, so it is safe to embed as it is.
    """
    svg = vl_convert.vegalite_to_svg(chart.properties(description=label).to_json())
    # The table beside the chart carries the numbers; the picture is named, not read.
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_attribute(label)}" ', 1)
    return mark_safe(svg)  # noqa: S308 - rendered by vl-convert from data it escapes


def _attribute(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )
