from django.urls import path

from haven.web.accounts import views
from haven.web.views import personal

app_name = "accounts"

urlpatterns = [
    path("sign-in/", personal(views.SignInView.as_view()), name="sign-in"),
    path("sign-in/code/", personal(views.sign_in_code_view), name="sign-in-code"),
    path("sign-in/set-up/", personal(views.sign_in_set_up_view), name="sign-in-set-up"),
    path("sign-in/recovery-codes/", personal(views.recovery_codes_view), name="recovery-codes"),
    path("sign-out/", personal(views.SignOutView.as_view()), name="sign-out"),
    path("home/", views.home_view, name="home"),
    path("forces/", views.force_index_view, name="force-index"),
]
