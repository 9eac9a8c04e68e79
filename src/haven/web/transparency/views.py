"""The public transparency pages (docs/transparency.md). No sign-in; no personal data."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.views.decorators.http import require_safe

from haven.web.transparency.charts import promises_per_force_svg, reform_steps_svg
from haven.web.transparency.reforms import practice_summary, reform_steps
from haven.web.transparency.selectors import force_by_code, force_page, national_rows


@require_safe
def index_view(request: HttpRequest) -> HttpResponse:
    rows = national_rows()
    return render(
        request,
        "transparency/index.html",
        {
            "rows": rows,
            "chart": promises_per_force_svg(rows),
            "on_shipped": sum(1 for row in rows if row.version_number is None),
            "practice": practice_summary(),
        },
    )


@require_safe
def force_view(request: HttpRequest, code: str) -> HttpResponse:
    force = force_by_code(code)
    if force is None:
        raise Http404("no such force")
    return render(request, "transparency/force.html", {"page": force_page(force=force)})


@require_safe
def reforms_view(request: HttpRequest) -> HttpResponse:
    steps = reform_steps()
    names = [capfirst(step.after_name) for step in steps]
    return render(
        request,
        "transparency/reforms.html",
        {
            "steps": steps,
            "chart": reform_steps_svg(steps, names),
            "practice": practice_summary(),
        },
    )
