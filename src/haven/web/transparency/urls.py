from django.urls import path

from haven.web.transparency import views

app_name = "transparency"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("forces/<slug:code>/", views.force_view, name="force"),
    path("reforms/", views.reforms_view, name="reforms"),
]
