from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkpackagesConfig(AppConfig):
    name = "workpackages"
    verbose_name = _("Work packages")
