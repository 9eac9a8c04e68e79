"""The v1 API: routers, errors as JSON with a `detail`, and OpenAPI 3.

No interactive docs page: it loads scripts from a CDN, which the CSP forbids; the
schema is at `/api/v1/openapi.json`.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from haven.web.api.reports import router as reports_router
from haven.web.api.requests import router as requests_router
from haven.web.ledger.api import router as ledger_router
from haven.web.refusal_line import refusal_line

api = NinjaAPI(
    title="Haven API",
    version="1",
    description=(
        "Reports, decision requests, approvals and ledger proofs. Sign in to the console "
        "(session, with the CSRF token for unsafe methods), or send a force's API token "
        "as `Authorization: Bearer hvn_…`. See docs/api.md."
    ),
    urls_namespace="api-v1",
    docs_url=None,
)
api.add_router("/ledger/", ledger_router)
api.add_router("/reports/", reports_router)
api.add_router("/requests/", requests_router)


def _where(location: tuple | list) -> str:
    """The parameter an error is about, as the caller spells it (`page`, `payload.reason`
    becomes `reason`): never ninja's internal path."""
    parts = [str(part) for part in location if part not in ("query", "path", "body", "payload")]
    return ".".join(parts) or "request"


def _body_is_not_an_object(request: HttpRequest) -> bool:
    """No body, or a JSON body that parses but is not an object (`[1, 2]`, `"text"`):
    ninja would report the body itself, or every field, missing, which hides the real
    mistake."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    if not request.body:
        return True
    try:
        return not isinstance(json.loads(request.body), dict)
    except ValueError:
        return False  # not JSON at all: ninja's own message says so


@api.exception_handler(NinjaValidationError)
def invalid_input(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    if _body_is_not_an_object(request):
        return api.create_response(
            request, {"detail": "The body must be a JSON object of the fields."}, status=400
        )
    problems = [
        f"{_where(item.get('loc', ()))}: {item.get('msg', 'is not valid')}" for item in error.errors
    ]
    return api.create_response(
        request, {"detail": "; ".join(problems) or "Invalid input."}, status=400
    )


@api.exception_handler(DjangoValidationError)
def refused_input(request: HttpRequest, error: DjangoValidationError) -> HttpResponse:
    detail = refusal_line(error, lambda field, text: f"{field}: {text}")
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(error) or "Not allowed."}, status=403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": "Sign in to the console, or send an API token as "
            "'Authorization: Bearer hvn_…'."
        },
        status=401,
    )
