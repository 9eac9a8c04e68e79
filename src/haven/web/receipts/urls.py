"""Promise receipts: offered after a report, downloaded, printed and verified (docs/receipts.md)."""

from django.urls import path

from haven.web.receipts import views

app_name = "receipts"

urlpatterns = [
    path("", views.offer_view, name="offer"),
    path("download", views.download_view, name="download"),
    path("print", views.print_view, name="print"),
    path("verify", views.verify_view, name="verify"),
    path("key", views.key_view, name="key"),
]
