"""The transparency pages' charts, drawn on the server (haven.web.charts). Each page puts
the same numbers in a table beside the chart: the table is what a screen reader reads."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import altair as alt
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from haven.web.charts import chart_svg
from haven.web.transparency.reforms import ReformStep
from haven.web.transparency.selectors import ForceRow

_ROOT_SIZE = re.compile(r'(<svg [^>]*?)width="[0-9.]+" height="[0-9.]+"')


def fluid(svg: SafeString) -> SafeString:
    """The SVG scaled to its column's width (its viewBox keeps the proportions), so a
    narrow screen shrinks the chart instead of scrolling it. Attributes, not a style:
    the pages' content security policy allows no inline style."""
    return mark_safe(_ROOT_SIZE.sub(r'\1width="100%"', svg, count=1))  # noqa: S308 - SVG from chart_svg


def promises_per_force_svg(rows: Sequence[ForceRow]) -> SafeString:
    """The national chart. Drawing it takes vl-convert a good part of a second, so the
    SVG is kept per process for the numbers it shows (and the language of its labels)."""
    bars = tuple((row.force.name, row.promises_held, row.promises_checked) for row in rows)
    return _promises_per_force_svg(bars, get_language() or "")


@lru_cache(maxsize=32)
def _promises_per_force_svg(bars: tuple[tuple[str, int, int], ...], language: str) -> SafeString:
    force_title, held_title = _("Force"), _("Promises held")
    data = alt.Data(values=[{force_title: name, held_title: held} for name, held, _c in bars])
    checked = max((checked for _n, _h, checked in bars), default=0)
    chart = (
        alt.Chart(data)
        .mark_bar(color="#1d70b8")
        .encode(
            x=alt.X(
                f"{held_title}:Q",
                title=_("Promises held, of %(checked)s checked") % {"checked": checked},
                scale=alt.Scale(domain=[0, max(checked, 1)]),
            ),
            y=alt.Y(
                f"{force_title}:N",
                sort=[name for name, _h, _c in bars],
                title=None,
                axis=alt.Axis(labelLimit=260),
            ),
        )
        .properties(width=280, height=alt.Step(18))
        .configure_axis(labelFontSize=12, titleFontSize=12)
    )
    return fluid(chart_svg(chart, label=_("Promises each force's policy holds, by force")))


def reform_steps_svg(steps: Sequence[ReformStep], names: Sequence[str]) -> SafeString:
    """The reforms chart, kept per process like the national one."""
    bars = tuple(
        (name, step.more_protective, step.less_protective, step.not_stated)
        for step, name in zip(steps, names, strict=True)
    )
    return _reform_steps_svg(bars, get_language() or "")


@lru_cache(maxsize=32)
def _reform_steps_svg(bars: tuple[tuple[str, int, int, int], ...], language: str) -> SafeString:
    names = [bar[0] for bar in bars]
    step_title, kind_title, count_title = _("Reform"), _("Kind of change"), _("Situations")
    order = [
        _("Refused now, allowed before"),
        _("Allowed now, refused before"),
        _("Stated by one side only"),
    ]
    values = [
        {step_title: bar[0], kind_title: label, count_title: count}
        for bar in bars
        for label, count in zip(order, bar[1:], strict=True)
    ]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X(f"{count_title}:Q", title=count_title, axis=alt.Axis(format=",d")),
            y=alt.Y(f"{step_title}:N", sort=list(names), title=None, axis=alt.Axis(labelLimit=240)),
            yOffset=alt.YOffset(f"{kind_title}:N", sort=order),
            color=alt.Color(
                f"{kind_title}:N",
                sort=order,
                scale=alt.Scale(domain=order, range=["#00703c", "#d4351c", "#505a5f"]),
                legend=alt.Legend(orient="bottom", title=None, direction="vertical"),
            ),
        )
        .properties(width=260, height=alt.Step(12))
        .configure_axis(labelFontSize=12, titleFontSize=12)
        .configure_legend(labelFontSize=12, labelLimit=300)
    )
    label = _("Situations each reform changed, by kind of change")
    return fluid(chart_svg(chart, label=label))
