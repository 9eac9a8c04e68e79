from django.urls import include, path
from django.views.generic import RedirectView

from haven.web import views
from haven.web.api import api
from haven.web.api.legacy import legacy_redirect

urlpatterns = [
    path("", views.start_view, name="start"),
    path("healthz", views.health_view, name="health"),
    path("", include("haven.web.accounts.urls")),
    path("report/", include("haven.web.portal.urls")),
    path("receipts/", include("haven.web.receipts.urls")),
    # The console has no page of its own: its pages are listed on the user's home page.
    path("console/", RedirectView.as_view(pattern_name="accounts:home"), name="console"),
    path("console/reports/", include("haven.web.reporting.urls")),
    path("console/requests/", include("haven.web.sharing.urls")),
    path("transparency/log/", include("haven.web.ledger.urls")),
    path("transparency/", include("haven.web.transparency.urls")),
    path("oversight/", include("haven.web.oversight.urls")),
    path("governance/", include("haven.web.governance.urls")),
    path("statistics/", include("haven.web.statistics.urls")),
    path("subject-access/", include("haven.web.subjectaccess.urls")),
    path("api/v1/", api.urls),
    # The paths before v1 (the ledger's proofs): 308 to their /api/v1/ twins.
    path("api/ledger/<path:rest>", legacy_redirect, {"area": "ledger/"}),
    path("api/openapi.json", legacy_redirect, {"area": "", "rest": "openapi.json"}),
]

handler400 = "haven.web.views.bad_request_view"
handler403 = "haven.web.views.permission_denied_view"
handler404 = "haven.web.views.not_found_view"
handler500 = "haven.web.views.server_error_view"
