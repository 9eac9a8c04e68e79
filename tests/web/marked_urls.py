"""Views marked as public-portal or personal, as the portal's will be, to test the marks."""

from django.http import HttpResponse
from django.urls import include, path

from haven.web.views import personal, public_portal


@public_portal
def portal_page(request):
    return HttpResponse("a page of the public portal")


@personal
def personal_page(request):
    response = HttpResponse("a page about a person")
    response["Cache-Control"] = "public, max-age=3600"  # the mark overrides the view
    return response


def unmarked_page(request):
    return HttpResponse("public reference data")


urlpatterns = [
    path("portal-page/", portal_page),
    path("personal-page/", personal_page),
    path("unmarked-page/", unmarked_page),
    path("", include("haven.web.urls")),
]
