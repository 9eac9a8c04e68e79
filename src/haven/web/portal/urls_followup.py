"""The portal's follow-up pages, under /report/follow-up/ (names in the `portal` namespace)."""

from django.urls import path

from haven.web.portal import views_followup as views

urlpatterns = [
    path("", views.followup_start_view, name="followup-start"),
    path("report", views.followup_show_view, name="followup-show"),
    path("message", views.followup_message_view, name="followup-message"),
    path("new-code", views.followup_code_replace_view, name="followup-code-replace"),
    path("withdraw-consent", views.followup_consent_revoke_view, name="followup-consent-revoke"),
    path("copy", views.followup_copy_view, name="followup-copy"),
    path("copy/<int:pk>/answer", views.followup_copy_download_view, name="followup-copy-download"),
    path("sign-out", views.followup_sign_out_view, name="followup-sign-out"),
    path("advocate/", views.advocate_index_view, name="followup-advocate-index"),
    path("advocate/<str:reference>/", views.advocate_show_view, name="followup-advocate-show"),
    path(
        "advocate/<str:reference>/message",
        views.advocate_message_view,
        name="followup-advocate-message",
    ),
    path("advocate/<str:reference>/copy", views.advocate_copy_view, name="followup-advocate-copy"),
    path(
        "advocate/<str:reference>/copy/<int:pk>/answer",
        views.advocate_copy_download_view,
        name="followup-advocate-copy-download",
    ),
    path(
        "advocate/<str:reference>/new-code",
        views.advocate_code_replace_view,
        name="followup-advocate-code-replace",
    ),
]
