"""Public statistics pages and downloads: no sign-in, no personal data (noisy counts only)."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from haven.privacy.statistics import CONFIDENCE, MECHANISM
from haven.web.statistics import selectors
from haven.web.statistics.charts import forces_svg, histogram_svg
from haven.web.statistics.models import Release

PRIVACY_UNIT = (
    "one person within one report: Haven cannot link a person across reports, so a person "
    "named in two reports counts as two"
)


def _context() -> dict:
    return {
        "yearly_epsilon": selectors.yearly_epsilon(),
        "quarter_epsilon": selectors.yearly_epsilon() / 4,
        "bound": selectors.CONTRIBUTION_BOUND,
    }


@require_safe
def index_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "statistics/index.html",
        {**_context(), "quarters": selectors.released_quarters()},
    )


def _releases(quarter: str) -> list[Release]:
    releases = selectors.quarter_releases(quarter=quarter)
    if not releases:
        raise Http404
    return releases


@require_safe
def quarter_view(request: HttpRequest, quarter: str) -> HttpResponse:
    releases = _releases(quarter)
    title = _("Requests to share information with Immigration Enforcement")
    cells = selectors.forces_cells(releases)
    return render(
        request,
        "statistics/quarter.html",
        {
            **_context(),
            "quarter": quarter,
            "releases": releases,
            "national_title": title,
            "national": zip(releases, cells, strict=True),
            "national_svg": forces_svg(cells, title=title, quarter=quarter),
        },
    )


@require_safe
def release_view(request: HttpRequest, quarter: str, force_code: str) -> HttpResponse:
    try:
        release = selectors.force_release(quarter=quarter, force_code=force_code)
    except Release.DoesNotExist:
        raise Http404 from None
    histograms = [
        {
            "histogram": histogram,
            "svg": histogram_svg(histogram, force_name=release.force.name, quarter=quarter),
        }
        for histogram in selectors.release_histograms(release)
    ]
    budget = selectors.budget_for(force=release.force, year=release.year)
    return render(
        request,
        "statistics/release.html",
        {
            **_context(),
            "quarter": quarter,
            "release": release,
            "histograms": histograms,
            "budget": budget,
        },
    )


def _rows(releases: list[Release]) -> list[dict]:
    return [
        {
            "force": release.force.code,
            "dimension": cell.dimension,
            "category": cell.key.split(":", 1)[1],
            "count": cell.count,
            "noisy": cell.noisy,
            "low": cell.low,
            "high": cell.high,
        }
        for release in releases
        for cell in selectors.release_cells(release)
    ]


@require_safe
def quarter_download_view(request: HttpRequest, quarter: str, fmt: str) -> HttpResponse:
    """Every force's counts for `quarter`, as CSV (one row a count) or JSON."""
    releases = _releases(quarter)
    filename = f"haven-statistics-{quarter}.{fmt}"
    if fmt == "json":
        response: HttpResponse = JsonResponse(
            {
                "quarter": quarter,
                "privacy_unit": PRIVACY_UNIT,
                "mechanism": MECHANISM,
                "confidence": str(CONFIDENCE),
                "note": (
                    "count is the noisy count shown as 0 when the noise made it negative; "
                    "noisy is the count as drawn; low and high bound the 95% noise interval"
                ),
                "releases": [
                    {
                        "force": release.force.code,
                        "epsilon": str(release.epsilon),
                        "mechanism": release.mechanism,
                        "scale": release.scale,
                        "contribution_bound": release.contribution_bound,
                        "interval_95": release.interval,
                        "key_set": release.key_set,
                        "released_at": release.released_at.isoformat(),
                        "counts": [
                            {k: v for k, v in row.items() if k != "force"}
                            for row in _rows([release])
                        ],
                    }
                    for release in releases
                ],
            },
            json_dumps_params={"indent": 1},
        )
    else:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            [
                "quarter",
                "force",
                "dimension",
                "category",
                "count",
                "noisy",
                "low_95",
                "high_95",
                "epsilon",
                "mechanism",
                "scale",
                "key_set",
            ]
        )
        by_force = {release.force.code: release for release in releases}
        for row in _rows(releases):
            release = by_force[row["force"]]
            writer.writerow(
                [
                    quarter,
                    row["force"],
                    row["dimension"],
                    row["category"],
                    row["count"],
                    row["noisy"],
                    row["low"],
                    row["high"],
                    release.epsilon,
                    release.mechanism,
                    release.scale,
                    release.key_set,
                ]
            )
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
