"""Sign in (password, then a second factor), sign out and the signed-in home page."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from haven.web.accounts import second_factor
from haven.web.accounts.forms import CodeForm, SignInForm
from haven.web.accounts.selectors import force_list, user_access


class SignInView(auth_views.LoginView):
    """The first step: the password. It signs nobody in; the second step does."""

    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:
        user = form.get_user()
        second_factor.begin(self.request, user, self.get_success_url())
        if second_factor.has_device(user):
            return redirect("accounts:sign-in-code")
        return redirect("accounts:sign-in-set-up")


_WRONG_CODE = _("That code did not work. Check it and try again.")


def _wait_message(seconds: int) -> str:
    return ngettext(
        "A wrong code was entered a moment ago, so no code is checked for %(seconds)d "
        "second. Wait, then enter the code your app shows.",
        "A wrong code was entered a moment ago, so no code is checked for %(seconds)d "
        "seconds. Wait, then enter the code your app shows.",
        seconds,
    ) % {"seconds": seconds}


@require_http_methods(["GET", "POST"])
def sign_in_code_view(request: HttpRequest) -> HttpResponse:
    """The second step for someone with an authenticator app (or a recovery code)."""
    state = second_factor.pending(request)
    if state is None:
        return redirect("accounts:sign-in")
    if not second_factor.has_device(state.user):
        return redirect("accounts:sign-in-set-up")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        wait = second_factor.seconds_to_wait(state.user, code)
        if wait:
            form.add_error("code", _wait_message(wait))
        else:
            device = second_factor.verify(state.user, code)
            if device is not None:
                return HttpResponseRedirect(second_factor.finish(request, state, device))
            form.add_error("code", _WRONG_CODE)
    return render(request, "accounts/sign_in_code.html", {"form": form})


@require_http_methods(["GET", "POST"])
def sign_in_set_up_view(request: HttpRequest) -> HttpResponse:
    """The second step for someone with no authenticator yet: add Haven to an app."""
    state = second_factor.pending(request)
    if state is None:
        return redirect("accounts:sign-in")
    if second_factor.has_device(state.user):
        return redirect("accounts:sign-in-code")
    device = second_factor.unconfirmed_device(state.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = "".join(form.cleaned_data["code"].split())
        if code.isdigit() and device.verify_token(code):
            codes = second_factor.confirm(device)
            next_url = second_factor.finish(request, state, device)
            request.session[second_factor.RECOVERY_CODES_KEY] = codes
            request.session["haven_after_recovery_codes"] = next_url
            return redirect("accounts:recovery-codes")
        form.add_error("code", _WRONG_CODE)
    return render(
        request,
        "accounts/sign_in_set_up.html",
        {
            "form": form,
            "qr_code": second_factor.qr_code_data_uri(device),
            "secret": second_factor.secret_text(device),
        },
    )


@login_required
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once: the session forgets them as this page is made."""
    codes = request.session.pop(second_factor.RECOVERY_CODES_KEY, None)
    next_url = request.session.pop("haven_after_recovery_codes", None)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next_url": next_url or reverse("accounts:home")},
    )


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
    return render(request, "forces/index.html", {"forces": force_list()})
