from django.urls import path

from haven.web.governance import views

app_name = "governance"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("<slug:code>/new/", views.create_view, name="create"),
    path("<slug:code>/rollback/", views.rollback_view, name="rollback"),
    path("<slug:code>/<int:number>/", views.version_view, name="version"),
    path("<slug:code>/<int:number>/edit/", views.edit_view, name="edit"),
    path("<slug:code>/<int:number>/sign-off/", views.sign_off_view, name="sign-off"),
    path("<slug:code>/<int:number>/approve/", views.approve_view, name="approve"),
    path("<slug:code>/<int:number>/withdraw/", views.withdraw_view, name="withdraw"),
    path("<slug:code>/<int:number>/impact/", views.impact_view, name="impact"),
]
