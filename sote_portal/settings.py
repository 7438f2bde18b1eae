"""The one settings module. Every value that differs between machines comes from the
environment; the defaults are for a developer's machine (SQLite, Celery in-process)."""

import datetime as dt
import os
import re
import secrets
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A gitignored .env file beside manage.py may hold any of these variables; the environment
# wins over it. ENV_FILE names another file (the tests use a temporary one).
ENV_FILE = Path(os.environ.get("ENV_FILE") or BASE_DIR / ".env")
environ.Env.read_env(ENV_FILE, overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("TESTING", default=False)

MISSING_SECRET_KEY = (
    "SECRET_KEY is not set. A deployment sets SECRET_KEY (a long random string, in the "
    "environment or in .env); a developer's machine sets DEBUG=1 (make run does), which keeps "
    "a key of its own for this checkout in .env."
)


def _development_secret_key(env_file: Path) -> str:
    """This checkout's development key: generated into the .env file the first time DEBUG=1
    needs it, then read back from there. Kept under its own name, so a checkout run without
    DEBUG never picks it up as a deployment's key."""
    name = "DEVELOPMENT_SECRET_KEY"
    if not os.environ.get(name):
        text = env_file.read_text() if env_file.is_file() else ""
        line = f"{name}={secrets.token_urlsafe(50)}\n"
        with open(os.open(env_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "a") as f:
            f.write(line if not text or text.endswith("\n") else "\n" + line)
        # Read back: if two processes started at once, both take the first key written.
        environ.Env.read_env(env_file, overwrite=False)
    return os.environ[name]


if os.environ.get("SECRET_KEY"):
    SECRET_KEY = os.environ["SECRET_KEY"]
elif TESTING:
    SECRET_KEY = "testing-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
elif DEBUG:
    SECRET_KEY = _development_secret_key(ENV_FILE)
elif os.environ.get("CODE_ONLY_SECRET_KEY"):  # manage.py check and the like (see manage.py)
    SECRET_KEY = os.environ["CODE_ONLY_SECRET_KEY"]
else:
    raise ImproperlyConfigured(MISSING_SECRET_KEY)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "csp",
    "axes",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "projects",
    "workpackages",
    "indicators",
    "reports",
    "dashboards",
    "workspace",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "projects.languages.UserLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "projects.two_factor.TwoFactorMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sote_portal.security.SessionLimitsMiddleware",
    "sote_portal.middleware.NoStoreForAuthenticatedMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sote_portal.urls"
WSGI_APPLICATION = "sote_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "demo.context_processors.illustrative",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves a few people at once: a write transaction takes the lock
    # when it begins and a second writer waits for it (up to 20 s) instead of failing with
    # "database is locked" halfway through.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The audit trail (projects/audit.py): one row per accepted change of these models.
_AUDIT_IGNORED = ["updated_at", "created_at", "code_sort"]
AUDITLOG_INCLUDE_TRACKING_MODELS = [
    {"model": label, "exclude_fields": _AUDIT_IGNORED}
    for label in [
        "projects.Phase", "projects.Membership", "workpackages.Goal",
        "workpackages.Activity", "workpackages.Output", "workpackages.BudgetLine",
        "workpackages.ActualCost", "workpackages.Risk", "workpackages.RiskReview",
        "workpackages.CostImport",
        "indicators.Metric", "indicators.MetricTarget", "indicators.MetricValue",
        "reports.MonthlyReport", "reports.EvaluationRound", "reports.EvaluationNarrative",
    ]
] + [
    # The plan's choices from lists (the workspace, issue 11) are changes of the plan too.
    {"model": "projects.Project", "m2m_fields": ["co_implementers"], "exclude_fields": _AUDIT_IGNORED},
    {"model": "workpackages.WorkPackage", "m2m_fields": ["benefit_goals"],
     "exclude_fields": _AUDIT_IGNORED},
    {"model": "workpackages.Subproject",
     "m2m_fields": ["goals", "responsible_people", "reporting_coordinators"],
     "exclude_fields": _AUDIT_IGNORED},
    # The manager's summary of the month and light overrides; what the roll-up computes is not
    # a change anyone made.
    {"model": "reports.ProjectRollup", "exclude_fields": [
        *_AUDIT_IGNORED, "expected", "reported", "approved", "on_time", "narrative_draft",
        "computed_at"]},
    {"model": "reports.WorkPackageStatus",
     "exclude_fields": [*_AUDIT_IGNORED, "computed_light", "counts"]},
] + [
    # API clients: who created, rescoped, re-keyed or revoked a token. Never the token: only
    # its hash is stored, and that stays out of the audit too (the prefix shows a new token).
    # Invitations: who invited whom to which role, resent, withdrew or accepted; never the
    # link's token (only its hash is stored, and that stays out of the audit too).
    {"model": "projects.Invitation", "exclude_fields": [*_AUDIT_IGNORED, "token_hash"]},
    {"model": "api.ApiClient", "m2m_fields": ["regions", "projects"],
     "exclude_fields": [*_AUDIT_IGNORED, "token_hash", "last_used_at"]},
]
AUDITLOG_DISABLE_REMOTE_ADDR = False

# Repeated failed logins hold the account back (django-axes: an atomic counter in the
# database, per user name, shared by every web process).
AUTHENTICATION_BACKENDS = [
    "sote_portal.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The organisation's sign-in (OpenID Connect, projects/oidc.py): on only where
# OIDC_RP_CLIENT_ID is set. The provider's endpoints are set one by one, or found in its
# discovery document (OIDC_OP_DISCOVERY_URL, the issuer's URL or its
# .well-known/openid-configuration), fetched at the first such sign-in; set ones win.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_DISCOVERY_URL = env.str("OIDC_OP_DISCOVERY_URL", default="")
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")  # checked against the ID token's iss
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_EMAIL_CLAIM = env.str("OIDC_EMAIL_CLAIM", default="email")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email")
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10)
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False  # a stranger gets no account (projects/oidc.py refuses them anyway)
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("projects.oidc.OrganisationBackend")
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = [
    # axes.W006 asks to lock by IP address too. The account is what ASVS 2.2.1 asks to hold
    # back; a whole hospital network shares one NAT address, and locking by it would lock
    # out every nurse in the building after five typos.
    "axes.W006",
]
# The cache: per process by default; a deployment with several web processes sets CACHE_URL
# (redis://…) so that the rate limits below count across them.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# Password reset requests per address and per client address (django-ratelimit's decorator,
# counted in the cache above).
PASSWORD_RESET_RATE = env.str("PASSWORD_RESET_RATE", default="5/h")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_URL_PATH = "/accounts/login/"
LOGIN_REDIRECT_URL = "reports:mine"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60  # the reset e-mail says three days
INVITATION_DAYS = env.int("INVITATION_DAYS", default=7)

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One way of writing months (5/2022), dates (10.6.2022), times (klo 6.45) and numbers
# (decimal comma, a narrow no-break space between thousands) per language; projects.formatting
# writes the same for e-mails, workbooks and PDFs.
FORMAT_MODULE_PATH = ["sote_portal.formats"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/swagger-ui", BASE_DIR / "node_modules" / "swagger-ui-dist"),
]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# E-mail: printed to the console in development.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="sote-portal <noreply@localhost>")
# The portal's address as its users reach it: the links in e-mails start with it.
PORTAL_URL = env.str("PORTAL_URL", default="http://localhost:8000").rstrip("/")
if not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", PORTAL_URL):
    raise ImproperlyConfigured(f"PORTAL_URL must be an http(s) address, not {PORTAL_URL!r}")

# Celery: with REDIS_URL unset, tasks run in-process (the embedded default).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Tests run tasks in-process too, except the ones that start a real worker on Redis.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL or TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longer than the longest task: a task unacknowledged for this long (its worker died) is
# delivered again.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # How often a worker looks for such messages (kombu: interval × throttle seconds).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    # A Redis that does not answer (host down, packets dropped): give up connecting after
    # this many seconds instead of the operating system's two minutes.
    "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=2),
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=2)
# Sending a job while Redis is down: two quick retries, then the sender hears of it at once
# (a document is refused with a message; a roll-up is left to the hourly sweep).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5,
}
# Workers started before Redis keep trying to connect (Celery 6 asks for this explicitly).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A document job queued or running this long without progress was lost: send it again.
STALLED_JOB_SECONDS = env.int("STALLED_JOB_SECONDS", default=900)
# PDF documents one user may ask for within an hour (each costs a worker seconds of CPU).
DOCUMENT_REQUESTS_PER_HOUR = env.int("DOCUMENT_REQUESTS_PER_HOUR", default=20)
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Every night, not only on the 1st: opening is idempotent, and a job lost on the 1st
    # (Redis down, worker killed) is made good the next night.
    "open-reporting-periods": {
        "task": "reports.tasks.open_reporting_periods",
        "schedule": crontab(minute=5, hour=0),
    },
    "close-reporting-periods": {
        "task": "reports.tasks.close_reporting_periods",
        "schedule": crontab(minute=10, hour=0),
    },
    "send-reporting-reminders": {
        "task": "reports.tasks.send_reporting_reminders",
        # The noon run sends only what the morning's did not (one reminder a day per key).
        "schedule": crontab(minute=0, hour="8,12"),
    },
    # The safety nets of the jobs sent from the web process (reports/tasks.py).
    "requeue-stalled-documents": {
        "task": "reports.tasks.requeue_stalled_documents",
        "schedule": crontab(minute="*/5"),
    },
    "recompute-stale-rollups": {
        "task": "reports.tasks.recompute_stale_rollups",
        "schedule": crontab(minute=20),
    },
    # THL updates Sotkanet a few times a year: weekly is ample, Monday night is quiet.
    "fetch-sotkanet-context": {
        "task": "indicators.tasks.fetch_sotkanet_context",
        "schedule": crontab(minute=40, hour=2, day_of_week=1),
    },
}

# Sotkanet (THL's indicator bank): the context series beside the metrics (indicators/sotkanet.py).
SOTKANET_BASE_URL = env.str("SOTKANET_BASE_URL", default="https://sotkanet.fi/rest/1.1")
SOTKANET_TIMEOUT = env.float("SOTKANET_TIMEOUT", default=20)
# Sotkanet's region id of the whole country ("Koko maa", category MAA).
SOTKANET_COUNTRY_REGION = env.int("SOTKANET_COUNTRY_REGION", default=658)
# How many years back are fetched (the current year included).
SOTKANET_YEARS = env.int("SOTKANET_YEARS", default=10)

# Monthly reporting: a month's reports are due on this day of the following month.
REPORTING_DEADLINE_DAY = env.int("REPORTING_DEADLINE_DAY", default=10)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "sote-portal API",
    "DESCRIPTION": "Read-only data of the development projects for STM and THL.",
    "VERSION": "1.0.0",
    # Names of the enums of the coded response fields (drf-spectacular would name two choice
    # sets of one field name by a hash, and one choice set by several names).
    "ENUM_NAME_OVERRIDES": {
        "LightEnum": "reports.models.StatusLight",
        "CostCategoryEnum": "workpackages.models.BudgetLine.Category",
        "RiskCategoryEnum": "workpackages.models.Risk.Category",
    },
}

# --- Security (Django's deployment checklist, OWASP ASVS 4.0.3 level 2) -----------------------
PRODUCTION = not (DEBUG or TESTING)
# Two-step sign-in (projects/two_factor.py): an administrator sets up an authenticator app
# before the Django admin opens.
TWO_FACTOR_REQUIRED_FOR_ADMINS = env.bool("TWO_FACTOR_REQUIRED_FOR_ADMINS", default=PRODUCTION)
OTP_TOTP_ISSUER = "sote-portal"
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True  # the idle limit counts from the last request
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=PRODUCTION)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool(
    "BEHIND_TLS_PROXY", default=PRODUCTION) else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
# No inline scripts or styles anywhere: every script and style comes from /static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"security": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
