"""Site-wide pages (the start page, the health check, the error pages) and the rules
every response follows (the middleware at the end of this module)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

View = TypeVar("View", bound=Callable[..., Any])
_NO_STORE = "haven_no_store"


def personal(view: View) -> View:
    """Mark a view whose pages show personal data: its responses say `no-store`.

    Every signed-in page is `no-store` already (`NoStoreMiddleware`); the mark is for
    pages that show personal data to someone who is not signed in.
    """
    setattr(view, _NO_STORE, True)
    return view


def public_portal(view: View) -> View:
    """Mark a page of the public portal: its responses say `no-store`.

    A reporter may use a shared or watched computer; nothing they saw or typed may be
    kept by the browser, a proxy or the back button's cache.
    """
    setattr(view, _NO_STORE, True)
    return view


@public_portal
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


class MethodNotAllowedPageMiddleware:
    """A page for a 405 that has none.

    `require_http_methods` answers a method a view does not take with no body, which a
    browser shows as a blank page: someone who opens the address of a form's button
    from a bookmark or their history would see nothing. The status and the `Allow`
    header stay; an answer that has a body of its own (the JSON API's) is left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming or response.content:
            return response
        page = render(request, "errors/405.html", status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every signed-in page and every marked view.

    Marked views are those decorated with `personal` or `public_portal`. The header
    replaces whatever caching the view asked for: signed-in staff see personal data on
    any page, so nothing they are shown is kept.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or getattr(request, _NO_STORE, False):
            response["Cache-Control"] = "no-store"
            if "Expires" in response:
                del response["Expires"]
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> None:
        if getattr(view_func, _NO_STORE, False):
            setattr(request, _NO_STORE, True)
