"""Promise receipt pages (thin: the work is in services.py and selectors.py).

- `/receipts/` offers a receipt for the report this browser has just submitted or is
  following up, and never pushes it: the page warns first, the reporter chooses.
- `/receipts/download` and `/receipts/print` (POST, so no link prefetch or crawler
  issues one) sign a receipt and record its `receipt_issued` event.
- `/receipts/verify` checks an uploaded receipt against this site's keys.
- `/receipts/key` publishes the receipt key's verifier key.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from haven.ledger.receipts import MAX_RECEIPT_BYTES, Receipt, ReceiptError, VerifiedReceipt
from haven.web.receipts.keys import receipt_vkey
from haven.web.receipts.selectors import (
    covering_checkpoint,
    receipt_report,
    report_received_entry,
    site_receipt_verify,
)
from haven.web.receipts.services import IssuedReceipt, ReceiptNotReadyError, receipt_issue
from haven.web.reporting.models import Report
from haven.web.views import public_portal

CHECK_LABELS = {
    "format": gettext_lazy("The file is a promise receipt and has not been changed in form"),
    "signature": gettext_lazy("The receipt was signed by this site's receipt key"),
    "checkpoint": gettext_lazy("The public log record in it was signed by this site's log key"),
    "coverage": gettext_lazy("That public log record includes the report"),
    "inclusion": gettext_lazy("The proof that the report is in the public log is correct"),
    "opening": gettext_lazy("The report's hidden log entry opens with the details in the receipt"),
    "event": gettext_lazy("The log entry is the arrival of this receipt's report at this force"),
}
"""Each check of `haven.ledger.receipts.CHECKS`, in plain words for the verify page."""


def _ready(report: Report) -> bool:
    entry = report_received_entry(report=report)
    return entry is not None and covering_checkpoint(position=entry.position) is not None


@public_portal
@require_safe
def offer_view(request: HttpRequest) -> HttpResponse:
    report = receipt_report(request)
    if report is None:
        return render(request, "receipts/no_report.html")
    return render(request, "receipts/offer.html", {"ready": _ready(report)})


def _issue(request: HttpRequest) -> IssuedReceipt | HttpResponse:
    report = receipt_report(request)
    if report is None:
        return render(request, "receipts/no_report.html")
    try:
        return receipt_issue(report=report)
    except ReceiptNotReadyError:
        return redirect("receipts:offer")


@public_portal
@require_POST
def download_view(request: HttpRequest) -> HttpResponse:
    issued = _issue(request)
    if isinstance(issued, HttpResponse):
        return issued
    response = HttpResponse(issued.data, content_type="application/json")
    day = issued.receipt.issued_at[:10]
    response["Content-Disposition"] = f'attachment; filename="promise-receipt-{day}.json"'
    response["Cache-Control"] = "no-store"  # NoStoreMiddleware says so too; this is a file
    return response


@public_portal
@require_POST
def print_view(request: HttpRequest) -> HttpResponse:
    issued = _issue(request)
    if isinstance(issued, HttpResponse):
        return issued
    return render(
        request,
        "receipts/print.html",
        {
            "receipt": issued.receipt,
            "issued": issued.receipt.issued,
            "received": _received(issued.receipt),
            "receipt_json": issued.data.decode("utf-8"),
        },
    )


def _received(receipt: Receipt) -> datetime:
    return datetime.fromisoformat(json.loads(receipt.entry.event)["at"])


@public_portal
@require_http_methods(["GET", "HEAD", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "receipts/verify.html", {})
    upload = request.FILES.get("receipt")
    if upload is None:
        return _verify_error(request, gettext("Select a promise receipt file"))
    if upload.size is None or upload.size > MAX_RECEIPT_BYTES:
        return _verify_error(
            request,
            gettext("The file must be smaller than %(size)d KB: a promise receipt is smaller")
            % {"size": MAX_RECEIPT_BYTES // 1024},
        )
    data = upload.read(MAX_RECEIPT_BYTES + 1)
    try:
        verified = site_receipt_verify(data)
    except ReceiptError as error:
        return render(
            request,
            "receipts/verify_result.html",
            {"failed": CHECK_LABELS[error.check], "check": error.check, "reason": str(error)},
        )
    return render(request, "receipts/verify_result.html", _verified_context(verified))


def _verify_error(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "receipts/verify.html", {"error": message}, status=400)


def _verified_context(verified: VerifiedReceipt) -> dict:
    return {
        "verified": verified,
        "receipt": verified.receipt,
        "issued": verified.receipt.issued,
        "received": verified.received_at,
        "checks": list(CHECK_LABELS.values()),
    }


@require_safe
def key_view(request: HttpRequest) -> HttpResponse:
    """The receipt key's verifier key, to pin for `haven receipt verify --receipt-key`."""
    return HttpResponse(receipt_vkey() + "\n", content_type="text/plain; charset=utf-8")
