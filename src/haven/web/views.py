"""Site-wide pages (the start page, the health check, the error pages) and the rules
every response follows (the middleware at the end of this module)."""

from __future__ import annotations

from collections.abc import Callable

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


class HeadWithoutBodyMiddleware:
    """A response to HEAD carries the headers of the GET response and no body.

    Django leaves this to the web server, and not every server does it (waitress sent
    the whole page). Outermost in `MIDDLEWARE`, so it sees every response, static files
    included. The `Content-Length` a GET would carry stays, as RFC 9110 allows.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "HEAD":
            if response.streaming:
                # The original iterator's file is still closed by response.close().
                response.streaming_content = []
            else:
                response.content = b""
        return response
