"""Promise receipts: offered after a report, downloaded, printed and verified (docs/receipts.md)."""

from django.urls import path

from haven.web.receipts import views

app_name = "receipts"

urlpatterns = [
    path("", views.offer_view, name="offer"),
]
