"""The DPO's subject access pages, under /subject-access/ (namespace `subjectaccess`)."""

from django.urls import path

from haven.web.subjectaccess import views

app_name = "subjectaccess"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("<int:pk>/", views.show_view, name="show"),
]
