"""API clients: the tokens STM, THL and other systems use to read the REST API."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models import Project, Region

RATE_FORMAT = RegexValidator(
    r"^[1-9][0-9]*/(second|minute|hour|day)$",
    _("Give the limit as requests per second, minute, hour or day, e.g. 1000/hour."),
)


class ApiClientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiClient(models.Model):
    """A system that reads the API with a token. Only a hash of the token is stored: the
    token itself is shown once, when the client is created."""

    name = models.CharField(_("name"), max_length=100, unique=True,
                            help_text=_("Who uses the token, e.g. THL Sotkanet."))
    token_prefix = models.CharField(
        _("token prefix"), max_length=12, editable=False,
        help_text=_("The first characters of the token, to recognise it in logs."),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    all_projects = models.BooleanField(
        _("all projects"), default=False,
        help_text=_("Reads every project; otherwise only the regions and projects chosen below."),
    )
    regions = models.ManyToManyField(
        Region, blank=True, related_name="+", verbose_name=_("regions"),
        help_text=_("Reads every project of these regions."),
    )
    projects = models.ManyToManyField(
        Project, blank=True, related_name="+", verbose_name=_("projects"),
        help_text=_("Reads these projects."),
    )
    rate = models.CharField(
        _("request limit"), max_length=20, blank=True, validators=[RATE_FORMAT],
        help_text=_("E.g. 1000/hour or 50/minute; empty for the default limit."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
