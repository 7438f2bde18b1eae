"""Password self-service (issue 16): change with the old password, reset by e-mail. Django's
own views, with the portal's templates, a rate limit per address and the e-mail sent by a
task, so the answer does not reveal whether an address belongs to an account."""

from axes.utils import reset as reset_lockout
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.template import loader
from django.utils.decorators import method_decorator
from django.utils.translation import ngettext_lazy
from django_ratelimit.decorators import ratelimit

from projects import tasks

# Django's own Finnish catalogue leaves MinimumLengthValidator's message untranslated; the
# portal's catalogue (LOCALE_PATHS, read first) carries it, marked here for makemessages.
_DJANGO_UNTRANSLATED = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.", 12)


def _address(group, request) -> str:
    return request.POST.get("email", "").strip().lower()


class PasswordResetForm(auth_forms.PasswordResetForm):
    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        tasks.send_account_email.delay(subject, body, to_email)  # the reset writes nothing


@method_decorator(ratelimit(key=_address, rate=settings.PASSWORD_RESET_RATE, method="POST",
                            block=False), name="post")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm

    def post(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            form = self.get_form()
            form.is_valid()
            return self.render_to_response(self.get_context_data(form=form, limited=True),
                                           status=429)
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        # A new password ends a lockout of failed logins: the person proved the address.
        reset_lockout(username=form.user.get_username())
        return response
