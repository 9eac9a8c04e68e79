from django.urls import path

from haven.web.sharing import views

app_name = "sharing"

urlpatterns = [
    path("", views.request_list_view, name="requests"),
    path("approvals/", views.approvals_view, name="approvals"),
    path("approvals/<int:pk>/", views.approval_view, name="approval"),
    path("new/<str:reference>/", views.request_new_view, name="request-new"),
    path("sealed/<str:reference>/", views.sealed_note_view, name="sealed-note"),
    path("<int:pk>/", views.request_show_view, name="request-show"),
    path("<int:pk>/referral", views.request_referral_view, name="request-referral"),
    path("<int:pk>/withdraw", views.request_withdraw_view, name="request-withdraw"),
    path(
        "<int:pk>/package.<str:file_format>",
        views.request_package_view,
        name="request-package",
    ),
]
