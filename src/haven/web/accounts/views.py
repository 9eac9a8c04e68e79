"""Sign in, sign out and the signed-in home page."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from haven.web.accounts.forms import SignInForm
from haven.web.accounts.selectors import force_list, user_access


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Signing out is a POST (a link or an image must not sign anyone out); a GET, such
    as a typed or bookmarked address, gets a page with the button instead of a 405."""

    http_method_names = ["get", "post", "options"]
    template_name = "accounts/sign_out.html"

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        return render(request, self.template_name)


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html", {"access": user_access(user=request.user)})


def force_index_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/force/index.html", {"forces": force_list()})
