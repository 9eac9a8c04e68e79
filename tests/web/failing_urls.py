"""A URL configuration with a view that fails, to test the error page."""

from django.urls import include, path


def broken_view(request):
    raise RuntimeError("secret detail that must never reach the page")


urlpatterns = [path("broken/", broken_view), path("", include("haven.web.urls"))]

handler500 = "haven.web.views.server_error_view"
