"""The portal's information pages (names in the `portal` namespace)."""

from django.urls import path

from haven.web.portal import views_information as views

urlpatterns = [
    path("", views.information_index_view, name="information-index"),
    path("<slug:code>/", views.information_force_view, name="information-force"),
]
