from django.urls import path

from haven.web.accounts import views
from haven.web.views import personal

app_name = "accounts"

urlpatterns = [
    path("sign-in/", personal(views.SignInView.as_view()), name="sign-in"),
    path("sign-out/", personal(views.SignOutView.as_view()), name="sign-out"),
    path("home/", views.home_view, name="home"),
    path("forces/", views.force_index_view, name="force-index"),
]
