"""The outbound package as a document: HTML for the PDF, and the PDF itself (weasyprint).

The document is rendered from the package alone (the dict `services.package_build`
returns), so it can hold nothing the package does not. weasyprint is given no base URL
and a fetcher that refuses every URL: a package never loads anything from anywhere.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from haven.policy.obligations import describe_obligation
from haven.web.sharing.labels import concern_label, label_of
from haven.web.sharing.models import Action, Purpose, Recipient
from haven.web.sharing.packages import FIELD_LABELS


def package_html(package: dict[str, Any]) -> str:
    """The package as a self-contained HTML page (what the PDF is printed from)."""
    values = dict(package["fields"])
    if "status_concern" in values:
        values["status_concern"] = concern_label(values["status_concern"])
    return render_to_string(
        "sharing/package.html",
        {
            "package": package,
            "action": label_of(Action, package["action"]),
            "recipient": label_of(Recipient, package["recipient"]),
            "purpose": label_of(Purpose, package["purpose"]),
            "duties": [describe_obligation(duty) for duty in package["duties"]],
            "fields": [(FIELD_LABELS[name], value) for name, value in values.items()],
        },
    )


def package_pdf(package: dict[str, Any]) -> bytes:
    """The package as a PDF."""
    return pdf_from_html(package_html(package))


def pdf_from_html(html: str) -> bytes:
    """Print `html` as a PDF with no base URL and a fetcher that refuses every URL, so a
    document that leaves Haven loads nothing from anywhere while it is printed."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class FetchNothing(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError("a document printed by Haven loads nothing")

    return HTML(string=html, base_url=None, url_fetcher=FetchNothing()).write_pdf()
