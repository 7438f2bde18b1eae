"""Invitations: the manager's page (invite, resend, withdraw) and the invitee's link."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import Invitation, Membership
from projects.tasks import send_account_email
from workpackages import invitations
from workpackages.models import Subproject
from workspace.access import managed_project_or_404


class InvitationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    email = forms.EmailField(label=gettext_lazy("E-mail"), max_length=150)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Invitation.ROLE_CHOICES[:3])
    subprojects = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Subprojects the coordinator reports"), required=False,
        queryset=Subproject.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subprojects"].queryset = Subproject.objects.filter(project=project).order_by(
            "code_sort")
        self.fields["subprojects"].label_from_instance = lambda s: f"{s.code} {s.name}"


def _send(request, invitation, token) -> None:
    link = request.build_absolute_uri(reverse("invitation_accept", args=[token]))
    context = {"invitation": invitation, "link": link, "inviter": request.user}
    subject = "".join(render_to_string("workspace/invitation_subject.txt", context).splitlines())
    send_account_email.delay(subject, render_to_string("workspace/invitation_email.txt", context),
                             invitation.email)


class NationalInvitationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    email = forms.EmailField(label=gettext_lazy("E-mail"), max_length=150)


def _invitation_actions(request, project, form, create):
    """The POST of an invitations page: invite (through `create(form)`), resend or withdraw.
    A redirect when done, else None (the form then says why)."""
    action = request.POST.get("action")
    try:
        if action == "invite":
            if form.is_valid():
                invitation, token = create(form.cleaned_data)
                _send(request, invitation, token)
                messages.success(request, _("An invitation was sent to %(email)s.") % {
                    "email": invitation.email})
                return redirect(request.path)
        elif action in ("resend", "withdraw"):
            pk = request.POST.get("invitation", "")
            invitation = get_object_or_404(Invitation, project=project,
                                           pk=int(pk) if pk.isdigit() else 0)
            if action == "resend":
                _send(request, invitation, invitations.invitation_resend(invitation=invitation))
                messages.success(request, _("The invitation was sent again to %(email)s; the "
                                            "earlier link no longer works.") % {
                    "email": invitation.email})
            else:
                invitations.invitation_withdraw(invitation=invitation)
                messages.success(request, _("The invitation of %(email)s was withdrawn.") % {
                    "email": invitation.email})
            return redirect(request.path)
    except ValidationError as refusal:
        form.add_error(None, refusal)
    return None


def invitations_page(request, pk):
    """A manager invites people to the project's roles."""
    project = managed_project_or_404(request, pk)
    form = InvitationForm(request.POST if request.POST.get("action") == "invite" else None,
                          project=project)
    if request.method == "POST":
        done = _invitation_actions(request, project, form, lambda data: invitations.invitation_create(
            project=project, email=data["email"], name=data["name"], role=data["role"],
            subprojects=data["subprojects"], by=request.user))
        if done:
            return done
    return render(request, "workspace/invitations.html", {
        "project": project, "form": form,
        "invitations": project.invitations.select_related("invited_by").order_by("-created_at"),
    }, status=400 if request.method == "POST" else 200)


def national_invitations_page(request):
    """An administrator invites national viewers (STM, THL): they read every project's
    published data."""
    if not request.user.is_superuser:
        raise PermissionDenied
    form = NationalInvitationForm(request.POST if request.POST.get("action") == "invite" else None)
    if request.method == "POST":
        done = _invitation_actions(request, None, form, lambda data: invitations.invitation_create(
            project=None, email=data["email"], name=data["name"], role=Invitation.NATIONAL,
            by=request.user))
        if done:
            return done
    return render(request, "workspace/national_invitations.html", {
        "form": form,
        "invitations": Invitation.objects.filter(project=None).select_related("invited_by"),
    }, status=400 if request.method == "POST" else 200)


def invitation_accept(request, token):
    invitation = invitations.invitation_for_token(token)
    reason = invitations.refusal(invitation)
    if reason:
        return render(request, "workspace/invitation_accept.html", {"refusal": reason}, status=410)
    signed_in = request.user.is_authenticated
    form = None if signed_in else SetPasswordForm(user=None, data=request.POST or None)
    if request.method == "POST" and (signed_in or form.is_valid()):
        try:
            user = invitations.invitation_accept(
                invitation=invitation, user=request.user if signed_in else None,
                password=None if signed_in else form.cleaned_data["new_password1"])
        except ValidationError as refusal:
            reason = " ".join(refusal.messages)
        else:
            if not signed_in:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to sote-portal. You now have the role %(role)s.")
                             % {"role": invitation.get_role_display()})
            return redirect(_landing(invitation))
    return render(request, "workspace/invitation_accept.html", {
        "invitation": invitation, "form": form, "error": reason,
    }, status=400 if reason or (form is not None and form.errors) else 200)


def _landing(invitation) -> str:
    if invitation.role == Membership.Role.MANAGER:
        return reverse("reports:review", args=[invitation.project_id])
    if invitation.role == Membership.Role.STEERING:
        return reverse("dashboards:project", args=[invitation.project_id])
    if invitation.role == Invitation.NATIONAL:
        return reverse("dashboards:national")
    return reverse("reports:mine")


urlpatterns = [
    path("projects/<int:pk>/manage/invitations/", login_required(invitations_page),
         name="invitations"),
    path("manage/national-invitations/", login_required(national_invitations_page),
         name="national_invitations"),
]
