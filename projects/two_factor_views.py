"""The account page and the second factor's pages: set up, answer, remove."""

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from projects import two_factor


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20, strip=True,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                         "inputmode": "numeric"}),
                           error_messages={"required": _("Enter the code.")})


@login_required
def account(request):
    return render(request, "registration/account.html", {
        "may_use_two_factor": two_factor.may_use_two_factor(request.user),
        "has_two_factor": two_factor.has_two_factor(request.user),
    })


@login_required
def setup(request):
    user = request.user
    if not (two_factor.may_use_two_factor(user) or two_factor.has_two_factor(user)):
        raise PermissionDenied
    device = two_factor.pending_device(user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        codes = two_factor.confirm_device(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(request, "registration/two_factor_codes.html", {
                "codes": codes, "next": two_factor.safe_next(request, reverse("account"))})
        form.add_error("code", _("The code is not right. Enter the six digits your app "
                                 "shows now."))
    secret = device.config_url.split("secret=")[1].split("&")[0]
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=4, title=str(_("QR code for the authenticator app")))
    return render(request, "registration/two_factor_setup.html", {
        "form": form, "qr": qr, "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "next": request.GET.get("next", ""),
    }, status=400 if form.errors else 200)


@login_required
def verify(request):
    if two_factor.is_verified(request):
        return redirect(two_factor.safe_next(request, reverse("reports:mine")))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if two_factor.verify(request, form.cleaned_data["code"]):
            return redirect(two_factor.safe_next(request, reverse("reports:mine")))
        form.add_error("code", _("The code is not right, or it was already used. Enter the "
                                 "code your app shows now, or one of your recovery codes."))
    return render(request, "registration/two_factor_verify.html", {
        "form": form, "next": request.GET.get("next") or request.POST.get("next", "")},
        status=400 if form.errors else 200)


@require_POST
@login_required
def remove(request):
    if two_factor.required_for_admin(request.user):
        raise PermissionDenied  # an administrator keeps the second factor
    two_factor.remove(request.user)
    return redirect("account")
