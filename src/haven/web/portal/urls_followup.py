"""The portal's followup pages (names in the `portal` namespace)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
