"""Site-wide pages: the start page, the health check and the error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def start_view(request: HttpRequest) -> HttpResponse:
    return render(request, "start.html")


def health_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def bad_request_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def permission_denied_view(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def not_found_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error_view(request: HttpRequest) -> HttpResponse:
    # No context processors beyond the request: the failure may lie in any of them.
    return render(request, "errors/500.html", status=500)


def csrf_failure_view(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/403_csrf.html", status=403)
