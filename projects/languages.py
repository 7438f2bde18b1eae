"""Each person's language: chosen in the language menu, remembered on their profile, applied
at login and on every page they open, and used for what the portal sends them (e-mails, the
Excel import's answers).

The choice is kept in the session as well, so a page costs no query for it: the login copies
the profile's language into the session, the language menu writes both."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from projects.models import UserProfile

SESSION_KEY = "portal_language"
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}

# django-auditlog names its actions (LogEntry.Action) in English only: the portal's catalogues
# translate them (the audit page and the admin show get_action_display in the reader's
# language). Listed here so that makemessages keeps them.
AUDITLOG_ACTIONS = (gettext_noop("create"), gettext_noop("update"), gettext_noop("delete"),
                    gettext_noop("access"))


def user_language(user) -> str:
    """The language to write to `user` in: their remembered choice, else the portal's
    default (Finnish). Reads the profile once (select_related('profile') avoids even that)."""
    if user is None:
        return settings.LANGUAGE_CODE
    try:
        language = user.profile.language
    except UserProfile.DoesNotExist:
        return settings.LANGUAGE_CODE
    return language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE


def language_remember(*, user, language: str) -> None:
    """Keep `language` as the user's choice (a code the portal does not offer is ignored)."""
    if language not in LANGUAGE_CODES:
        return
    UserProfile.objects.update_or_create(user=user, defaults={"language": language})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language menu: Django's set_language (the cookie, the redirect back), and for a
    signed-in user the choice remembered on the profile and in the session."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in LANGUAGE_CODES:
        language_remember(user=request.user, language=language)
        request.session[SESSION_KEY] = language
    return response


@receiver(user_logged_in, dispatch_uid="projects.languages.apply_at_login")
def _apply_at_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    try:
        language = user.profile.language
    except UserProfile.DoesNotExist:
        return
    if language in LANGUAGE_CODES:
        request.session[SESSION_KEY] = language
        translation.activate(language)
        request.LANGUAGE_CODE = language


def _session_language(request: HttpRequest) -> str | None:
    """The remembered language of the session, without opening a session the request does not
    have (an API call with a token stays free of Vary: Cookie)."""
    session = getattr(request, "session", None)
    if session is None or not (session.session_key or session.modified):
        return None
    return session.get(SESSION_KEY)


class UserLanguageMiddleware:
    """After the authentication middleware: a signed-in user's remembered language wins over
    the browser's cookie and Accept-Language (so a shared or new browser shows their
    language at once)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = _session_language(request)
        if language in LANGUAGE_CODES and request.user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        language = _session_language(request)
        if (language in LANGUAGE_CODES and request.user.is_authenticated
                and settings.LANGUAGE_COOKIE_NAME not in response.cookies
                and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language):
            # The cookie follows the remembered choice, so the login page after a logout
            # stays in the same language.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language,
                max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
