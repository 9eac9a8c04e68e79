"""The plain form: Django's own CSRF and session, one insert, then a redirect.

What every ordinary Django form pays, and nothing more: the yardstick bench/portal.py
holds the portal's submission against.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from haven.web.benchpeer.models import PlainSubmission

SESSION_KEY = "benchpeer_submitted"


class PlainForm(forms.Form):
    text = forms.CharField(max_length=5_000, widget=forms.Textarea)


def plain_form_view(request: HttpRequest) -> HttpResponse:
    form = PlainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        submission = PlainSubmission.objects.create(text=form.cleaned_data["text"])
        request.session[SESSION_KEY] = submission.pk
        return redirect("benchpeer:done")
    return render(request, "benchpeer/form.html", {"form": form})


def plain_done_view(request: HttpRequest) -> HttpResponse:
    return render(request, "benchpeer/done.html", {"number": request.session.get(SESSION_KEY)})
