"""Promise receipt pages (thin: the work is in services.py and selectors.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from haven.web.views import public_portal


@public_portal
def offer_view(request: HttpRequest) -> HttpResponse:
    return render(request, "receipts/offer.html")
